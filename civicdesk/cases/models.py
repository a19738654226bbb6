"""The ledger (台账): cases, the citizens who raised them and the append-only history of each case.

State changes happen only through `civicdesk.cases.actions`; the transition methods below describe which
moves the state machine allows, the actions layer adds permissions, deadlines, locking and the event log.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from civicdesk.catalogue.models import Category, Channel, Kind, Priority, SlaRule
from civicdesk.org.models import Unit

from .privacy import mask_name, mask_phone


class Citizen(models.Model):
    """A person who raised requests, stored once per phone number."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizen_profiles",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("市民")
        verbose_name_plural = _("市民")

    def __str__(self):
        return f"{self.masked_name} {self.masked_phone}"

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def masked_name(self):
        return mask_name(self.name)


class CaseState(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("办理中")
    RETURN_REQUESTED = "return_requested", _("退单待审")
    DISPUTED = "disputed", _("派单争议")
    REPLIED = "replied", _("已答复待回访")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已并单")
    WITHDRAWN = "withdrawn", _("已撤回")
    INVALID = "invalid", _("无效诉求")


S = CaseState
# States in which the case still waits for the responsible unit; the deadline clock runs.
OPEN_STATES = (S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.RETURN_REQUESTED, S.DISPUTED)
# States in which a unit is working on it.
WITH_UNIT_STATES = (S.DISPATCHED, S.ACCEPTED)
FINAL_STATES = (S.CLOSED, S.MERGED, S.WITHDRAWN, S.INVALID)
# Cases the assessment of units leaves out: not a request of their own, or no request at all.
NOT_ASSESSED = (S.MERGED, S.WITHDRAWN, S.INVALID)


class SlaStatus(models.TextChoices):
    ON_TIME = "on_time", _("正常")
    APPROACHING = "approaching", _("临期")
    OVERDUE = "overdue", _("超期")


class Resolved(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    PARTLY = "partly", _("部分解决")
    NOT = "not", _("未解决")


class Satisfied(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    NOT = "not", _("不满意")


class Case(models.Model):
    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices)
    priority = models.CharField(_("优先级"), max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    address = models.CharField(_("地址"), max_length=300, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    area = models.ForeignKey(
        Unit,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_in_area",
    )
    citizen = models.ForeignKey(
        Citizen,
        verbose_name=_("诉求人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    co_units = models.ManyToManyField(Unit, verbose_name=_("协办单位"), blank=True, related_name="co_cases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    state = FSMField(_("状态"), default=S.RECEIVED, choices=CaseState.choices, db_index=True)
    # Bumped by every change; a change made against an older version is refused (see actions.CaseConflict).
    version = models.PositiveIntegerField(default=1)

    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    sla_rule = models.ForeignKey(SlaRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    clock_started_at = models.DateTimeField(_("计时起点"), null=True, blank=True)
    contact_due_at = models.DateTimeField(_("首次联系时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("暂停计时于"), null=True, blank=True)
    sla_status = models.CharField(
        _("时限状态"), max_length=20, choices=SlaStatus.choices, default=SlaStatus.ON_TIME, db_index=True
    )
    contact_late = models.BooleanField(_("首次联系超时"), default=False)
    replied_late = models.BooleanField(_("答复超期"), default=False)

    extension_pending_days = models.PositiveSmallIntegerField(_("申请延期天数"), null=True, blank=True)
    extension_pending_reason = models.TextField(_("延期理由"), blank=True)
    pending_reason = models.TextField(_("退单/争议理由"), blank=True)
    suggested_unit = models.ForeignKey(
        Unit,
        verbose_name=_("建议承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_by = models.ForeignKey(
        Unit, verbose_name=_("退回单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    reply = models.TextField(_("答复内容"), blank=True)
    resolved = models.CharField(_("是否解决"), max_length=20, choices=Resolved.choices, blank=True)
    satisfied = models.CharField(_("是否满意"), max_length=20, choices=Satisfied.choices, blank=True)
    verdict_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_without_verdict = models.BooleanField(_("未获评价办结"), default=False)

    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    master = models.ForeignKey(
        "self",
        verbose_name=_("并入工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    final_reason = models.TextField(_("撤回/无效原因"), blank=True)
    # What the classifier suggested at intake and whether it dispatched by itself (classifier/routing.py).
    classification = models.JSONField(_("智能分类"), default=dict, blank=True)
    # Earlier open cases that look like the same problem, and how often this caller called
    # (insight/duplicates.py).
    duplicate_check = models.JSONField(_("重复诉求检查"), default=dict, blank=True)
    # Duty list (履职清单) of a problem that takes long: who owns it, what will be done, and what the citizen
    # is told about why it cannot be settled at once. Milestones (below) carry its dates.
    duty_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_cases",
    )
    measures = models.TextField(_("措施"), blank=True)
    long_term_explanation = models.TextField(_("向诉求人的说明"), blank=True)
    # The public board (公示) shows every case except reports (举报) and those withheld here, with a reason.
    publication_withheld = models.BooleanField(_("不予公示"), default=False)
    publication_note = models.TextField(_("不予公示原因"), blank=True)
    # Scores of the latest reply: relevance, completeness, basis, timeliness, tone (insight/replies.py).
    reply_quality = models.JSONField(_("答复质量"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["responsible_unit", "state"]),
            # A caller's recent cases, read at every intake (repeat callers, duplicates): the index answers
            # without reading the caller's older cases from the table.
            models.Index(fields=["citizen", "received_at"], name="case_citizen_time"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    # --- the state machine: allowed moves only; see actions.py for everything else ---

    @transition(field=state, source=S.RECEIVED, target=S.DISPATCHED)
    def to_dispatched(self):
        pass

    @transition(field=state, source=[S.DISPATCHED, S.ACCEPTED], target=S.DISPATCHED)
    def to_redispatched(self):
        pass

    @transition(field=state, source=S.DISPATCHED, target=S.ACCEPTED)
    def to_accepted(self):
        pass

    @transition(field=state, source=S.ACCEPTED, target=S.ACCEPTED)
    def to_still_accepted(self):
        """Contact, interim reply and extension requests keep the case where it is."""

    @transition(field=state, source=[S.DISPATCHED, S.ACCEPTED], target=S.RETURN_REQUESTED)
    def to_return_requested(self):
        pass

    @transition(field=state, source=S.RETURN_REQUESTED, target=S.RECEIVED)
    def to_returned(self):
        pass

    @transition(field=state, source=S.RETURN_REQUESTED, target=RETURN_VALUE(S.DISPATCHED, S.ACCEPTED))
    def to_return_rejected(self):
        return S.ACCEPTED if self.accepted_at else S.DISPATCHED

    @transition(field=state, source=[S.DISPATCHED, S.ACCEPTED], target=S.DISPUTED)
    def to_disputed(self):
        pass

    @transition(field=state, source=S.DISPUTED, target=S.DISPATCHED)
    def to_dispute_resolved(self):
        pass

    @transition(field=state, source=S.ACCEPTED, target=S.REPLIED)
    def to_replied(self):
        pass

    @transition(field=state, source=S.REPLIED, target=S.CLOSED)
    def to_closed(self):
        pass

    @transition(field=state, source=[S.REPLIED, S.CLOSED], target=S.DISPATCHED)
    def to_reopened(self):
        pass

    @transition(field=state, source=S.RECEIVED, target=S.CLOSED)
    def to_answered_directly(self):
        pass

    @transition(field=state, source=[S.RECEIVED, S.DISPATCHED, S.ACCEPTED], target=S.MERGED)
    def to_merged(self):
        pass

    @transition(field=state, source=list(OPEN_STATES) + [S.REPLIED], target=S.WITHDRAWN)
    def to_withdrawn(self):
        pass

    @transition(field=state, source=[S.RECEIVED, S.DISPATCHED], target=S.INVALID)
    def to_invalid(self):
        pass


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("case events are append-only")

    def delete(self):
        raise PermissionError("case events are append-only")


class CaseEvent(models.Model):
    """One entry of a case's history. Never edited, never deleted: the model refuses it and so does the
    database (triggers added in migration 0002)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("动作"), max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    is_public = models.BooleanField(_("市民可见"), default=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("case events are append-only")

    @property
    def label(self):
        from .permissions import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)


class SummonsState(models.TextChoices):
    SUMMONED = "summoned", _("待报到")
    REPORTED = "reported", _("已报到")
    DONE = "done", _("任务完成")


class Summons(models.Model):
    """吹哨报到: a unit calls another to a case it cannot settle alone. The summoned unit must report in by
    the deadline, then works on its own task as a co-handler. Whether it reported in on time is kept and
    counted in the assessment."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="summonses")
    unit = models.ForeignKey(
        Unit, verbose_name=_("被吹哨单位"), on_delete=models.PROTECT, related_name="summonses"
    )
    summoned_by_unit = models.ForeignKey(
        Unit, verbose_name=_("吹哨单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("吹哨理由"))
    task = models.TextField(_("任务"))
    state = models.CharField(
        _("状态"), max_length=10, choices=SummonsState.choices, default=SummonsState.SUMMONED
    )
    summoned_at = models.DateTimeField(_("吹哨时间"))
    report_in_due_at = models.DateTimeField(_("报到时限"), db_index=True)
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    report_note = models.TextField(_("报到说明"), blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    late = models.BooleanField(_("报到超时"), default=False)

    class Meta:
        verbose_name = _("吹哨报到")
        verbose_name_plural = _("吹哨报到")
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="summon_a_unit_once_per_case")]

    def __str__(self):
        return f"{self.case.number} → {self.unit.name}"


class Milestone(models.Model):
    """A dated step of a case's duty list; missed ones are warned like any deadline."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("节点时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    late = models.BooleanField(_("节点超期"), default=False)

    class Meta:
        verbose_name = _("办理节点")
        verbose_name_plural = _("办理节点")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.due_on} {self.title}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class CaseNumberSequence(models.Model):
    """Last number handed out per day; incremented with a conditional UPDATE so numbers never repeat."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day}: {self.last}"
