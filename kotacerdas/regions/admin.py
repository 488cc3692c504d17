"""The platform admin creates and edits regions here; saves go through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotacerdas.regions import services
from kotacerdas.regions.models import Area, Region

CREATE_FIELDS = ("name", "kind", "code", "slug", "jurisdiction", "time_zone", "district_kind", "village_kind")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "slug", "jurisdiction", "time_zone", "is_active"]
    search_fields = ["name", "code", "slug"]

    def get_readonly_fields(self, request: HttpRequest, obj: Region | None = None) -> list[str]:
        return ["code", "slug"] if obj else []

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        actor: Any = request.user
        if change:
            changed = {f: getattr(obj, f) for f in form.changed_data if f in services.REGION_EDITABLE}
            services.region_update(region=obj, actor=actor, **changed)
            return
        fields = {f: getattr(obj, f) for f in CREATE_FIELDS}
        created = services.region_create(**fields, province=obj.province, seat=obj.seat, actor=actor)
        obj.pk = created.pk


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "region", "parent"]
    list_filter = ["region", "level"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    list_select_related = ["region", "parent"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # areas are added through the audited service (demo loader, import); read-only here
