"""Organisation: the tree of units that handle cases, and the staff who work in them."""

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区县")
    STREET = "street", _("街道/乡镇")
    COMMUNITY = "community", _("社区/村")
    DEPARTMENT = "department", _("职能部门")
    UTILITY = "utility", _("公共服务企业")
    CENTER = "center", _("热线中心")


# Kinds that are places: a case's location area is one of these.
AREA_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY)


class Unit(models.Model):
    """A handling unit (承办单位). `path` is the chain of ids from the root ("/1/4/17/"), so that
    "this unit and everything under it" is one indexed prefix query."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("编码"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
            if new_path != old_path:
                if self.parent_id and self.parent.path.startswith(old_path or "\x00"):
                    raise ValueError("a unit cannot be moved under itself")
                Unit.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                        Unit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])
                self.path = new_path

    @property
    def depth(self):
        return self.path.count("/") - 1 if self.path else 0

    @property
    def is_area(self):
        return self.kind in AREA_KINDS

    def ancestors(self, include_self=True):
        """Units from this one up to the root, nearest first."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        if not include_self:
            ids = ids[:-1]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in reversed(ids) if i in by_id]

    def subtree(self):
        return Unit.objects.filter(path__startswith=self.path)

    def contains(self, other):
        return bool(other and other.path.startswith(self.path))


class Role(models.TextChoices):
    OPERATOR = "operator", _("受理员")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    LEADER = "leader", _("单位负责人")
    SUPERVISOR = "supervisor", _("督办员")
    ADMIN = "admin", _("管理员")
    CITIZEN = "citizen", _("市民")


# Roles that work for the hotline centre and see the whole city's ledger.
CITYWIDE_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN)
# Roles that work inside a unit and see that unit's subtree.
UNIT_ROLES = (Role.HANDLER, Role.LEADER)


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="unit_role_needs_unit",
                condition=~Q(role__in=["handler", "leader"]) | Q(unit__isnull=False),
                violation_error_message=_("承办人和单位负责人必须属于一个单位"),
            )
        ]

    @property
    def is_citywide(self):
        return self.role in CITYWIDE_ROLES or self.is_superuser

    @property
    def display_name(self):
        return self.get_full_name() or self.username
