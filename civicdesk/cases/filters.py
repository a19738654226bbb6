"""Filters of case lists, shared by the web screens and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from civicdesk.catalogue.models import Category, Channel, Kind, Priority
from civicdesk.org.models import Unit

from . import clock
from .models import NOT_ASSESSED, OPEN_STATES, Case, CaseState, Resolved, Satisfied, SlaStatus

# These filters take an id; the OpenAPI schema cannot guess that from a filter with its own method.
by_id = extend_schema_field(OpenApiTypes.INT)


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=CaseState.choices)
    open = django_filters.BooleanFilter(label=_("未办结"), method="filter_open")
    sla_status = django_filters.ChoiceFilter(label=_("时限状态"), choices=SlaStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")
    kind = django_filters.ChoiceFilter(label=_("诉求类型"), choices=Kind.choices)
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices)
    priority = django_filters.ChoiceFilter(label=_("优先级"), choices=Priority.choices)
    unit = by_id(
        django_filters.ModelChoiceFilter(
            label=_("承办单位（含下级）"), queryset=Unit.objects.all(), method="filter_unit"
        )
    )
    area = by_id(
        django_filters.ModelChoiceFilter(
            label=_("区域（含下级）"), queryset=Unit.objects.all(), method="filter_area"
        )
    )
    category = by_id(
        django_filters.ModelChoiceFilter(
            label=_("分类（含下级）"), queryset=Category.objects.all(), method="filter_category"
        )
    )
    received_after = django_filters.DateFilter(
        label=_("受理日期起"), field_name="received_at", lookup_expr="date__gte"
    )
    received_before = django_filters.DateFilter(
        label=_("受理日期止"), field_name="received_at", lookup_expr="date__lte"
    )
    resolved = django_filters.ChoiceFilter(label=_("是否解决"), choices=Resolved.choices)
    satisfied = django_filters.ChoiceFilter(label=_("是否满意"), choices=Satisfied.choices)
    reopened = django_filters.BooleanFilter(label=_("重办过"), method="filter_reopened")
    phone = django_filters.CharFilter(label=_("诉求人电话"), method="filter_phone")
    # what the assessment counts (insight/assessment.py): its figures link here
    assessed = django_filters.BooleanFilter(label=_("计入考核"), method="filter_assessed")
    response = django_filters.ChoiceFilter(
        label=_("首次联系"),
        choices=(("in_time", _("按时联系")), ("late", _("联系超时"))),
        method="filter_response",
    )
    replied_late = django_filters.BooleanFilter(label=_("答复超期"), field_name="replied_late")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("received_at", "received_at"), ("due_at", "due_at"), ("updated_at", "updated_at")),
    )

    class Meta:
        model = Case
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(state__in=OPEN_STATES) if value else queryset.exclude(state__in=OPEN_STATES)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(state__in=OPEN_STATES, due_at__lt=clock.now())

    def filter_unit(self, queryset, name, value):
        return queryset.filter(responsible_unit__path__startswith=value.path) if value else queryset

    def filter_area(self, queryset, name, value):
        return queryset.filter(area__path__startswith=value.path) if value else queryset

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        prefix = value.full_name
        return queryset.filter(
            Q(category__full_name=prefix) | Q(category__full_name__startswith=prefix + "/")
        )

    def filter_reopened(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(reopen_count__gt=0) if value else queryset.filter(reopen_count=0)

    def filter_assessed(self, queryset, name, value):
        if value is None:
            return queryset
        counted = Q(dispatched_at__isnull=False, responsible_unit__isnull=False) & ~Q(state__in=NOT_ASSESSED)
        return queryset.filter(counted) if value else queryset.exclude(counted)

    def filter_response(self, queryset, name, value):
        if value == "in_time":
            return queryset.filter(first_contact_at__isnull=False, contact_late=False)
        if value == "late":
            return queryset.filter(contact_late=True)
        return queryset

    def filter_phone(self, queryset, name, value):
        from .validation import normalize_phone

        phone = normalize_phone(value)
        return queryset.filter(citizen__phone=phone) if phone else queryset.none()
