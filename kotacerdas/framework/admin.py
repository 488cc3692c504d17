"""The platform admin edits the national framework here; every save goes through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotacerdas.framework import services
from kotacerdas.framework.models import Dimension, Element


def _changed(obj: Any, form: Any) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in form.changed_data if field in services.EDITABLE_FIELDS}


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]
    readonly_fields = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the six dimensions are national; regions extend elements, not dimensions

    def save_model(self, request: HttpRequest, obj: Dimension, form: Any, change: bool) -> None:
        services.dimension_update(dimension=obj, actor=request.user, **_changed(obj, form))  # type: ignore[arg-type]


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "dimension", "region", "order"]
    list_filter = ["dimension", "region"]

    def get_readonly_fields(self, request: HttpRequest, obj: Element | None = None) -> list[str]:
        return ["code", "dimension", "region"] if obj else []

    def save_model(self, request: HttpRequest, obj: Element, form: Any, change: bool) -> None:
        if change:
            services.element_update(element=obj, actor=request.user, **_changed(obj, form))  # type: ignore[arg-type]
        else:
            created = services.element_create(
                dimension=obj.dimension,
                region=obj.region,
                code=obj.code,
                name=obj.name,
                name_en=obj.name_en,
                order=obj.order,
                actor=request.user,  # type: ignore[arg-type]
            )
            obj.pk = created.pk
