"""Who may take which action on which case. One table, read by the actions layer and by the UI."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.org.models import Role

from .errors import ActionForbidden


@dataclass(frozen=True)
class CitizenProof:
    """A citizen without an account who proved ownership with case number + phone."""

    citizen_id: int
    is_authenticated = False
    role = Role.CITIZEN
    unit = None
    unit_id = None
    is_superuser = False
    display_name = gettext_lazy("市民")

    @property
    def pk(self):
        return None


OP, D, H, L, SUP, A = Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN

# action → (roles allowed, scope). Scopes:
#   "city"      any case
#   "unit"      handler: the responsible unit itself; leader: the responsible unit or one above it
#   "leader"    leader of the responsible unit or one above it
#   "owner"     the citizen who raised the case
RULES = {
    "dispatch": ({D, A}, "city"),
    "redispatch": ({D, A}, "city"),
    "resolve_dispute": ({D, A}, "city"),
    "decide_return": ({D, A, L}, "city-or-leader"),
    "answer_directly": ({OP, D, A}, "city"),
    "merge": ({OP, D, A}, "city"),
    "mark_invalid": ({OP, D, A}, "city"),
    "accept": ({H, L, A}, "unit"),
    "record_contact": ({H, L, A}, "unit"),
    "interim_reply": ({H, L, A}, "unit"),
    "request_extension": ({H, L, A}, "unit"),
    "request_return": ({H, L, A}, "unit"),
    "raise_dispute": ({H, L, A}, "unit"),
    "reply": ({H, L, A}, "unit"),
    "decide_extension": ({L, A}, "leader"),
    "rate": ({OP, A, Role.CITIZEN}, "city-or-owner"),
    "close_without_verdict": ({OP, A}, "city"),
    "reopen": ({OP, SUP, A}, "city"),
    "withdraw": ({OP, A, Role.CITIZEN}, "city-or-owner"),
    "urge": ({SUP, L, A}, "city-or-leader"),
    "supplement": ({OP, A, Role.CITIZEN}, "city-or-owner"),
    "summon": ({D, SUP, H, L, A}, "city-or-unit"),
    "plan_duty": ({H, L, A}, "unit"),
    "complete_milestone": ({H, L, A}, "unit"),
    "report_in": ({H, L, A}, "summoned"),
    "complete_task": ({H, L, A}, "joined"),
    "withhold_publication": ({OP, D, SUP, A}, "city"),
    "publish": ({OP, D, SUP, A}, "city"),
}

ACTION_LABELS = {
    "receive": gettext_lazy("受理"),
    "dispatch": gettext_lazy("派单"),
    "redispatch": gettext_lazy("改派"),
    "resolve_dispute": gettext_lazy("裁定派单争议"),
    "decide_return": gettext_lazy("审核退单"),
    "answer_directly": gettext_lazy("直接答复"),
    "merge": gettext_lazy("并单"),
    "mark_invalid": gettext_lazy("标记无效"),
    "accept": gettext_lazy("签收"),
    "record_contact": gettext_lazy("联系诉求人"),
    "interim_reply": gettext_lazy("阶段性答复"),
    "request_extension": gettext_lazy("申请延期"),
    "request_return": gettext_lazy("申请退单"),
    "raise_dispute": gettext_lazy("提出派单争议"),
    "reply": gettext_lazy("答复"),
    "decide_extension": gettext_lazy("审批延期"),
    "rate": gettext_lazy("回访评价"),
    "close_without_verdict": gettext_lazy("未获评价办结"),
    "reopen": gettext_lazy("重办"),
    "withdraw": gettext_lazy("撤回"),
    "urge": gettext_lazy("催办"),
    "supplement": gettext_lazy("补充诉求"),
    "summon": gettext_lazy("吹哨"),
    "plan_duty": gettext_lazy("制定履职清单"),
    "complete_milestone": gettext_lazy("完成办理节点"),
    "milestone_overdue": gettext_lazy("办理节点超期"),
    "report_in": gettext_lazy("报到"),
    "complete_task": gettext_lazy("完成吹哨任务"),
    "report_in_overdue": gettext_lazy("报到超时"),
    "withhold_publication": gettext_lazy("不予公示"),
    "publish": gettext_lazy("恢复公示"),
    "view_contact": gettext_lazy("查看联系电话"),
    "sla_approaching": gettext_lazy("临期提醒"),
    "sla_overdue": gettext_lazy("超期"),
    "contact_overdue": gettext_lazy("首次联系超时"),
}


def _in_unit_scope(actor, case, leader_reaches_down):
    unit = case.responsible_unit
    if unit is None or actor.unit is None:
        return False
    if actor.unit_id == unit.pk:
        return True
    return leader_reaches_down and actor.role == Role.LEADER and actor.unit.contains(unit)


def denial(actor, action, case):
    """None when `actor` may take `action` on `case`; otherwise the reason, in words."""
    roles, scope = RULES[action]
    label = ACTION_LABELS[action]
    if actor is None:
        return _("请先登录")
    if isinstance(actor, CitizenProof):
        if Role.CITIZEN in roles and "owner" in scope and case.citizen_id == actor.citizen_id:
            return None
        return _("市民不能%(action)s") % {"action": label}
    if not actor.is_active:
        return _("账号已停用")
    role = Role.ADMIN if actor.is_superuser else actor.role
    if role not in roles:
        return _("%(role)s不能%(action)s") % {"role": Role(role).label, "action": label}
    if role == Role.ADMIN:
        return None
    if scope == "city":
        return None
    if scope == "city-or-owner":
        if role == Role.CITIZEN:
            if case.created_by_id is not None and case.created_by_id == actor.pk:
                return None
            return _("只能评价或撤回本人的诉求")
        return None
    if scope == "city-or-leader":
        if role in (Role.DISPATCHER, Role.SUPERVISOR):
            return None
        if _in_unit_scope(actor, case, leader_reaches_down=True):
            return None
        return _("只能处理本单位及下级单位的工单")
    if scope == "unit":
        if _in_unit_scope(actor, case, leader_reaches_down=True):
            if role == Role.HANDLER and actor.unit_id != case.responsible_unit_id:
                return _("该工单不是派给本单位的")
            return None
        return _("该工单不是派给本单位的")
    if scope == "city-or-unit":
        if role in (Role.DISPATCHER, Role.SUPERVISOR):
            return None
        if role in (Role.HANDLER, Role.LEADER) and _in_unit_scope(actor, case, leader_reaches_down=True):
            return None
        return _("只有承办单位或热线中心可以%(action)s") % {"action": label}
    if scope in ("summoned", "joined"):
        from .models import Summons, SummonsState

        state = SummonsState.SUMMONED if scope == "summoned" else SummonsState.REPORTED
        if actor.unit_id and Summons.objects.filter(case=case, unit_id=actor.unit_id, state=state).exists():
            return None
        if scope == "summoned":
            return _("本单位没有待报到的吹哨")
        return _("本单位没有进行中的吹哨任务")
    if scope == "leader":
        if _in_unit_scope(actor, case, leader_reaches_down=True):
            return None
        return _("只有承办单位或其上级单位负责人可以%(action)s") % {"action": label}
    return _("不允许的操作")


def check(actor, action, case):
    reason = denial(actor, action, case)
    if reason:
        raise ActionForbidden(reason)


def allowed_actions(actor, case):
    """Actions the actor may take now (role and scope only; the state machine decides the rest)."""
    return [action for action in RULES if denial(actor, action, case) is None]


# The states from which each action can be taken (the state machine in models.Case is the authority; this
# table lets screens offer only what can work now).
_OPEN = ("received", "dispatched", "accepted", "return_requested", "disputed")
ALL_STATES = (*_OPEN, "replied", "closed", "merged", "withdrawn", "invalid")
ACTION_STATES = {
    "dispatch": ("received",),
    "redispatch": ("dispatched", "accepted"),
    "resolve_dispute": ("disputed",),
    "decide_return": ("return_requested",),
    "answer_directly": ("received",),
    "merge": ("received", "dispatched", "accepted"),
    "mark_invalid": ("received", "dispatched"),
    "accept": ("dispatched",),
    "record_contact": ("accepted",),
    "interim_reply": ("accepted",),
    "request_extension": ("accepted",),
    "request_return": ("dispatched", "accepted"),
    "raise_dispute": ("dispatched", "accepted"),
    "reply": ("accepted",),
    "decide_extension": ("accepted",),
    "rate": ("replied",),
    "close_without_verdict": ("replied",),
    "reopen": ("replied", "closed"),
    "withdraw": _OPEN + ("replied",),
    "urge": _OPEN,
    "supplement": _OPEN + ("replied",),
    "summon": ("accepted",),
    "plan_duty": ("accepted",),
    "complete_milestone": _OPEN + ("replied",),
    "report_in": _OPEN + ("replied",),
    "complete_task": _OPEN + ("replied",),
    "withhold_publication": ALL_STATES,
    "publish": ALL_STATES,
}


def available_actions(actor, case):
    """Actions the actor may take on the case in its present state, in the order of RULES."""
    actions = []
    for action in RULES:
        if case.state not in ACTION_STATES[action]:
            continue
        if action == "decide_extension" and not case.extension_pending_days:
            continue
        if action == "request_extension" and case.extension_pending_days:
            continue
        if action == "answer_directly" and case.kind != "inquiry":
            continue
        if action == "withhold_publication" and case.publication_withheld:
            continue
        if action == "publish" and not case.publication_withheld:
            continue
        if action == "complete_milestone" and not case.milestones.filter(done_at__isnull=True).exists():
            continue
        if denial(actor, action, case) is None:
            actions.append(action)
    return actions
