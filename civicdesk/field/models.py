"""Field work (走访): households and people of a community or village, and the visits officials make to
ask what people need (面对面问需). Each need heard becomes a case on the ledger, linked to its visit, so the
ledger can be read per area, per household and per person (因地因村因户因人建立问题台账).

The register holds personal data: only the units responsible for the area (its community or village, the
street above it, the district above that) see it; see `visible_households`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.org.models import Unit


class Household(models.Model):
    area = models.ForeignKey(
        Unit, verbose_name=_("社区（村）"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("住址"), max_length=200)
    head = models.CharField(_("户主"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")

    def __str__(self):
        return f"{self.area.name} {self.address}"


class Person(models.Model):
    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    area = models.ForeignKey(Unit, verbose_name=_("社区（村）"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")

    def __str__(self):
        return self.name


class Visit(models.Model):
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="visits"
    )
    area = models.ForeignKey(
        Unit, verbose_name=_("社区（村）"), on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    heard = models.TextField(_("了解到的情况"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")

    def __str__(self):
        return f"{self.visited_on} {self.area.name}"


class VisitNeed(models.Model):
    """One need heard on a visit, and the case it became."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="needs")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="visit_need")

    def __str__(self):
        return self.case.number


class ContactHousehold(models.Model):
    """联系户: a member of staff keeps in touch with a household and visits it at least every `every_days`.
    A visit the same person records for the household restarts the count (see contacts.py)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系干部"),
        on_delete=models.CASCADE,
        related_name="contact_households",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.CASCADE, related_name="contacts"
    )
    every_days = models.PositiveSmallIntegerField(_("走访周期（天）"), default=30)
    assigned_on = models.DateField(_("结对日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("联系户")
        verbose_name_plural = _("联系户")
        constraints = [models.UniqueConstraint(fields=["staff", "household"], name="contact_once_per_staff")]

    def __str__(self):
        return f"{self.staff} → {self.household}"
