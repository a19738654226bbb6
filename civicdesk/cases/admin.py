"""Read-only ledger views in the admin. Cases change only through the actions layer, never here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civicdesk.org.models import Role
from civicdesk.org.roles_admin import RoleAdmin, role_of

from .models import Case, CaseEvent, Citizen
from .visibility import visible_cases


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "actor_name", "from_state", "to_state", "payload")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(RoleAdmin):
    view_roles = (Role.ADMIN, Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.HANDLER)
    edit_roles = ()
    list_display = (
        "number",
        "title",
        "kind",
        "state",
        "responsible_unit",
        "due_at",
        "sla_status",
        "masked_phone",
    )
    list_filter = ("state", "sla_status", "kind", "channel", "priority", "closed_without_verdict")
    search_fields = ("number", "title")
    date_hierarchy = "received_at"
    inlines = [CaseEventInline]
    exclude = ("citizen",)
    readonly_fields = [f.name for f in Case._meta.fields if f.name != "citizen"] + [
        "masked_phone",
        "co_units",
    ]

    @admin.display(description=_("电话"))
    def masked_phone(self, obj):
        return obj.citizen.masked_phone if obj.citizen_id else ""

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("responsible_unit", "citizen")
        return visible_cases(request.user, qs)


@admin.register(CaseEvent)
class CaseEventAdmin(RoleAdmin):
    view_roles = (Role.ADMIN, Role.SUPERVISOR)
    edit_roles = ()
    list_display = ("created_at", "case", "action", "actor_name", "from_state", "to_state")
    list_filter = ("action",)
    search_fields = ("case__number",)
    readonly_fields = [f.name for f in CaseEvent._meta.fields]


@admin.register(Citizen)
class CitizenAdmin(RoleAdmin):
    view_roles = (Role.ADMIN,)
    edit_roles = ()
    list_display = ("masked_name", "masked_phone", "created_at")
    exclude = ("phone", "name")
    readonly_fields = ("masked_name", "masked_phone", "user", "created_at")

    def has_view_permission(self, request, obj=None):
        return role_of(request.user) == Role.ADMIN
