"""What the REST API shows of a case, its events and the catalogue. Writes go through the actions layer."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicdesk.cases.events import describe
from civicdesk.cases.models import Case, CaseEvent
from civicdesk.cases.permissions import ACTION_LABELS, available_actions
from civicdesk.catalogue.models import Category, Channel, Kind, Priority
from civicdesk.org.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "full_name", "level", "parent", "default_priority"]


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class CitizenSerializer(serializers.Serializer):
    """Masked: the full phone is shown only on the case page, to those who must call, and is logged."""

    name = serializers.CharField(source="masked_name")
    phone = serializers.CharField(source="masked_phone")


class SuggestionSerializer(serializers.Serializer):
    label = serializers.CharField()
    category = serializers.IntegerField(
        allow_null=True, help_text="category id, null if not in the catalogue"
    )
    confidence = serializers.FloatField(help_text="calibrated probability that this category is right")
    because = serializers.ListField(child=serializers.CharField(), help_text="the words behind it")


class ClassificationSerializer(serializers.Serializer):
    """What the classifier suggested at intake (docs/classifier.md); empty without a classifier."""

    model = serializers.CharField(required=False)
    top = SuggestionSerializer(many=True, required=False)
    sure = serializers.BooleanField(required=False)
    auto = serializers.BooleanField(required=False, help_text="dispatched automatically")
    why = serializers.CharField(
        required=False, help_text="why not: off, unsure, unknown_category, disagrees or no_unit"
    )


class CaseSerializer(serializers.ModelSerializer):
    state_name = serializers.CharField(source="get_state_display", read_only=True)
    category = serializers.SlugRelatedField(slug_field="full_name", read_only=True)
    area = UnitRefSerializer(read_only=True)
    responsible_unit = UnitRefSerializer(read_only=True)
    citizen = CitizenSerializer(read_only=True, allow_null=True)
    master = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "state",
            "state_name",
            "version",
            "kind",
            "channel",
            "priority",
            "title",
            "description",
            "category",
            "area",
            "address",
            "latitude",
            "longitude",
            "citizen",
            "responsible_unit",
            "received_at",
            "dispatched_at",
            "accepted_at",
            "first_contact_at",
            "replied_at",
            "closed_at",
            "updated_at",
            "contact_due_at",
            "due_at",
            "sla_status",
            "reply",
            "resolved",
            "satisfied",
            "verdict_comment",
            "reopen_count",
            "return_count",
            "urge_count",
            "master",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    co_units = UnitRefSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()
    classification = ClassificationSerializer(read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "co_units", "available_actions", "classification"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, case):
        return available_actions(self.context["request"].user, case)


class CaseCreateSerializer(serializers.Serializer):
    """The fields of a new request; intake checks them (the same checks as the web form)."""

    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    title = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True, help_text="id or full name")
    area = serializers.CharField(required=False, allow_blank=True, help_text="unit id or code")
    address = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.CharField(required=False, allow_blank=True)
    longitude = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class EventSerializer(serializers.ModelSerializer):
    action_name = serializers.SerializerMethodField()
    actor_unit = serializers.SlugRelatedField(slug_field="name", read_only=True)
    text = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "action",
            "action_name",
            "from_state",
            "to_state",
            "actor_name",
            "actor_unit",
            "text",
            "payload",
            "is_public",
            "created_at",
        ]
        read_only_fields = fields

    def get_action_name(self, event) -> str:
        return str(ACTION_LABELS.get(event.action, event.action))

    def get_text(self, event) -> str:
        return describe(event)


class ActionSerializer(serializers.Serializer):
    """The arguments of every action; each reads its own (see its form in cases/action_forms.py).

    `version` is the case version the client last saw: a change made by someone else since then is refused
    with 409, so nothing is lost to a lost update."""

    version = serializers.IntegerField(required=False)
    unit = serializers.CharField(
        required=False, help_text="dispatch, redispatch, resolve_dispute: unit id/code"
    )
    co_units = serializers.ListField(child=serializers.CharField(), required=False)
    category = serializers.CharField(required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    note = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)
    text = serializers.CharField(required=False)
    answer = serializers.CharField(required=False)
    into = serializers.CharField(required=False, help_text="merge: the number of the case to merge into")
    approve = serializers.BooleanField(required=False)
    days = serializers.IntegerField(required=False)
    method = serializers.CharField(required=False)
    resolved = serializers.CharField(required=False)
    satisfied = serializers.CharField(required=False)
    comment = serializers.CharField(required=False)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
