"""Catalogue: what a request can be about (categories, kinds, priorities), where it goes (dispatch rules)
and how long the responsible unit has (SLA rules and the working-day calendar)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.org.models import Unit


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    HELP = "help", _("求助")
    INQUIRY = "inquiry", _("咨询")
    SUGGESTION = "suggestion", _("建议")
    REPORT = "report", _("举报")
    PRAISE = "praise", _("表扬")


class Priority(models.TextChoices):
    URGENT = "urgent", _("紧急（危及生命财产）")
    UTILITY = "utility", _("水电气热")
    NORMAL = "normal", _("一般")
    COMPLEX = "complex", _("疑难复杂")


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    API = "api", _("接口")
    HOTLINE = "hotline", _("热线电话")
    VISIT = "visit", _("走访")
    LETTER = "letter", _("来信")
    PROACTIVE = "proactive", _("未诉先办")  # a task raised by the hotline itself, from a hotspot


class Category(models.Model):
    """One node of the 3-level category tree (一级/二级/三级分类)."""

    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("层级"), editable=False, default=1)
    full_name = models.CharField(_("完整名称"), max_length=320, editable=False, db_index=True, default="")
    description = models.TextField(_("说明"), blank=True)
    default_priority = models.CharField(
        _("默认优先级"), max_length=20, choices=Priority.choices, default=Priority.NORMAL
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_in_parent")
        ]

    def __str__(self):
        return self.full_name or self.name

    def save(self, *args, **kwargs):
        if self.parent_id:
            self.level = self.parent.level + 1
            self.full_name = f"{self.parent.full_name}/{self.name}"
        else:
            self.level = 1
            self.full_name = self.name
        super().save(*args, **kwargs)

    def clean(self):
        if self.parent_id and self.parent.level >= 3:
            raise ValidationError({"parent": _("分类最多三级")})

    def lineage(self):
        """This category and its ancestors, most specific first."""
        node, chain = self, []
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class DispatchRule(models.Model):
    """Dispatch catalogue (派单目录): requests of `category` in `area` go to `unit`.

    An empty area means "anywhere". The most specific rule wins: a deeper category first, then a deeper
    area, so "自来水供应 anywhere → 自来水公司" beats "城乡建设 in A3区 → A3区住建局"."""

    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.CASCADE)
    area = models.ForeignKey(
        Unit, verbose_name=_("区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("派单目录")
        verbose_name_plural = _("派单目录")
        constraints = [models.UniqueConstraint(fields=["category", "area"], name="dispatch_rule_unique")]

    def __str__(self):
        return f"{self.category} @ {self.area or '*'} → {self.unit}"

    def clean(self):
        if self.area_id and not self.area.is_area:
            raise ValidationError({"area": _("区域必须是市、区、街乡镇或社区村")})

    @classmethod
    def resolve(cls, category, area=None):
        """The responsible unit for a category in an area, or None when the catalogue has no rule."""
        if category is None:
            return None
        categories = category.lineage()
        areas = area.ancestors() if area is not None else []
        rules = {
            (rule.category_id, rule.area_id): rule
            for rule in cls.objects.filter(category__in=categories).select_related("unit")
        }
        for cat in categories:
            for area_id in [a.pk for a in areas] + [None]:
                rule = rules.get((cat.pk, area_id))
                if rule is not None and rule.unit.is_active:
                    return rule.unit
        return None


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("自然小时")
    WORKING_DAYS = "working_days", _("工作日")


class SlaRule(models.Model):
    """How long a unit has to contact the citizen and to reply (办理时限).

    A rule applies to a priority, optionally narrowed to a category subtree; the narrowest match wins."""

    name = models.CharField(_("名称"), max_length=100)
    priority = models.CharField(_("优先级"), max_length=20, choices=Priority.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("分类（含下级）"), null=True, blank=True, on_delete=models.CASCADE
    )
    resolve_amount = models.PositiveIntegerField(_("办结时限"))
    resolve_unit = models.CharField(_("时限单位"), max_length=20, choices=TimeUnit.choices)
    contact_hours = models.PositiveIntegerField(_("首次联系时限（自然小时）"), default=24)
    pause_while_extension_pending = models.BooleanField(_("延期审批期间暂停计时"), default=False)
    pause_while_disputed = models.BooleanField(_("派单争议期间暂停计时"), default=True)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        constraints = [models.UniqueConstraint(fields=["priority", "category"], name="sla_rule_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.resolve_amount == 0:
            raise ValidationError({"resolve_amount": _("时限必须大于零")})

    @classmethod
    def for_case(cls, priority, category=None):
        from . import reference

        snapshot = reference.current()
        rules = snapshot.rules.get(priority, [])
        if category is not None:
            for cat in snapshot.categories.get(category.pk, category).lineage():
                for rule in rules:
                    if rule.category_id == cat.pk:
                        return rule
        for rule in rules:
            if rule.category_id is None:
                return rule
        return None

    @property
    def resolve_duration_is_natural(self):
        return self.resolve_unit == TimeUnit.HOURS

    def resolve_timedelta(self):
        """Length of the handling time in *working* seconds (days) or natural seconds (hours)."""
        if self.resolve_unit == TimeUnit.HOURS:
            return timedelta(hours=self.resolve_amount)
        return timedelta(days=self.resolve_amount)


class WorkdayOverride(models.Model):
    """A correction to the national calendar.

    A local holiday, or a year the calendar package does not cover."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {_('工作日') if self.is_workday else _('休息日')}"
