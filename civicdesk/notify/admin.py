from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.cases import clock

from .models import DeliveryState, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom and whether it arrived; failed messages can be sent again."""

    list_display = ("created_at", "rule", "channel", "user", "case", "state", "attempts", "last_error")
    list_filter = ("state", "channel", "rule")
    search_fields = ("case__number", "subject")
    list_select_related = ("user", "case")
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送所选的失败通知"))
    def retry(self, request, queryset):
        count = queryset.filter(Q(state=DeliveryState.FAILED)).update(
            state=DeliveryState.PENDING, attempts=0, next_attempt_at=clock.now(), last_error=""
        )
        self.message_user(request, _("%(n)d 条通知将重新发送") % {"n": count})


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "sms", "language")
    search_fields = ("user__username",)
