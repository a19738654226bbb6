"""`civicdesk demo`: a believable ledger, made by replaying months of casework through the actions layer.

Every case is created by intake and moved only by the same actions the web UI and API use, each at the
moment it "happened" (`clock.frozen`), so the events, deadlines, SLA flags and assessments of the demo are
exactly what real use would produce. Steps that would fall after now are not taken: recent cases are still
waiting, being handled or waiting for their callback, as on a real Monday morning."""

import random
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from civicdesk.cases import actions, clock, intake
from civicdesk.cases.models import CaseState
from civicdesk.cases.sweep import sweep
from civicdesk.catalogue.models import Category
from civicdesk.org.models import UnitKind

from . import messages as demo_messages
from .city import build_city
from .field import build_field_work
from .knowledge import load_articles

# scenario → weight; each is a path through the lifecycle (see Replay.play)
SCENARIOS = {
    "smooth": 52,
    "reopened": 8,
    "returned": 7,
    "disputed": 4,
    "extension": 6,
    "late": 8,
    "no_verdict": 3,
    "stuck": 2,
    "merge": 3,
    "withdraw": 2,
    "invalid": 1,
}
# Only for cases of the last few days: a dispatcher or leader decides within a day or two, so a pending
# return or dispute older than that would not be believable.
PENDING = {"return_pending": 1, "dispute_pending": 1}
PENDING_WINDOW = timedelta(days=3)
PENDING_SHARE = 0.12
CHANNELS = {"hotline": 55, "web": 28, "api": 8, "visit": 6, "letter": 3}
VERDICTS = [  # (resolved, satisfied, weight) for a first callback
    ("resolved", "satisfied", 62),
    ("resolved", "basically", 12),
    ("partly", "basically", 9),
    ("partly", "satisfied", 3),
    ("partly", "not", 5),
    ("not", "not", 6),
    ("not", "basically", 3),
]
RETURN_REASONS = [
    "该问题不属于本单位职责范围，建议转属地街道处理。",
    "经核实，诉求地点不在本单位辖区。",
    "该事项由行业主管部门负责，请改派。",
]
INTERIM = [
    "已联系诉求人，正在协调相关单位现场核查，预计一周内答复。",
    "已安排工作人员上门了解情况，处理方案正在研究中。",
    "问题涉及多个部门，已组织会商，待形成处理意见后答复。",
]


class _Later(Exception):
    """The next step would happen after now: the case stays where it is."""


def weighted(rng, table):
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


class Replay:
    def __init__(self, city, now, rng):
        self.city = city
        self.now = now
        self.rng = rng
        self.dispatcher = city.users["dispatcher"]
        self.operator = city.users["operator"]
        self.supervisor = city.users["supervisor"]
        self.recent_by_category = defaultdict(list)
        self.departments = [u for u in city.units.values() if u.kind == UnitKind.DEPARTMENT]

    # --- time --------------------------------------------------------------------------------------------

    def after(self, moment, low_hours, high_hours):
        """A moment `low..high` hours later, moved to the next office morning when it falls at night."""
        later = timezone.localtime(moment + timedelta(hours=self.rng.uniform(low_hours, high_hours)))
        if 8 <= later.hour < 18:
            return later
        day = later.date() + timedelta(days=1) if later.hour >= 18 else later.date()
        return datetime.combine(day, time(8, 30 + self.rng.randrange(0, 29)), tzinfo=later.tzinfo)

    def step(self, moment, action, case, *args, **kwargs):
        """Runs `action` at `moment`, never before the case's previous step; refuses the future."""
        floor = case.updated_at + timedelta(minutes=self.rng.uniform(5, 60))
        moment = max(moment, floor)
        if moment > self.now:
            raise _Later
        with clock.frozen(moment):
            return action(case, *args, **kwargs)

    # --- one case ----------------------------------------------------------------------------------------

    def submit(self, message, received_at):
        district, streets = self.pick_district(message)
        street, communities = self.rng.choice(streets)
        area = self.rng.choice(communities) if self.rng.random() < 0.4 else street
        data = {
            "kind": message.kind,
            "channel": weighted(self.rng, CHANNELS),
            "title": message.title[:200],
            "description": message.body or message.title,
            "category": message.category,
            "phone": demo_messages.synthetic_phone(message.author),
            "name": demo_messages.synthetic_name(message.author),
            "area": area,
            "address": f"A市{district.name}{street.name}{area.name if area != street else ''}",
        }
        actor = self.operator if data["channel"] in ("hotline", "visit", "letter") else None
        with clock.frozen(received_at):
            return intake.submit(data, actor=actor, route=False)

    def pick_district(self, message):
        for district, streets in self.city.districts:
            if district.code == message.district:
                return district, streets
        return self.rng.choice(self.city.districts)

    def play(self, case, message, scenario):
        t = case.received_at
        if case.kind == "inquiry" and self.rng.random() < 0.6:
            answer = message.reply or "经查询相关政策，已向来电人详细解释办理流程和所需材料，来电人表示清楚。"
            return self.step(
                self.after(t, 0.05, 0.3), actions.answer_directly, case, self.operator, answer=answer
            )
        if scenario == "invalid":
            return self.step(
                self.after(t, 0.1, 2),
                actions.mark_invalid,
                case,
                self.dispatcher,
                reason="内容与政务服务无关",
            )
        if scenario == "merge":
            master = self.earlier_case(case)
            if master is not None:
                return self.step(
                    self.after(t, 0.2, 3),
                    actions.merge,
                    case,
                    self.dispatcher,
                    into=master,
                    reason="同一问题重复反映，并入主工单办理",
                )

        if scenario == "withdraw":
            case = self.dispatch(case, t)
            return self.step(
                self.after(case.updated_at, 1, 30),
                actions.withdraw,
                case,
                self.operator,
                reason="市民来电表示问题已自行解决，申请撤回",
            )
        if scenario in PENDING:
            return self.leave_pending(case, scenario, t)
        right_unit = None
        if scenario == "returned":
            wrong = self.rng.choice(self.departments)
            case = self.step(self.after(t, 0.2, 3), actions.dispatch, case, self.dispatcher, wrong)
            t = case.updated_at
            if case.responsible_unit and case.responsible_unit.pk == wrong.pk:
                case = self.step(
                    self.after(t, 1, 20),
                    actions.request_return,
                    case,
                    self.city.handler(wrong),
                    reason=self.rng.choice(RETURN_REASONS),
                )
                case = self.step(
                    self.after(case.updated_at, 2, 40),
                    actions.decide_return,
                    case,
                    self.city.leader(wrong),
                    approve=True,
                    note="同意退回",
                )
                t = case.updated_at
        case = self.dispatch(case, t)
        right_unit = case.responsible_unit
        t = case.updated_at
        if scenario == "disputed":
            other = self.rng.choice([d for d in self.departments if d.pk != right_unit.pk])
            case = self.step(
                self.after(t, 1, 12),
                actions.raise_dispute,
                case,
                self.city.handler(right_unit),
                reason="该事项按三定方案不属本单位职责",
                suggested_unit=other,
            )
            case = self.step(
                self.after(case.updated_at, 2, 24),
                actions.resolve_dispute,
                case,
                self.dispatcher,
                right_unit,
                note="按派单目录由原单位承办",
            )
            t = case.updated_at
        if scenario == "stuck":
            return case
        return self.handle(case, scenario, t)

    def leave_pending(self, case, scenario, t):
        """A recent case left waiting for a decision: a return request or a dispute nobody has decided yet."""
        case = self.dispatch(case, t)
        handler = self.city.handler(case.responsible_unit)
        if scenario == "return_pending":
            return self.step(
                self.after(case.updated_at, 1, 8),
                actions.request_return,
                case,
                handler,
                reason=self.rng.choice(RETURN_REASONS),
            )
        other = self.rng.choice([d for d in self.departments if d.pk != case.responsible_unit_id])
        return self.step(
            self.after(case.updated_at, 1, 8),
            actions.raise_dispute,
            case,
            handler,
            reason="该事项按三定方案不属本单位职责",
            suggested_unit=other,
        )

    def dispatch(self, case, t):
        target = None
        rule_unit = case.category and self.rule_unit(case)
        if rule_unit is not None and rule_unit.kind == UnitKind.DISTRICT and self.rng.random() < 0.5:
            street = case.area if case.area.kind == UnitKind.STREET else case.area.parent
            target = street  # the district passes it down to the street (属地)
        return self.step(self.after(t, 0.2, 4), actions.dispatch, case, self.dispatcher, target)

    def rule_unit(self, case):
        from civicdesk.catalogue.models import DispatchRule

        return DispatchRule.resolve(case.category, case.area)

    def handle(self, case, scenario, t, second_round=False):
        unit = case.responsible_unit
        handler, leader = self.city.handler(unit), self.city.leader(unit)
        late = scenario == "late" and not second_round
        case = self.step(
            self.after(t, 0.3, 6) if not late else self.after(t, 30, 80), actions.accept, case, handler
        )
        t = case.updated_at
        case = self.step(
            self.after(t, 0.5, 18),
            actions.record_contact,
            case,
            handler,
            note="已电话联系诉求人，了解具体情况" if self.rng.random() < 0.7 else "已上门走访诉求人",
        )
        t = case.updated_at
        if late:
            case = self.step(
                case.due_at + timedelta(hours=self.rng.uniform(1, 30)),
                actions.urge,
                case,
                self.supervisor,
                note="已超期，请抓紧办理并答复市民",
            )
            t = case.updated_at
        if self.rng.random() < 0.3 or scenario == "extension":
            case = self.step(
                self.after(t, 20, 70), actions.interim_reply, case, handler, text=self.rng.choice(INTERIM)
            )
            t = case.updated_at
        if scenario == "extension" and not second_round:
            case = self.step(
                self.after(t, 2, 30),
                actions.request_extension,
                case,
                handler,
                days=self.rng.choice([3, 5, 10]),
                reason="需协调多个部门并进行现场施工，无法在时限内办结",
            )
            approve = self.rng.random() < 0.8
            case = self.step(
                self.after(case.updated_at, 1, 20),
                actions.decide_extension,
                case,
                leader,
                approve=approve,
                note="同意延期" if approve else "请在原时限内办结",
            )
            t = case.updated_at
        if late:
            reply_at = case.due_at + timedelta(hours=self.rng.uniform(20, 120))
        else:
            span = (case.due_at - t).total_seconds() / 3600 if case.due_at else 72
            reply_at = self.after(t, min(2, span * 0.1), max(3, span * 0.75))
        text = self.reply_text(case, unit, second_round)
        case = self.step(reply_at, actions.reply, case, handler, text=text)
        return self.callback(case, scenario, second_round)

    def callback(self, case, scenario, second_round):
        t = self.after(case.updated_at, 4, 60)
        if scenario == "no_verdict" and not second_round:
            return self.step(
                t, actions.close_without_verdict, case, self.operator, reason="三次回访均未接通，按规定办结"
            )
        if scenario == "reopened" and not second_round:
            resolved, satisfied = self.rng.choice([("not", "not"), ("partly", "not"), ("not", "basically")])
        elif second_round:
            resolved, satisfied = self.rng.choice([("resolved", "satisfied"), ("partly", "basically")])
        else:
            resolved, satisfied = self.verdict()
        comment = {"not": "问题还在，没有人来处理", "basically": "", "satisfied": "处理及时，谢谢"}[satisfied]
        case = self.step(
            t, actions.rate, case, self.operator, resolved=resolved, satisfied=satisfied, comment=comment
        )
        if case.state == CaseState.DISPATCHED and not second_round:  # reopened: the unit does it again
            return self.handle(case, scenario, case.updated_at, second_round=True)
        return case

    def verdict(self):
        choice = self.rng.choices(VERDICTS, weights=[w for _, _, w in VERDICTS])[0]
        return choice[0], choice[1]

    def reply_text(self, case, unit, second_round):
        if second_round:
            return (
                f"您好！针对您再次反映的问题，{unit.name}已组织人员复查并整改完毕，"
                "后续将加强日常巡查，感谢您的监督。"
            )
        original = self.messages_reply.get(case.pk)
        if original:
            return original[:5000]
        return (
            f"您好！您反映的“{case.title[:40]}”问题已收悉。{unit.name}高度重视，"
            "经现场核查，已责成相关责任人落实整改，并将持续跟踪处理效果。感谢您对我们工作的理解和支持。"
        )

    def earlier_case(self, case):
        candidates = [pk for pk in self.recent_by_category[case.category_id][-20:] if pk != case.pk]
        if not candidates:
            return None
        from civicdesk.cases.models import Case

        return (
            Case.objects.filter(pk__in=candidates)
            .exclude(state__in=[CaseState.MERGED, CaseState.WITHDRAWN, CaseState.INVALID])
            .order_by("-received_at")
            .first()
        )


def _received_times(rng, count, start, now):
    """Arrival moments spread over the period: more on weekdays and in daytime, as a hotline sees."""
    span = (now - start).total_seconds()
    moments = []
    while len(moments) < count:
        moment = start + timedelta(seconds=rng.uniform(0, span))
        local = moment.astimezone(now.tzinfo)
        busy = 1.0 if 8 <= local.hour < 21 else 0.15
        if local.weekday() >= 5:
            busy *= 0.6
        if rng.random() < busy:
            moments.append(moment)
    return sorted(moments)


def build(cases=2000, days=120, seed=12345, now=None, progress=None):
    """Builds the demo city and `cases` cases over the last `days` days. Returns a summary Counter."""
    rng = random.Random(seed)
    now = now or timezone.localtime()
    start = now - timedelta(days=days)
    with transaction.atomic():
        city = build_city()
        load_articles()
        available = set(Category.objects.values_list("full_name", flat=True))
        pool = demo_messages.load(available)
        rng.shuffle(pool)
        replay = Replay(city, now, rng)
        replay.messages_reply = {}
        states = Counter()
        for index, received_at in enumerate(_received_times(rng, cases, start, now)):
            message = pool[index % len(pool)]
            case = replay.submit(message, received_at)
            replay.messages_reply[case.pk] = message.reply
            replay.recent_by_category[case.category_id].append(case.pk)
            scenario = weighted(rng, SCENARIOS)
            if received_at > now - PENDING_WINDOW and rng.random() < PENDING_SHARE:
                scenario = weighted(rng, PENDING)
            try:
                case = replay.play(case, message, scenario)
            except _Later:
                pass
            if progress is not None:
                progress(index + 1, cases)
        build_field_work(city, now, rng)  # visits, households, a summons, a long-term plan
        with clock.frozen(now):
            swept = sweep(now=now)
    from civicdesk.cases.models import Case
    from civicdesk.insight import hotspot_store, rollups

    rollups.fold_all()  # what the workers would do: the dashboard has its figures at once
    hotspot_store.mine_scheduled(now)

    states.update(Case.objects.values_list("state", flat=True))
    states["_sweep"] = swept
    return states
