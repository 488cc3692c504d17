from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "kotacerdas.core"
    label = "core"

    def ready(self) -> None:
        from kotacerdas.core.tenancy import forget_region
        from kotacerdas.regions.models import Region

        post_save.connect(forget_region, sender=Region, dispatch_uid="core.forget_region.save")
        post_delete.connect(forget_region, sender=Region, dispatch_uid="core.forget_region.delete")
