"""Versions of the request classifier: each trained model, its metrics and the data it learned from.

The model itself is a file in the media storage (an .npz archive, see text.py); the row keeps its checksum,
so a file changed or damaged after training is noticed when it is loaded. At most one version is active;
with none active the model shipped with civicdesk is used (data/README.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClassifierVersion(models.Model):
    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("训练数据来源"), max_length=300)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("分类层级"), default=1)
    file = models.FileField(_("模型文件"), upload_to="classifier/")
    sha256 = models.CharField(_("文件校验值"), max_length=64)
    fingerprint = models.CharField(_("训练数据指纹"), max_length=64, db_index=True)
    examples = models.PositiveIntegerField(_("训练样本数"))
    labels = models.JSONField(_("类别"), default=list)
    metrics = models.JSONField(_("评估指标"), default=dict)
    is_active = models.BooleanField(_("使用中"), default=False)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    # Set when an administrator rolls back from this version: a later rollback does not return to it.
    retired_at = models.DateTimeField(_("回退时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("分类模型版本")
        verbose_name_plural = _("分类模型版本")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_classifier"
            )
        ]

    def __str__(self):
        return f"v{self.pk}"

    @property
    def macro_f1(self):
        return self.metrics.get("macro_f1")
