"""Field work screens: record a visit from a phone, and read the ledger per area and per household."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicdesk.cases.errors import ValidationFailed
from civicdesk.cases.models import OPEN_STATES, Case
from civicdesk.org.models import Role
from civicdesk.web.views.common import roles_required

from .contacts import of_unit as contacts_of_unit
from .models import Household, Visit
from .visits import areas_of, cases_of_area, record_visit, visible_households

FIELD_ROLES = (Role.HANDLER, Role.LEADER)


class VisitForm(forms.Form):
    area = forms.ModelChoiceField(queryset=None, label=gettext_lazy("社区（村）"))
    household = forms.ModelChoiceField(queryset=None, label=gettext_lazy("住户"), required=False)
    name = forms.CharField(label=gettext_lazy("走访对象"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    # An <input type="date"> takes only ISO dates, whatever the language of the page.
    visited_on = forms.DateField(
        label=gettext_lazy("走访日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    heard = forms.CharField(label=gettext_lazy("了解到的情况"), widget=forms.Textarea(attrs={"rows": 4}))
    needs = forms.CharField(
        label=gettext_lazy("群众诉求（一行一项，每项生成一件工单）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_of(user).order_by("path")
        self.fields["household"].queryset = (
            visible_households(user).select_related("area").order_by("area", "pk")
        )


def _mine(request, queryset):
    return queryset.filter(area__in=areas_of(request.user))


@roles_required(*FIELD_ROLES)
def field_home(request):
    visits = _mine(request, Visit.objects.select_related("area", "household")).order_by("-visited_on", "-pk")
    areas = areas_of(request.user).annotate(n_households=Count("households")).order_by("path")
    contacts = contacts_of_unit(request.user, timezone.localdate())
    return render(request, "field/home.html", {"visits": visits[:20], "areas": areas, "contacts": contacts})


@roles_required(*FIELD_ROLES)
def visit_new(request):
    form = VisitForm(request.POST or None, user=request.user, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = record_visit(
                request.user,
                area=data["area"],
                household=data["household"],
                visited_on=data["visited_on"],
                heard=data["heard"],
                needs_text=data["needs"],
                name=data["name"],
                phone=data["phone"],
                place=data["place"],
            )
        except ValidationFailed as exc:
            for field, problems in exc.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, gettext_lazy("走访已记录"))
            return redirect("field:visit", pk=visit.pk)
    return render(request, "field/visit_form.html", {"form": form})


@roles_required(*FIELD_ROLES)
def visit_detail(request, pk):
    visit = get_object_or_404(
        _mine(request, Visit.objects.select_related("area", "household", "visitor")), pk=pk
    )
    needs = [n.case for n in visit.needs.select_related("case__responsible_unit").order_by("pk")]
    return render(request, "field/visit.html", {"visit": visit, "needs": needs})


@roles_required(*FIELD_ROLES)
def area_ledger(request, pk):
    area = areas_of(request.user).filter(pk=pk).first()
    if area is None:
        raise Http404
    households = (
        Household.objects.filter(area=area)
        .annotate(
            n_needs=Count("visits__needs", distinct=True),
            n_open=Count(
                "visits__needs", filter=Q(visits__needs__case__state__in=OPEN_STATES), distinct=True
            ),
        )
        .order_by("address")
    )
    cases = cases_of_area(area).select_related("responsible_unit").order_by("-received_at")
    return render(request, "field/area.html", {"area": area, "households": households, "cases": cases[:200]})


@roles_required(*FIELD_ROLES)
def household_ledger(request, pk):
    household = get_object_or_404(visible_households(request.user).select_related("area"), pk=pk)
    people = list(household.people.order_by("name"))
    phones = {p.phone for p in people if p.phone} | ({household.phone} if household.phone else set())
    cases = (
        Case.objects.filter(Q(visit_need__visit__household=household) | Q(citizen__phone__in=phones))
        .distinct()
        .select_related("responsible_unit", "citizen")
        .order_by("-received_at")
    )
    visits = household.visits.select_related("visitor").order_by("-visited_on")
    return render(
        request,
        "field/household.html",
        {"household": household, "people": people, "cases": cases, "visits": visits},
    )
