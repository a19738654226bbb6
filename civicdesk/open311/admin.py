from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    actions = ["rotate"]

    def save_model(self, request, obj, form, change):
        raw = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if raw:
            self._show_once(request, obj, raw)

    @admin.action(description=_("重新生成所选密钥"))
    def rotate(self, request, queryset):
        for key in queryset:
            raw = key.set_new_key()
            key.save(update_fields=["prefix", "digest"])
            self._show_once(request, key, raw)

    def _show_once(self, request, key, raw):
        messages.warning(
            request,
            _("%(name)s 的密钥：%(key)s（只显示这一次，请立即交给接入方保存）")
            % {"name": key.name, "key": raw},
        )
