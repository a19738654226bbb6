"""Every change to a case goes through here.

Each action, in one database transaction:
1. locks the case row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers),
2. refuses if the case changed since the caller read it (`expected_version`), with a message naming who
   changed it and how,
3. checks the actor's permission (permissions.RULES) and the state machine (models.Case transitions),
4. writes the changed fields with `UPDATE ... WHERE version = <read version>` and bumps the version,
5. appends one CaseEvent.

An action returns the updated case. It raises an ActionError subclass (errors.py) and writes nothing when
it cannot be done. Passing a Case instance uses that instance's version as the expected version, so a
stale screen cannot overwrite someone else's change; passing a primary key skips that check.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from civicdesk.catalogue import reference
from civicdesk.catalogue.models import Category, DispatchRule, Kind, Priority
from civicdesk.catalogue.taxonomy import same_line
from civicdesk.insight import rollups
from civicdesk.notify import outbox
from civicdesk.org.models import Unit

from . import clock, deadlines, permissions
from .errors import (  # noqa: F401  (re-exported: callers catch these from here)
    ActionError,
    ActionForbidden,
    CaseConflict,
    InvalidTransition,
    ValidationFailed,
)
from .models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseState,
    Milestone,
    Resolved,
    Satisfied,
    Summons,
    SummonsState,
)
from .permissions import ACTION_LABELS, CitizenProof
from .validation import REASON_MAX, REPLY_MAX, check_text

EXTENSION_MAX_DAYS = 30
_TRACKED_FIELDS = None


def _tracked_fields():
    global _TRACKED_FIELDS
    if _TRACKED_FIELDS is None:
        _TRACKED_FIELDS = [
            f.attname for f in Case._meta.concrete_fields if f.attname not in ("id", "version", "updated_at")
        ]
    return _TRACKED_FIELDS


def _actor_fields(actor):
    if actor is None:
        return {"actor": None, "actor_name": _("系统"), "actor_unit": None}
    if isinstance(actor, CitizenProof):
        return {"actor": None, "actor_name": _("诉求人"), "actor_unit": None}
    return {"actor": actor, "actor_name": actor.display_name, "actor_unit": actor.unit}


def _conflict(case, expected_version):
    last = case.events.order_by("-id").first()
    if last is None:
        return CaseConflict(_("工单 %(n)s 已被他人修改，请刷新后重试") % {"n": case.number})
    return CaseConflict(
        _("工单 %(n)s 已被 %(who)s 于 %(when)s %(what)s，您看到的是旧版本，未作任何修改；请刷新后重试")
        % {
            "n": case.number,
            "who": last.actor_name,
            "when": timezone.localtime(last.created_at).strftime("%H:%M:%S"),
            "what": ACTION_LABELS.get(last.action, last.action),
        }
    )


def _apply(case, actor, action, mutate, *, expected_version=None, public=True, system=False):
    """Runs `mutate(case, now) -> payload` under the rules above."""
    if isinstance(case, Case):
        case_id = case.pk
        if expected_version is None:
            expected_version = case.version
    else:
        case_id = case
    with transaction.atomic():
        try:
            fresh = (
                Case.objects.select_for_update(of=("self",))
                .select_related("responsible_unit", "citizen")
                .get(pk=case_id)
            )
        except (Case.DoesNotExist, ValueError, TypeError):
            raise ValidationFailed({"case": [_("工单不存在")]}) from None
        if expected_version is not None and fresh.version != int(expected_version):
            raise _conflict(fresh, expected_version)
        if not system:
            permissions.check(actor, action, fresh)
        from_state = fresh.state
        before = {name: getattr(fresh, name) for name in _tracked_fields()}
        now = clock.now()
        try:
            payload = mutate(fresh, now) or {}
        except TransitionNotAllowed:
            raise InvalidTransition(
                _("工单当前状态为「%(state)s」，不能%(action)s")
                % {"state": CaseState(from_state).label, "action": ACTION_LABELS[action]}
            ) from None
        changed = {
            name: getattr(fresh, name) for name in _tracked_fields() if getattr(fresh, name) != before[name]
        }
        changed["updated_at"] = now
        changed["version"] = fresh.version + 1
        if Case.objects.filter(pk=fresh.pk, version=fresh.version).update(**changed) != 1:
            raise _conflict(fresh, expected_version)
        fresh.version += 1
        fresh.updated_at = now
        # Callers that attach something to the event (evidence files, an API's update id) read it here.
        fresh.last_event = CaseEvent.objects.create(
            case=fresh,
            action=action,
            from_state=from_state,
            to_state=fresh.state,
            payload=payload,
            is_public=public,
            created_at=now,
            **_actor_fields(actor),
        )
        outbox.write(fresh.last_event, fresh)  # who hears of it, in the same transaction
        rollups.record_change(  # what it changes in the dashboards' rollup, in the same transaction
            fresh.pk,
            {name: before[name] for name in rollups.FIELDS},
            rollups.values_of(fresh),
            fresh.last_event,
        )
    return fresh


def record_event(case, actor, action, payload, *, public=True, at=None):
    """Appends an event that changes no case field (used by intake and the SLA sweep)."""
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=case.state,
        to_state=case.state,
        payload=payload,
        is_public=public,
        created_at=at or clock.now(),
        **_actor_fields(actor),
    )
    outbox.write(event, case)
    return event


# --- helpers -------------------------------------------------------------------------------------------


def _reason(value, field="reason", label=None, maximum=REASON_MAX):
    errors = {}
    text = check_text(errors, field, value, label or _("理由"), maximum=maximum)
    if errors:
        raise ValidationFailed(errors)
    return text


def resolve_unit(value, field="unit"):
    """A Unit from an instance, id or code; a clear error when there is no such active unit."""
    if isinstance(value, Unit):
        unit = value
    elif value in (None, ""):
        raise ValidationFailed({field: [_("请指定承办单位")]})
    elif "\x00" in str(value):
        raise ValidationFailed({field: [_("单位不存在：%(v)s") % {"v": repr(value)[:30]}]})
    else:
        query = Unit.objects.filter(code=str(value))
        if str(value).isdigit():
            query = Unit.objects.filter(pk=int(value)) | query
        unit = query.first()
        if unit is None:
            raise ValidationFailed({field: [_("单位不存在：%(v)s") % {"v": value}]})
    if not unit.is_active:
        raise ValidationFailed({field: [_("单位已停用：%(v)s") % {"v": unit.name}]})
    return unit


def resolve_category(value, field="category"):
    if isinstance(value, Category):
        return value
    if value in (None, ""):
        return None
    category = reference.current().category(value)
    if category is None:
        raise ValidationFailed({field: [_("分类不存在：%(v)s") % {"v": value}]})
    return category


def _unit_payload(unit):
    return {"unit_id": unit.pk, "unit": unit.name} if unit else {}


# --- dispatch -----------------------------------------------------------------------------------------


def dispatch(
    case, actor, unit=None, *, category=None, priority=None, co_units=(), note="", expected_version=None
):
    """派单: send a received case to its responsible unit (from the dispatch catalogue if `unit` is None)."""
    category = resolve_category(category)
    co = [resolve_unit(u, "co_units") for u in co_units]
    if priority is not None and priority not in Priority.values:
        raise ValidationFailed({"priority": [_("优先级无效：%(v)s") % {"v": priority}]})
    chosen = resolve_unit(unit) if unit not in (None, "") else None

    def mutate(c, now):
        c.to_dispatched()
        if category is not None:
            c.category = category
        if priority is not None:
            c.priority = priority
        target = chosen or DispatchRule.resolve(c.category, c.area)
        if target is None:
            raise ValidationFailed({"unit": [_("派单目录中没有该分类在该区域的承办单位，请指定承办单位")]})
        c.responsible_unit = target
        c.dispatched_at = now
        c.accepted_at = None
        c.pending_reason = ""
        c.suggested_unit = None
        if category is not None or priority is not None:
            deadlines.start_clock(c, c.received_at)
        if co:
            c.co_units.add(*co)
        return {
            **_unit_payload(target),
            "note": note,
            "co_units": [u.name for u in co],
            "auto": chosen is None,
            **_against_suggestion(c),
        }

    return _apply(case, actor, "dispatch", mutate, expected_version=expected_version)


def _against_suggestion(c):
    """What a person's dispatch says about the classifier's suggestion: followed or corrected."""
    top = (c.classification or {}).get("top")
    if not top or c.category is None:
        return {}
    label = top[0]["label"]
    name = c.category.full_name
    return {"suggested": label, "category": name, "corrected": not same_line(name, label)}


def auto_dispatch(case, unit, *, category):
    """派单 by the classifier, as classifier.routing.decide chose: a dispatch written by the system, with the
    model, its confidence and the words behind it in the event."""

    def mutate(c, now):
        c.to_dispatched()
        top = c.classification["top"][0]
        if c.category_id != category.pk:
            c.category = category
            deadlines.start_clock(c, c.received_at)
        c.responsible_unit = unit
        c.dispatched_at = now
        c.classification = {**c.classification, "auto": True}
        return {
            **_unit_payload(unit),
            "auto": True,
            "classifier": c.classification.get("model", ""),
            "category": category.full_name,
            "confidence": top["confidence"],
            "because": top["because"],
        }

    return _apply(case, None, "dispatch", mutate, system=True)


def redispatch(case, actor, unit, *, reason, expected_version=None):
    """改派: move a case from one unit to another."""
    reason = _reason(reason)
    target = resolve_unit(unit)

    def mutate(c, now):
        if c.responsible_unit_id == target.pk:
            raise ValidationFailed({"unit": [_("新承办单位与原承办单位相同")]})
        previous = c.responsible_unit
        c.to_redispatched()
        c.responsible_unit = target
        c.dispatched_at = now
        c.accepted_at = None
        return {**_unit_payload(target), "from_unit": previous.name if previous else "", "reason": reason}

    return _apply(case, actor, "redispatch", mutate, expected_version=expected_version)


# --- the responsible unit --------------------------------------------------------------------------------


def accept(case, actor, *, expected_version=None):
    """签收."""

    def mutate(c, now):
        c.to_accepted()
        c.accepted_at = now
        return {}

    return _apply(case, actor, "accept", mutate, expected_version=expected_version)


def record_contact(case, actor, *, note, method="phone", expected_version=None):
    """首次联系 / 联系诉求人: the unit talked to the citizen."""
    note = _reason(note, "note", _("联系情况"))

    def mutate(c, now):
        c.to_still_accepted()
        first = c.first_contact_at is None
        if first:
            c.first_contact_at = now
            if c.contact_due_at and now > c.contact_due_at:
                c.contact_late = True
        return {"note": note, "method": method, "first": first}

    return _apply(case, actor, "record_contact", mutate, expected_version=expected_version)


def interim_reply(case, actor, *, text, expected_version=None):
    """阶段性答复: progress told to the citizen before the final reply."""
    text = _reason(text, "text", _("阶段性答复"), REPLY_MAX)

    def mutate(c, now):
        c.to_still_accepted()
        return {"text": text}

    return _apply(case, actor, "interim_reply", mutate, expected_version=expected_version)


def request_extension(case, actor, *, days, reason, expected_version=None):
    """申请延期: ask the unit leader for more working days."""
    reason = _reason(reason)
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= EXTENSION_MAX_DAYS:
        raise ValidationFailed({"days": [_("延期天数须为1到%(max)d个工作日") % {"max": EXTENSION_MAX_DAYS}]})

    def mutate(c, now):
        c.to_still_accepted()
        if c.extension_pending_days:
            raise ValidationFailed({"days": [_("已有延期申请在审批中")]})
        c.extension_pending_days = days
        c.extension_pending_reason = reason
        paused = deadlines.pause(c, now, "extension")
        return {"days": days, "reason": reason, "clock_paused": paused}

    return _apply(case, actor, "request_extension", mutate, expected_version=expected_version)


def decide_extension(case, actor, *, approve, note="", expected_version=None):
    """审批延期: the unit leader approves (deadline moves) or rejects."""

    def mutate(c, now):
        c.to_still_accepted()
        if not c.extension_pending_days:
            raise ValidationFailed({"approve": [_("没有待审批的延期申请")]})
        if not approve and not (note or "").strip():
            raise ValidationFailed({"note": [_("驳回延期须说明理由")]})
        days = c.extension_pending_days
        deadlines.resume(c, now)
        if approve:
            deadlines.extend(c, days, now)
        c.extension_pending_days = None
        c.extension_pending_reason = ""
        return {"approved": bool(approve), "days": days, "note": note, "due_at": c.due_at.isoformat()}

    return _apply(case, actor, "decide_extension", mutate, expected_version=expected_version)


def request_return(case, actor, *, reason, expected_version=None):
    """退单: the unit says the case is not theirs; a dispatcher or its leader decides."""
    reason = _reason(reason)

    def mutate(c, now):
        c.to_return_requested()
        c.pending_reason = reason
        return {"reason": reason, **_unit_payload(c.responsible_unit)}

    return _apply(case, actor, "request_return", mutate, expected_version=expected_version)


def decide_return(case, actor, *, approve, note="", expected_version=None):
    """审核退单: approved → back to the dispatcher's queue (flagged as returned);
    rejected → back to the unit."""

    def mutate(c, now):
        if not approve and not (note or "").strip():
            raise ValidationFailed({"note": [_("驳回退单须说明理由")]})
        if approve:
            c.to_returned()
            c.returned_by = c.responsible_unit
            c.responsible_unit = None
            c.dispatched_at = None
            c.accepted_at = None
            c.return_count += 1
        else:
            c.to_return_rejected()
        c.pending_reason = ""
        return {"approved": bool(approve), "note": note}

    return _apply(case, actor, "decide_return", mutate, expected_version=expected_version)


def raise_dispute(case, actor, *, reason, suggested_unit=None, expected_version=None):
    """派单争议: the unit disputes ownership, optionally naming who should handle it."""
    reason = _reason(reason)
    suggested = resolve_unit(suggested_unit, "suggested_unit") if suggested_unit not in (None, "") else None

    def mutate(c, now):
        c.to_disputed()
        c.pending_reason = reason
        c.suggested_unit = suggested
        paused = deadlines.pause(c, now, "dispute")
        return {
            "reason": reason,
            "suggested_unit": suggested.name if suggested else "",
            "clock_paused": paused,
        }

    return _apply(case, actor, "raise_dispute", mutate, expected_version=expected_version)


def resolve_dispute(case, actor, unit, *, note="", expected_version=None):
    """裁定: the dispatcher decides who owns a disputed case (may be the same unit)."""
    target = resolve_unit(unit)

    def mutate(c, now):
        c.to_dispute_resolved()
        deadlines.resume(c, now)
        changed = c.responsible_unit_id != target.pk
        if changed:
            c.responsible_unit = target
            c.dispatched_at = now
        c.accepted_at = None
        c.pending_reason = ""
        c.suggested_unit = None
        return {**_unit_payload(target), "changed_unit": changed, "note": note}

    return _apply(case, actor, "resolve_dispute", mutate, expected_version=expected_version)


def reply(case, actor, *, text, expected_version=None):
    """答复: the unit's answer to the citizen; the case then waits for the callback."""
    text = _reason(text, "text", _("答复内容"), REPLY_MAX)

    def mutate(c, now):
        from civicdesk.insight.replies import score

        c.to_replied()
        c.reply = text
        c.replied_at = now
        c.reply_quality = score(c.title, c.description, text, c.received_at, now)
        if c.first_contact_at is None:
            c.first_contact_at = now
            c.contact_late = bool(c.contact_due_at and now > c.contact_due_at)
        c.replied_late = bool(c.due_at and now > c.due_at)
        if c.extension_pending_days:
            deadlines.resume(c, now)
            c.extension_pending_days = None
            c.extension_pending_reason = ""
        return {"text": text, "late": c.replied_late}

    return _apply(case, actor, "reply", mutate, expected_version=expected_version)


# --- callback, closing, reopening -----------------------------------------------------------------------


def _reopen(c, now):
    c.to_reopened()
    c.reopen_count += 1
    c.accepted_at = None
    c.replied_at = None
    c.closed_at = None
    c.first_contact_at = None
    c.contact_late = False
    c.replied_late = False
    c.closed_without_verdict = False
    deadlines.start_clock(c, now)


def rate(case, actor, *, resolved, satisfied, comment="", expected_version=None):
    """回访评价: the citizen's verdict.

    Unresolved or dissatisfied reopens the case (重办) with the same unit."""
    errors = {}
    if resolved not in Resolved.values:
        errors["resolved"] = [_("请选择是否解决：已解决、部分解决或未解决")]
    if satisfied not in Satisfied.values:
        errors["satisfied"] = [_("请选择是否满意：满意、基本满意或不满意")]
    comment = check_text(errors, "comment", comment, _("评价意见"), required=False, maximum=REASON_MAX)
    if errors:
        raise ValidationFailed(errors)
    reopen_case = resolved == Resolved.NOT or satisfied == Satisfied.NOT

    def mutate(c, now):
        if c.state != CaseState.REPLIED:
            raise TransitionNotAllowed()
        c.resolved, c.satisfied, c.verdict_comment, c.rated_at = resolved, satisfied, comment, now
        if reopen_case:
            _reopen(c, now)
        else:
            c.to_closed()
            c.closed_at = now
        return {"resolved": resolved, "satisfied": satisfied, "comment": comment, "reopened": reopen_case}

    return _apply(case, actor, "rate", mutate, expected_version=expected_version)


def close_without_verdict(case, actor, *, reason, expected_version=None):
    """未获评价办结: the citizen could not be reached for the callback. Counted apart, never as satisfied."""
    reason = _reason(reason)

    def mutate(c, now):
        c.to_closed()
        c.closed_at = now
        c.closed_without_verdict = True
        return {"reason": reason}

    return _apply(case, actor, "close_without_verdict", mutate, expected_version=expected_version)


def reopen(case, actor, *, reason, expected_version=None):
    """重办 of a closed case, e.g. the citizen calls again: the problem is back."""
    reason = _reason(reason)

    def mutate(c, now):
        if c.responsible_unit_id is None:
            raise InvalidTransition(_("该工单没有承办单位，不能重办"))
        _reopen(c, now)
        return {"reason": reason}

    return _apply(case, actor, "reopen", mutate, expected_version=expected_version)


def answer_directly(case, actor, *, answer, expected_version=None):
    """直接答复: the operator answers an inquiry on the spot and closes it."""
    answer = _reason(answer, "answer", _("答复内容"), REPLY_MAX)

    def mutate(c, now):
        if c.kind != Kind.INQUIRY:
            raise ValidationFailed({"kind": [_("只有咨询类诉求可以直接答复办结")]})
        c.to_answered_directly()
        c.reply = answer
        c.replied_at = c.closed_at = c.first_contact_at = now
        return {"text": answer}

    return _apply(case, actor, "answer_directly", mutate, expected_version=expected_version)


def merge(case, actor, *, into, reason="", expected_version=None):
    """并单: a duplicate joins a master case; the citizen is answered with the master's result."""
    if isinstance(into, Case):
        master = into
    elif isinstance(into, int) or str(into).isdigit():
        master = Case.objects.filter(pk=int(into)).first()
    else:
        master = Case.objects.filter(number=str(into).strip()).first()
    if master is None:
        raise ValidationFailed({"into": [_("主工单不存在：%(v)s") % {"v": into}]})
    if master.state in (CaseState.MERGED, CaseState.WITHDRAWN, CaseState.INVALID):
        raise ValidationFailed({"into": [_("主工单 %(n)s 已并单、撤回或无效") % {"n": master.number}]})

    def mutate(c, now):
        if c.pk == master.pk:
            raise ValidationFailed({"into": [_("不能并入自身")]})
        c.to_merged()
        c.master = master
        c.closed_at = now
        c.final_reason = reason
        return {"master_id": master.pk, "master": master.number, "reason": reason}

    return _apply(case, actor, "merge", mutate, expected_version=expected_version)


def withdraw(case, actor, *, reason, expected_version=None):
    """撤回: the citizen no longer needs help."""
    reason = _reason(reason)

    def mutate(c, now):
        c.to_withdrawn()
        c.closed_at = now
        c.final_reason = reason
        c.paused_at = None
        return {"reason": reason}

    return _apply(case, actor, "withdraw", mutate, expected_version=expected_version)


def mark_invalid(case, actor, *, reason, expected_version=None):
    """无效诉求: harassment, test calls, no content. The reason is kept."""
    reason = _reason(reason)

    def mutate(c, now):
        c.to_invalid()
        c.closed_at = now
        c.final_reason = reason
        return {"reason": reason}

    return _apply(case, actor, "mark_invalid", mutate, expected_version=expected_version, public=False)


def supplement(case, actor, *, text, expected_version=None):
    """补充诉求: the citizen adds information to a request that is still being handled.

    Changes no state; the handling unit sees it in the case history (and an Open311 client as an update)."""
    text = _reason(text, "text", _("补充内容"), REPLY_MAX)

    def mutate(c, now):
        if c.state not in (*OPEN_STATES, CaseState.REPLIED):
            raise TransitionNotAllowed()
        return {"text": text}

    return _apply(case, actor, "supplement", mutate, expected_version=expected_version)


def urge(case, actor, *, note, expected_version=None):
    """催办/督办: a supervisor or leader presses the unit; recorded and counted."""
    note = _reason(note, "note", _("催办意见"))

    def mutate(c, now):
        if c.state not in (
            CaseState.RECEIVED,
            CaseState.DISPATCHED,
            CaseState.ACCEPTED,
            CaseState.RETURN_REQUESTED,
            CaseState.DISPUTED,
        ):
            raise TransitionNotAllowed()
        c.urge_count += 1
        return {"note": note}

    return _apply(case, actor, "urge", mutate, expected_version=expected_version)


def withhold_publication(case, actor, *, reason, expected_version=None):
    """不予公示: keeps a case off the public board (privacy, security, a minor involved), with the reason."""
    reason = _reason(reason)

    def mutate(c, now):
        if c.publication_withheld:
            raise TransitionNotAllowed()
        c.publication_withheld, c.publication_note = True, reason
        return {"reason": reason}

    return _apply(
        case, actor, "withhold_publication", mutate, expected_version=expected_version, public=False
    )


def publish(case, actor, *, reason, expected_version=None):
    """恢复公示: puts a withheld case back on the public board."""
    reason = _reason(reason)

    def mutate(c, now):
        if not c.publication_withheld:
            raise TransitionNotAllowed()
        c.publication_withheld, c.publication_note = False, ""
        return {"reason": reason}

    return _apply(case, actor, "publish", mutate, expected_version=expected_version, public=False)


SUMMONS_HOURS = 24  # default time to report in
SUMMONS_MAX_HOURS = 168


def _summons_of(case, actor, state, unit=None):
    """The actor's unit's summons on the case in `state` (an administrator names the unit)."""
    unit_id = resolve_unit(unit, "unit").pk if unit not in (None, "") else getattr(actor, "unit_id", None)
    summons = (
        Summons.objects.select_for_update()
        .select_related("unit")
        .filter(case=case, unit_id=unit_id, state=state)
    ).first()
    if summons is None:
        message = (
            _("本单位没有待报到的吹哨") if state == SummonsState.SUMMONED else _("本单位没有进行中的吹哨任务")
        )
        raise ValidationFailed({"unit": [message]})
    return summons


def summon(case, actor, *, units, reason, task, hours=SUMMONS_HOURS, expected_version=None):
    """吹哨: calls other units to the case, each to report in within `hours` and then do `task`."""
    errors = {}
    called = []
    for value in units or []:
        try:
            called.append(resolve_unit(value, "units"))
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if not called and "units" not in errors:
        errors["units"] = [_("请选择要吹哨的单位")]
    reason = check_text(errors, "reason", reason, _("吹哨理由"), maximum=REASON_MAX)
    task = check_text(errors, "task", task, _("任务"), maximum=REASON_MAX)
    try:
        hours = int(hours)
        if not 1 <= hours <= SUMMONS_MAX_HOURS:
            raise ValueError
    except (TypeError, ValueError):
        errors["hours"] = [_("报到时限须为1到%(n)d小时") % {"n": SUMMONS_MAX_HOURS}]
    if errors:
        raise ValidationFailed(errors)

    def mutate(c, now):
        if c.state != CaseState.ACCEPTED:  # a unit takes the case on before it calls others in
            raise TransitionNotAllowed()
        if c.responsible_unit_id in {u.pk for u in called}:
            raise ValidationFailed({"units": [_("不能向承办单位自己吹哨")]})
        already = Summons.objects.filter(case=c, unit__in=called).select_related("unit")
        if already:
            raise ValidationFailed(
                {"units": [_("已吹哨过：%(u)s") % {"u": _("、").join(s.unit.name for s in already)}]}
            )
        due = now + timedelta(hours=hours)
        by_unit = getattr(actor, "unit", None)
        for unit in called:
            Summons.objects.create(
                case=c,
                unit=unit,
                summoned_by_unit=by_unit,
                reason=reason,
                task=task,
                summoned_at=now,
                report_in_due_at=due,
            )
        c.co_units.add(*called)  # they see the case at once, to report in
        return {
            "units": [u.name for u in called],
            "unit_ids": [u.pk for u in called],
            "reason": reason,
            "task": task,
            "report_in_due_at": due.isoformat(),
        }

    return _apply(case, actor, "summon", mutate, expected_version=expected_version)


def report_in(case, actor, *, note="", unit=None, expected_version=None):
    """报到: a summoned unit answers the summons and joins the case as a co-handler."""
    errors = {}
    note = check_text(errors, "note", note, _("报到说明"), required=False, maximum=REASON_MAX)
    if errors:
        raise ValidationFailed(errors)

    def mutate(c, now):
        if c.state not in (*OPEN_STATES, CaseState.REPLIED):
            raise TransitionNotAllowed()
        summons = _summons_of(c, actor, SummonsState.SUMMONED, unit)
        summons.state, summons.reported_at, summons.report_note = SummonsState.REPORTED, now, note
        summons.late = summons.late or now > summons.report_in_due_at
        summons.save(update_fields=["state", "reported_at", "report_note", "late"])
        return {
            "unit": summons.unit.name,
            "unit_id": summons.unit_id,
            "on_time": not summons.late,
            "note": note,
        }

    return _apply(case, actor, "report_in", mutate, expected_version=expected_version)


def complete_task(case, actor, *, note, unit=None, expected_version=None):
    """吹哨任务完成: a co-handler reports what it did on its task."""
    note = _reason(note, "note", _("完成情况"))

    def mutate(c, now):
        if c.state not in (*OPEN_STATES, CaseState.REPLIED):
            raise TransitionNotAllowed()
        summons = _summons_of(c, actor, SummonsState.REPORTED, unit)
        summons.state, summons.done_at, summons.done_note = SummonsState.DONE, now, note
        summons.save(update_fields=["state", "done_at", "done_note"])
        return {"unit": summons.unit.name, "unit_id": summons.unit_id, "note": note}

    return _apply(case, actor, "complete_task", mutate, expected_version=expected_version)


MILESTONES_MAX = 20


def parse_milestones(text):
    """ "2026-12-31 完成管网改造" lines → [(date, title)]; ValidationFailed names a line it cannot read."""
    milestones, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day_text, _sep, title = line.partition(" ")
        try:
            day = date.fromisoformat(day_text.replace("/", "-"))
        except ValueError:
            day = None
        if day is None or not title.strip():
            problems.append(
                _("第%(n)d行应为“日期 节点”，如 2026-12-31 完成改造：%(v)s") % {"n": number, "v": line[:40]}
            )
        else:
            milestones.append((day, title.strip()[:200]))
    if len(milestones) > MILESTONES_MAX:
        problems.append(_("最多%(n)d个节点") % {"n": MILESTONES_MAX})
    if problems:
        raise ValidationFailed({"milestones": problems})
    return milestones


def plan_duty(case, actor, *, explanation, measures, milestones="", owner=None, expected_version=None):
    """履职清单: for a problem that takes long, the owner, the measures, dated milestones and an honest
    explanation to the citizen (shown on the tracking page) of why it cannot be settled at once."""
    errors = {}
    explanation = check_text(errors, "explanation", explanation, _("向诉求人的说明"), maximum=REPLY_MAX)
    measures = check_text(errors, "measures", measures, _("措施"), maximum=REPLY_MAX)
    try:
        steps = parse_milestones(milestones)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        steps = []
    owner_user = None
    if owner not in (None, ""):
        from civicdesk.org.models import User

        match = Q(username=str(owner)) | (Q(pk=int(owner)) if str(owner).isdigit() else Q(pk__in=[]))
        owner_user = User.objects.filter(match, is_active=True).first()
        if owner_user is None:
            errors["owner"] = [_("没有这个账号：%(v)s") % {"v": owner}]
    if errors:
        raise ValidationFailed(errors)

    def mutate(c, now):
        if c.state != CaseState.ACCEPTED:
            raise TransitionNotAllowed()
        c.long_term_explanation, c.measures = explanation, measures
        c.duty_owner = owner_user or (actor if getattr(actor, "pk", None) else None)
        for day, title in steps:
            Milestone.objects.create(case=c, title=title, due_on=day)
        return {
            "text": explanation,
            "measures": measures,
            "milestones": [[d.isoformat(), t] for d, t in steps],
            "owner": c.duty_owner.display_name if c.duty_owner else "",
        }

    return _apply(case, actor, "plan_duty", mutate, expected_version=expected_version)


def complete_milestone(case, actor, *, milestone, note, expected_version=None):
    """办理节点完成: records what was done for one milestone of the duty list."""
    note = _reason(note, "note", _("完成情况"))

    def mutate(c, now):
        if c.state not in (*OPEN_STATES, CaseState.REPLIED):
            raise TransitionNotAllowed()
        step = (
            Milestone.objects.select_for_update()
            .filter(case=c, done_at__isnull=True)
            .filter(Q(pk=int(milestone)) if str(milestone).isdigit() else Q(title=str(milestone)))
            .first()
        )
        if step is None:
            raise ValidationFailed({"milestone": [_("没有这个未完成的节点：%(v)s") % {"v": milestone}]})
        step.done_at, step.done_note = now, note
        step.save(update_fields=["done_at", "done_note"])
        return {"milestone": step.title, "due_on": step.due_on.isoformat(), "text": note}

    return _apply(case, actor, "complete_milestone", mutate, expected_version=expected_version)
