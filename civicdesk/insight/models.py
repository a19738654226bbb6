"""Settings of the assessment an administrator changes: the weights of the overall score."""

from django.conf import settings
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


# Handling-time histogram (hours): bucket i holds times in (EDGES[i-1], EDGES[i]]; the last bucket, beyond.
HOUR_EDGES = (1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 360, 720, 1440)
HOUR_BUCKETS = tuple(f"h{i}" for i in range(len(HOUR_EDGES) + 1))


class Grain(models.IntegerChoices):
    DAY = 1, _("日")
    MONTH = 2, _("月")


class CaseRollup(models.Model):
    """Counters of the ledger summed by the day (and month) a case was received, its unit, area (the
    street/township: a community's cases count in its street) and first-level category: what the
    assessment and the dashboards read instead of the ledger.

    Kept current by `rollups.fold`, which adds the deltas the actions layer journals (RollupDelta) in the
    same transaction as each change. Every counter is a plain sum, so any period, unit subtree, area or
    category is a sum of rows. unit_id, area_id and category_id are plain integers (0 = none): the rollup
    is derived data, rebuilt from the ledger by `civicdesk rollups --rebuild`."""

    grain = models.PositiveSmallIntegerField(choices=Grain.choices)
    bucket = models.DateField()  # the day, or the first day of the month
    unit_id = models.IntegerField()  # the responsible unit, or for dispatched_to/returned the unit concerned
    area_id = models.IntegerField()  # the street/township (or district) of the case's area
    category_id = models.IntegerField()  # the first-level category
    # 0: unit × area × category; 1: per unit (area and category -1); 2: per area; 3: per category
    level = models.PositiveSmallIntegerField(default=0)

    received = models.IntegerField(default=0)  # every case but invalid ones
    assigned = models.IntegerField(default=0)  # dispatched, assessed (not merged/withdrawn/invalid)
    response_due = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    partly = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    open = models.IntegerField(default=0)  # still waiting for the unit (open states)
    approaching = models.IntegerField(default=0)  # open and near the deadline
    overdue = models.IntegerField(default=0)  # open and past the deadline
    dispatched_to = models.IntegerField(default=0)  # distinct cases ever dispatched to the unit
    returned = models.IntegerField(default=0)  # distinct cases the unit asked to return
    handled = models.IntegerField(default=0)  # replied cases with a handling time (assessed)
    hours_sum = models.FloatField(default=0)
    located = models.IntegerField(default=0)  # cases with coordinates
    latitude_sum = models.FloatField(default=0)
    longitude_sum = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "unit_id", "area_id", "category_id"], name="rollup_cell"
            )
        ]
        # A dashboard filtered on one unit, area or category reads the rows of that unit's, area's or
        # category's subtree, not every row of the period: at ten million cases a district's year is 50,000
        # of the year's 840,000 full-level month rows.
        indexes = [
            models.Index(fields=["level", "grain", "bucket"], name="rollup_level_period"),
            models.Index(fields=["level", "unit_id", "grain", "bucket"], name="rollup_level_unit"),
            models.Index(fields=["level", "area_id", "grain", "bucket"], name="rollup_level_area"),
            models.Index(fields=["level", "category_id", "grain", "bucket"], name="rollup_level_category"),
        ]
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")

    def __str__(self):
        return f"{self.get_grain_display()} {self.bucket} u{self.unit_id} a{self.area_id} c{self.category_id}"


for _bucket in HOUR_BUCKETS:
    CaseRollup.add_to_class(_bucket, models.IntegerField(default=0))


class RollupDelta(models.Model):
    """What one change of one case adds to the rollup, written in the change's own transaction and folded
    into CaseRollup by the workers (a journal, so the intake path never contends on a hot rollup row).

    cells: [[grain, "YYYY-MM-DD", unit_id, area_id, category_id, {counter: delta}], ...]"""

    id = models.BigAutoField(primary_key=True)
    cells = models.JSONField()

    class Meta:
        verbose_name = _("统计增量")
        verbose_name_plural = _("统计增量")

    def __str__(self):
        return f"delta {self.pk}: {len(self.cells)} cells"


class Topic(models.Model):
    """每月一题: a recurring problem chosen from the hotspots for root-cause work by several units at once.

    Each unit's part is a task case (channel 'proactive'), so it has a deadline, a workbench row and an
    assessment like any case; the topic ties them together and remembers the requests it came from."""

    title = models.CharField(_("题目"), max_length=200)
    month = models.DateField(_("月份"))  # the first day of the month the topic was set
    note = models.TextField(_("说明"), blank=True)
    source_numbers = models.JSONField(_("相关诉求"), default=list, blank=True)
    tasks = models.ManyToManyField("cases.Case", verbose_name=_("任务工单"), related_name="topics")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-month", "-created_at"]
        verbose_name = _("每月一题")
        verbose_name_plural = _("每月一题")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.title}"


class HotspotRun(models.Model):
    """One scheduled mining of the city's hotspots over the last `days` days. `slot` (day and window) is
    unique, so when many workers reach the job at once only one mines."""

    slot = models.CharField(max_length=40, unique=True)
    days = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    scanned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("热点计算")
        verbose_name_plural = _("热点计算")

    def __str__(self):
        return self.slot


class StoredHotspot(models.Model):
    """A hotspot as a run found it, ranked: what the hotspot page shows without mining again."""

    run = models.ForeignKey(HotspotRun, on_delete=models.CASCADE, related_name="hotspots")
    rank = models.PositiveSmallIntegerField()
    heat = models.FloatField()
    place = models.CharField(max_length=100, blank=True)
    representative_number = models.CharField(max_length=20)
    representative_title = models.CharField(max_length=200)
    numbers = models.JSONField(default=list)
    people = models.PositiveIntegerField(default=0)
    support = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("热点")
        verbose_name_plural = _("热点")

    def __str__(self):
        return f"{self.rank}. {self.representative_title}"

    # The page reads stored and freshly mined hotspots alike.
    @property
    def representative(self):
        return self

    @property
    def title(self):
        return self.representative_title

    @property
    def members(self):
        return self.numbers
