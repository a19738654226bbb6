"""Admin access by hotline role instead of Django's per-model permission tables."""

from django.contrib import admin

from .models import Role


def role_of(user):
    if not user.is_active or not user.is_staff:
        return None
    return Role.ADMIN if user.is_superuser else user.role


class RoleAdmin(admin.ModelAdmin):
    """view_roles may look, edit_roles may add/change/delete."""

    view_roles = (Role.ADMIN,)
    edit_roles = (Role.ADMIN,)

    def has_module_permission(self, request):
        return role_of(request.user) in set(self.view_roles) | set(self.edit_roles)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return role_of(request.user) in self.edit_roles

    def has_change_permission(self, request, obj=None):
        return role_of(request.user) in self.edit_roles

    def has_delete_permission(self, request, obj=None):
        return role_of(request.user) in self.edit_roles
