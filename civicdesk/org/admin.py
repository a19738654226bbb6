from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Role, Unit, User
from .roles_admin import RoleAdmin


@admin.register(Unit)
class UnitAdmin(RoleAdmin):
    view_roles = (Role.ADMIN, Role.DISPATCHER, Role.OPERATOR, Role.SUPERVISOR, Role.LEADER)
    list_display = ("indented_name", "code", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj):
        return "— " * (obj.depth - 1) + obj.name


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "role", "unit", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    autocomplete_fields = ("unit",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("热线"), {"fields": ("role", "unit", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("热线"), {"fields": ("role", "unit")}),)
