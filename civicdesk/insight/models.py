"""Settings of the assessment an administrator changes: the weights of the overall score."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentWeights(models.Model):
    """One row: how much each of the three rates counts in a unit's overall score (percent, summing to 100).

    The defaults follow the Beijing 12345 assessment: response 10, resolution 45, satisfaction 45."""

    response = models.PositiveSmallIntegerField(
        _("响应率权重（%）"), default=10, validators=[MaxValueValidator(100)]
    )
    resolution = models.PositiveSmallIntegerField(
        _("解决率权重（%）"), default=45, validators=[MaxValueValidator(100)]
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("满意率权重（%）"), default=45, validators=[MaxValueValidator(100)]
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")

    def __str__(self):
        return f"{self.response}/{self.resolution}/{self.satisfaction}"

    def clean(self):
        if self.response + self.resolution + self.satisfaction != 100:
            raise ValidationError(_("三项权重之和须为 100"))

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


class TextBand(models.Model):
    """One MinHash band key of a case's text (similarity.band_keys): how duplicates are found without
    reading the ledger. Twelve rows per case."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "received_at"], name="textband_key_time")]
        verbose_name = _("文本指纹")
        verbose_name_plural = _("文本指纹")

    def __str__(self):
        return f"{self.case_id}:{self.key}"
