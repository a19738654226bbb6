"""Open311 integrations: the API keys issued to them and what each POST of theirs became."""

import hashlib
import secrets
import time
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.cases.models import Case

KEY_PREFIX_LENGTH = 8


def _digest(raw_key):
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """One key per integration (an app, a kiosk, a chat bot). Only a digest is stored; the key is shown once.

    Requests made with the key act as `user`, so the key can do exactly what that account may do."""

    name = models.CharField(_("接入方"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=KEY_PREFIX_LENGTH, editable=False, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("以此账号操作"),
        on_delete=models.PROTECT,
        related_name="open311_keys",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self):
        """Gives the key a fresh secret and returns it; only its digest is kept."""
        raw = secrets.token_urlsafe(24)
        self.prefix = raw[:KEY_PREFIX_LENGTH]
        self.digest = _digest(raw)
        return raw

    @classmethod
    def issue(cls, name, user):
        key = cls(name=name, user=user)
        raw = key.set_new_key()
        key.save()
        return key, raw

    @classmethod
    def authenticate(cls, raw_key):
        """The active key for `raw_key`, or None.

        A process remembers a key it has checked for KEY_CACHE_SECONDS, so a busy integration is not one
        database read per request; a key revoked or a user deactivated stops working within that time
        (at once in the process where the change was saved)."""
        if not raw_key or len(raw_key) > 200:
            return None
        digest = _digest(raw_key)
        now = time.monotonic()
        remembered = _checked_keys.get(digest)
        if remembered is not None and now - remembered[1] < KEY_CACHE_SECONDS:
            key = remembered[0]
        else:
            key = cls.objects.select_related("user__unit").filter(digest=digest, is_active=True).first()
            if key is not None:
                if len(_checked_keys) >= KEY_CACHE_SIZE:
                    _checked_keys.clear()
                _checked_keys[digest] = (key, now)
        if key is None or not key.user.is_active:
            return None
        moment = timezone.now()
        if key.last_used_at is None or (moment - key.last_used_at).total_seconds() > 60:
            key.last_used_at = moment
            cls.objects.filter(pk=key.pk).update(last_used_at=moment)
        return key


KEY_CACHE_SECONDS = 10
KEY_CACHE_SIZE = 1000
_checked_keys = {}  # digest -> (key, monotonic time it was read)


def forget_checked_keys(**_ignored):
    _checked_keys.clear()


class Submission(models.Model):
    """One `POST requests`: who sent it, the fields the ledger has no column for, and the case it became.

    A client request id makes a retried POST return the first case instead of creating a second one. A batch
    service answers with `token` at once and creates the case later (see tasks.py)."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    client_request_id = models.CharField(max_length=100, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="open311_submission"
    )
    data = models.JSONField(default=dict, blank=True)
    email = models.CharField(max_length=254, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 提交")
        verbose_name_plural = _("Open311 提交")
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "client_request_id"],
                condition=~Q(client_request_id=""),
                name="open311_one_case_per_client_request",
            )
        ]

    def __str__(self):
        return f"{self.api_key.name} {self.token}"


models.signals.post_save.connect(forget_checked_keys, sender=ApiKey)
models.signals.post_delete.connect(forget_checked_keys, sender=ApiKey)
models.signals.post_save.connect(forget_checked_keys, sender=settings.AUTH_USER_MODEL)
