"""The demo builder makes a consistent ledger through the real actions layer."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from civicdesk.cases.models import FINAL_STATES, OPEN_STATES, Case, CaseEvent, CaseState
from civicdesk.catalogue.models import Category, DispatchRule
from civicdesk.demo import messages
from civicdesk.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from civicdesk.demo.builder import PENDING_WINDOW, build
from civicdesk.org.models import Unit, UnitKind

NOW = datetime(2026, 11, 20, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
# Events recorded on a case without changing it (the sweep's warnings, an import's record): no new version.
RECORDS = ("sla_", "contact_", "report_in_overdue", "milestone_overdue", "imported")


@pytest.fixture
def demo(db):
    return build(cases=150, days=60, seed=7, now=NOW)


def test_city_units_accounts_and_catalogue(demo):
    assert Unit.objects.filter(kind=UnitKind.DISTRICT).count() == 8
    assert Unit.objects.filter(kind=UnitKind.STREET).count() == 16
    assert Unit.objects.filter(kind=UnitKind.COMMUNITY).count() == 32
    assert Unit.objects.get(code="a2-s1").name == "暮云街道"
    assert Unit.objects.get(code="a2-s1").parent.code == "a2"
    for account in DEMO_ACCOUNTS:
        user = authenticate(username=account.username, password=DEMO_PASSWORD)
        assert user is not None and user.role == account.role, account.username
    water = Category.objects.get(full_name="城乡建设/城市建设和市政管理/自来水供应")
    a3 = Unit.objects.get(code="a3-s1")
    assert DispatchRule.resolve(water, a3).code == "water"
    lamp = Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施")
    assert DispatchRule.resolve(lamp, a3).code == "a3"  # 属地: the district answers in its own area
    assert DispatchRule.resolve(lamp, None).code == "cgj"


def test_cases_are_consistent_with_their_events(demo):
    cases = Case.objects.all()
    assert cases.filter(visit_need__isnull=True).count() == 150  # and the needs heard on visits
    states = set(cases.values_list("state", flat=True))
    assert CaseState.CLOSED in states and states & set(OPEN_STATES)
    for case in cases.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: e.pk)  # in the order they were written
        assert events[0].action == "receive"
        assert all(e.created_at <= NOW for e in events), case.number
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        assert case.version == len(events) - sum(e.action.startswith(RECORDS) for e in events)
        assert events[-1].to_state in (case.state, "") or events[-1].action.startswith(RECORDS)
        if case.state in (CaseState.DISPATCHED, CaseState.ACCEPTED, CaseState.REPLIED):
            assert case.responsible_unit is not None
        if case.state == CaseState.CLOSED and not case.closed_without_verdict and case.kind != "inquiry":
            assert case.resolved and case.satisfied
        if case.state in FINAL_STATES:
            assert case.closed_at is not None or case.state in (CaseState.WITHDRAWN, CaseState.INVALID)


def test_overdue_open_cases_are_flagged_by_the_sweep(demo):
    overdue_open = Case.objects.filter(state__in=OPEN_STATES, due_at__lt=NOW, paused_at__isnull=True)
    assert all(c.sla_status == "overdue" for c in overdue_open)
    assert CaseEvent.objects.filter(action="sla_overdue").count() == overdue_open.count()


def test_summary_counts_every_case_once(db):
    summary = build(cases=30, days=20, seed=3, now=NOW)
    summary.pop("_sweep")
    numbers = Case.objects.values_list("number", flat=True)
    assert (
        sum(summary.values())
        == len(set(numbers))
        == 30 + Case.objects.filter(visit_need__isnull=False).count()
    )
    assert all(n[:8] <= "20261120" for n in numbers)


def test_command_refuses_a_used_database_and_if_empty_skips(db):
    out = StringIO()
    call_command("demo", "--cases", "5", "--days", "3", stdout=out)
    replayed = Case.objects.filter(visit_need__isnull=True)
    assert replayed.count() == 5
    with pytest.raises(CommandError, match="empty ledger"):
        call_command("demo", "--cases", "5", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue() and replayed.count() == 5


def test_bad_arguments(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("demo", "--cases", "0", stdout=StringIO())


def test_keyword_table_names_real_categories(db):
    available = set(Category.objects.values_list("full_name", flat=True))
    missing = [name for _word, name in messages.KEYWORDS if name not in available]
    assert missing == []
    assert "城乡建设/其他/其他" in available


def test_shipped_messages_and_synthetic_contacts(db):
    available = set(Category.objects.values_list("full_name", flat=True))
    loaded = messages.load(available)
    assert len(loaded) == 2294
    assert all(m.category in available for m in loaded)
    labelled = [m for m in loaded if m.label]
    assert len(labelled) == 494
    assert all(m.category.split("/")[0] == m.label for m in labelled)
    assert messages.synthetic_phone("A00074011") == messages.synthetic_phone("A00074011")
    assert messages.synthetic_phone("A00074011").startswith("170")


def test_a_short_busy_period_shows_every_state(db):
    """Pending returns and disputes are kept for the last days, so the demo shows all ten states."""
    summary = build(cases=300, days=10, seed=3, now=NOW)
    assert {state for state in summary if not state.startswith("_")} == set(CaseState.values)
    stale = NOW - PENDING_WINDOW
    pending = Case.objects.filter(state__in=[CaseState.RETURN_REQUESTED, CaseState.DISPUTED])
    assert pending.exists() and not pending.filter(received_at__lt=stale).exists()


def test_field_work_joint_handling_and_a_long_term_plan_are_in_the_demo(demo):
    from civicdesk.cases.models import Milestone, Summons
    from civicdesk.field.models import ContactHousehold, Household, Visit

    street = Unit.objects.get(code="a2-s1")
    assert Household.objects.filter(area__parent=street).count() == 8
    assert ContactHousehold.objects.filter(staff__username="handler.a2-s1").count() == 6
    visits = Visit.objects.filter(visitor__username="handler.a2-s1")
    assert visits.count() == 5
    assert all(n.case.channel == "visit" for v in visits for n in v.needs.all())
    summonses = Summons.objects.order_by("unit__code")
    assert {s.unit.code for s in summonses} == {"cgj", "zjj"}
    assert Summons.objects.get(unit__code="zjj").reported_at is not None
    assert Milestone.objects.count() == 3 and Milestone.objects.filter(late=True).count() == 1
