"""Who may see which cases.

The hotline centre sees the city, a unit sees its own subtree, a citizen their own.
"""

from django.db.models import Q

from civicdesk.org.models import Role

from .models import Case
from .validation import normalize_phone


def visible_cases(user, queryset=None):
    queryset = Case.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser or user.role in (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN):
        return queryset
    if user.role in (Role.HANDLER, Role.LEADER) and user.unit_id:
        prefix = user.unit.path
        return queryset.filter(
            Q(responsible_unit__path__startswith=prefix) | Q(co_units__path__startswith=prefix)
        ).distinct()
    if user.role == Role.CITIZEN:
        # The cases this account submitted. Not "every case with the account's phone": a phone typed at
        # sign-up is not verified, and must not open someone else's history.
        return queryset.filter(created_by=user)
    return queryset.none()


def can_view(user, case):
    return visible_cases(user, Case.objects.filter(pk=case.pk)).exists()


def find_for_citizen(number, phone):
    """The case with this number if `phone` is the phone it was raised with; otherwise None.

    Both a wrong number and a wrong phone give the same answer, so the form cannot be used to probe."""
    normalized = normalize_phone(phone or "")
    if not normalized or not number:
        return None
    return Case.objects.filter(number=str(number).strip(), citizen__phone=normalized).first()
