from django.contrib import admin

from kotacerdas.regions.models import Area, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "slug", "jurisdiction", "time_zone", "is_active"]
    search_fields = ["name", "code", "slug"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "region", "parent"]
    list_filter = ["region", "level"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    list_select_related = ["region", "parent"]
