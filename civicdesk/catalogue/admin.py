from django.contrib import admin

from civicdesk.org.models import Role
from civicdesk.org.roles_admin import RoleAdmin

from .models import Category, DispatchRule, SlaRule, WorkdayOverride

CENTRE = (Role.ADMIN, Role.DISPATCHER, Role.OPERATOR, Role.SUPERVISOR)


@admin.register(Category)
class CategoryAdmin(RoleAdmin):
    view_roles = CENTRE
    list_display = ("full_name", "level", "default_priority", "is_active")
    list_filter = ("level", "default_priority", "is_active")
    search_fields = ("name", "full_name")
    autocomplete_fields = ("parent",)


@admin.register(DispatchRule)
class DispatchRuleAdmin(RoleAdmin):
    """The dispatch catalogue is the dispatchers' own tool: they edit it."""

    view_roles = CENTRE
    edit_roles = (Role.ADMIN, Role.DISPATCHER)
    list_display = ("category", "area", "unit", "note")
    list_filter = ("unit__kind",)
    search_fields = ("category__full_name", "unit__name", "area__name")
    autocomplete_fields = ("category", "area", "unit")


@admin.register(SlaRule)
class SlaRuleAdmin(RoleAdmin):
    view_roles = CENTRE
    list_display = (
        "name",
        "priority",
        "category",
        "resolve_amount",
        "resolve_unit",
        "contact_hours",
        "pause_while_extension_pending",
        "pause_while_disputed",
    )
    autocomplete_fields = ("category",)


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(RoleAdmin):
    view_roles = CENTRE
    list_display = ("date", "is_workday", "note")
