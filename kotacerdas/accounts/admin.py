from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from kotacerdas.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["agency", "area"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("Kota Cerdas", {"fields": ("full_name", "phone")}))
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "last_used_at"]
