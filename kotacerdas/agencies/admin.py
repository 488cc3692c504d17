from django.contrib import admin

from kotacerdas.agencies.models import Agency, Capability


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "special_role", "region", "is_active"]
    list_filter = ["region", "kind", "special_role"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["parent", "area"]
    list_select_related = ["region"]


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ["agency", "element", "region", "updated_at"]
    list_filter = ["region"]
    list_select_related = ["agency", "element", "region"]
    raw_id_fields = ["agency"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # capabilities are declared by the agency through its own page (audited)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
