"""Helpers shared by the screens."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from civicdesk.org.models import Role, Unit

from ..context import role_of

PAGE_SIZE = 50
STAFF_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


def roles_required(*roles):
    """The view is for these roles (administrators always pass); others are sent to log in or refused."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in roles and role_of(request.user) != Role.ADMIN:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(*STAFF_ROLES)


def paginate(request, queryset, size=PAGE_SIZE):
    paginator = Paginator(queryset, size)
    return paginator.get_page(request.GET.get("page"))


def case_list_queryset(queryset):
    """What a case table shows, fetched in one query."""
    return queryset.select_related("category", "responsible_unit")


def unit_choices():
    """Active handling units for dispatch pickers, labelled with their parent for streets and communities."""
    units = list(Unit.objects.filter(is_active=True).select_related("parent"))
    for unit in units:
        unit.label = (
            f"{unit.parent.name} · {unit.name}" if unit.kind == "community" and unit.parent else unit.name
        )
    return [u for u in units if u.kind not in ("city", "center")]
