"""Notifications: every message the ledger sends to a citizen or a member of staff, with its delivery state.

A notification is written in the same transaction as the case event that caused it (an outbox), so an event
never goes unannounced and a rolled-back action announces nothing. Delivery happens afterwards, in a worker
(delivery.py), and is retried until it succeeds or gives up."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    INAPP = "inapp", _("站内消息")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    rule = models.CharField(_("通知类型"), max_length=30)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    # "u<id>" for a user, "t<phone>" for a citizen without an account: one notification per recipient.
    recipient = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(_("地址"), max_length=254, blank=True)  # e-mail address or phone number
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, related_name="notifications")
    language = models.CharField(max_length=10)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "rule", "channel", "recipient"], name="notify_once_per_event_and_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notify_due"),
            models.Index(fields=["user", "channel", "read_at"], name="notify_inbox"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.rule} {self.subject}"


class Preference(models.Model):
    """How a member of staff wants to hear: in-app messages always, e-mail and SMS as chosen, in which
    language. Without a row, the defaults below apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("邮件通知"), default=True)
    sms = models.BooleanField(_("短信通知"), default=False)
    language = models.CharField(_("通知语言"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return str(self.user)
