"""The native REST API: the whole case lifecycle for staff, integrations and citizens' apps.

Permissions are the web's: the same visibility (cases/visibility.py) and the same action rules
(cases/permissions.py), enforced by the same actions layer."""

from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from civicdesk.cases import action_forms, intake
from civicdesk.cases.filters import CaseFilter
from civicdesk.cases.models import Case
from civicdesk.cases.visibility import can_view, visible_cases
from civicdesk.catalogue.models import Category, Channel
from civicdesk.org.models import Role, Unit

from . import serializers as s

SUBMITTERS = (Role.OPERATOR, Role.DISPATCHER, Role.ADMIN, Role.CITIZEN)


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Values:
    """JSON values read the way action_forms reads a form: strings, booleans as "1"/"0", lists by getlist."""

    def __init__(self, data):
        self.data = data if isinstance(data, dict) else {}

    @staticmethod
    def _text(value):
        if isinstance(value, bool):
            return "1" if value else "0"
        return "" if value is None else str(value)

    def get(self, key, default=None):
        value = self.data.get(key, default)
        if isinstance(value, (list, dict)):
            return ""
        return self._text(value)

    def getlist(self, key):
        value = self.data.get(key)
        if value is None:
            return []
        return [self._text(v) for v in (value if isinstance(value, list) else [value])]


def case_queryset(user):
    related = ("category", "area", "responsible_unit", "citizen", "master")
    return visible_cases(user, Case.objects.select_related(*related)).order_by("-received_at", "-pk")


@extend_schema(tags=["cases"])
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    pagination_class = Pages

    def get_queryset(self):
        queryset = case_queryset(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("co_units")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.CaseDetailSerializer
        if self.action == "create":
            return s.CaseCreateSerializer
        return s.CaseSerializer

    @extend_schema(
        request=s.CaseCreateSerializer, responses={201: s.CaseDetailSerializer, 400: s.ErrorSerializer}
    )
    def create(self, request):
        """Registers a request (受理). A citizen's account creates it as their own, by the API channel."""
        user = request.user
        if getattr(user, "role", None) not in SUBMITTERS and not user.is_superuser:
            raise PermissionDenied()
        data = Values(request.data)
        fields = {name: data.get(name, "") for name in s.CaseCreateSerializer().fields}
        if user.role == Role.CITIZEN or not fields["channel"]:
            fields["channel"] = Channel.API
        case = intake.submit(fields, actor=user)
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    def _detail(self, case):
        case = (
            case_queryset(self.request.user).prefetch_related("co_units").filter(pk=case.pk).first() or case
        )
        return s.CaseDetailSerializer(case, context=self.get_serializer_context()).data

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, number=None):
        """The case's history, oldest first. Citizens see what is public; staff see everything."""
        case = self.get_object()
        events = case.events.select_related("actor_unit").order_by("created_at", "pk")
        if request.user.role == Role.CITIZEN:
            events = events.filter(is_public=True)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.EventSerializer(page, many=True).data)

    @extend_schema(
        request=s.ActionSerializer,
        parameters=[
            OpenApiParameter(
                "action_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(action_forms.FORMS)
            )
        ],
        responses={
            200: s.CaseDetailSerializer,
            400: s.ErrorSerializer,
            403: s.ErrorSerializer,
            404: s.ErrorSerializer,
            409: s.ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(self, request, number=None, action_name=None):
        """Takes one action on the case (派单, 签收, 答复, 回访评价 ...): 403 if the user may not, 409 if the
        case is in another state or changed since `version`, 400 naming the fields that are wrong."""
        if action_name not in action_forms.FORMS:
            raise NotFound()
        updated = action_forms.run(action_name, self.get_object(), request.user, Values(request.data))
        if not can_view(request.user, updated):
            return Response({"number": updated.number, "state": updated.state})
        return Response(self._detail(updated))


@extend_schema(tags=["catalogue"])
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CategorySerializer
    pagination_class = Pages

    def get_queryset(self):
        queryset = Category.objects.filter(is_active=True).order_by("full_name")
        q = self.request.query_params.get("q", "").strip()[:100]
        if q:
            queryset = queryset.filter(Q(full_name__icontains=q))
        return queryset


@extend_schema(tags=["catalogue"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.UnitSerializer
    pagination_class = Pages
    queryset = Unit.objects.filter(is_active=True).order_by("path")
