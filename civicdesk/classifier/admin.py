"""Classifier versions in the admin: see each one's metrics and data, activate one, roll back.

Versions are made by `civicdesk classifier train` (docs/classifier.md), not typed in here."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import versions
from .models import ClassifierVersion


@admin.register(ClassifierVersion)
class ClassifierVersionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "created_at",
        "source",
        "level",
        "examples",
        "label_count",
        "held_out_macro_f1",
        "is_active",
        "activated_at",
        "retired_at",
    ]
    list_filter = ["is_active", "level"]
    actions = ["activate", "rollback"]
    readonly_fields = [f.name for f in ClassifierVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_activate_permission(self, request):
        return request.user.has_perm("classifier.change_classifierversion")

    @admin.display(description=gettext_lazy("类别数"))
    def label_count(self, obj):
        return len(obj.labels)

    @admin.display(description=gettext_lazy("留出集 macro-F1"))
    def held_out_macro_f1(self, obj):
        return "-" if obj.macro_f1 is None else f"{obj.macro_f1:.3f}"

    def changelist_view(self, request, extra_context=None):
        loaded = versions.current()
        if loaded.model is None and loaded.name != "off":
            messages.error(
                request,
                _("模型 %(name)s 无法加载，新诉求全部转人工派单：%(problem)s")
                % {"name": loaded.name, "problem": loaded.problem},
            )
        else:
            messages.info(request, _("当前使用的模型：%(name)s") % {"name": loaded.name})
        return super().changelist_view(request, extra_context)

    @admin.action(description=gettext_lazy("启用所选版本"), permissions=["activate"])
    def activate(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, _("请只选择一个版本启用"))
            return
        version = versions.activate(queryset.get())
        messages.success(request, _("已启用 %(v)s") % {"v": version})

    @admin.action(description=gettext_lazy("回退：停用当前版本，恢复上一个版本"), permissions=["activate"])
    def rollback(self, request, queryset):
        if not queryset.filter(is_active=True).exists():
            messages.error(request, _("请勾选当前使用中的版本再回退"))
            return
        now = versions.rollback()
        messages.success(request, _("已回退，现在使用：%(v)s") % {"v": now or versions.SHIPPED_NAME})
