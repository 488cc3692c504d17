from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "kotacerdas.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from kotacerdas.monitoring import summaries

        summaries.register()
