"""The rollup tables: what the journal folds into must be exactly what a rebuild from the ledger computes,
whatever happened to the cases, and the sums must be the hand-worked figures."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from civicdesk.cases import actions, clock
from civicdesk.cases.sweep import sweep
from civicdesk.conftest import at_once
from civicdesk.insight import rollups
from civicdesk.insight.models import CaseRollup, Grain, RollupDelta

SH = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=SH)


def table():
    """Every non-empty rollup row as {key: {counter: value}} (floats rounded: sums of + and − drift)."""
    rows = {}
    for row in CaseRollup.objects.values():
        counters = {c: round(row[c], 6) for c in rollups.COUNTERS if round(row[c], 6)}
        if counters:
            rows[tuple(row[k] for k in rollups.KEY)] = counters
    return rows


def folded_equals_rebuilt():
    rollups.fold_all()
    assert not RollupDelta.objects.exists()
    folded = table()
    rollups.rebuild()
    rebuilt = table()
    assert folded == rebuilt
    return rebuilt


def test_every_kind_of_change_folds_to_what_a_rebuild_computes(city, submit):
    d, h, op = city.dispatcher, city.handler, city.operator
    with clock.frozen(at(10, 30, 23)):  # Oct 30 in Shanghai; the case straddles a month boundary below
        late_october = submit(latitude="28.1", longitude="112.9")
    with clock.frozen(at(11, 2)):
        a = submit()
        b = submit(title="公交站牌缺失", category="交通运输", phone="13900139000")
        c = submit(title="自来水发黄", category="城乡建设/城市建设和市政管理/自来水供应", phone="13700137000")
        spam = submit(title="测试", phone="13600136000")
    folded_equals_rebuilt()  # intake (routing dispatched some at once)

    with clock.frozen(at(11, 2, 10)):
        a = actions.dispatch(a, d, city.dept) if a.state == "received" else a
        a = actions.accept(a, h)
        a = actions.record_contact(a, h, note="已电话联系")
        if late_october.state == "received":
            late_october = actions.dispatch(late_october, d, city.street)
        actions.mark_invalid(spam, d, reason="测试来电")
        c = actions.merge(c, d, into=a, reason="同一问题")
    folded_equals_rebuilt()  # dispatch, accept, contact, invalid, merge

    with clock.frozen(at(11, 3)):
        if b.state == "received":
            b = actions.dispatch(b, d, city.dept)
        b = actions.request_return(b, _handler_of(city, b), reason="非本单位职责")
        b = actions.decide_return(b, d, approve=True)
        b = actions.dispatch(b, d, city.dept2, category="交通运输")
    folded_equals_rebuilt()  # return and redispatch: the returning unit keeps its "returned"

    sweep(now=at(11, 20))  # contact deadlines and due dates passed: late contacts, overdue cases
    folded_equals_rebuilt()

    with clock.frozen(at(11, 21)):
        a = actions.reply(a, h, text="已修复")
        a = actions.rate(a, op, resolved="not", satisfied="not")  # not resolved: reopened
        a = actions.accept(a, h) if a.state == "dispatched" else a
        a = actions.reply(a, h, text="再次修复，已验收")
        actions.rate(a, op, resolved="resolved", satisfied="satisfied")
        actions.withdraw(late_october, op, reason="市民撤回")
    rebuilt = folded_equals_rebuilt()  # reply, rating, reopening, withdrawal

    # Spot checks against the hand-worked answer: a (dept) is the only assessed, rated case.
    full = {k: v for k, v in rebuilt.items() if rollups.ANY not in k[2:]}  # unit × area × category rows
    month = {k: v for k, v in full.items() if k[0] == Grain.MONTH and k[1] == date(2026, 11, 1)}
    dept_cells = [v for k, v in month.items() if k[2] == city.dept.pk]
    assert sum(v.get("rated", 0) for v in dept_cells) == 1
    assert sum(v.get("reopened", 0) for v in dept_cells) == 1
    assert sum(v.get("returned", 0) for v in dept_cells) == 1  # b, returned by dept
    assert sum(v.get("received", 0) for v in month.values()) == 3  # a, b, c (spam is invalid)
    october = {k: v for k, v in full.items() if k[0] == Grain.DAY and k[1] == date(2026, 10, 30)}
    assert sum(v.get("located", 0) for v in october.values()) == 1
    # each coarser level sums the full rows: per unit, per area, per category
    for level in ("unit", "area", "category"):
        per_level = rollups.sums(
            date(2026, 10, 1), date(2026, 12, 1), level=level, counters=("received", "rated")
        )
        assert per_level == rollups.sums(
            date(2026, 10, 1), date(2026, 12, 1), level="full", counters=("received", "rated")
        )


def _handler_of(city, case):
    return {city.dept.pk: city.handler, city.dept2.pk: city.handler2}[case.responsible_unit_id]


def test_a_period_is_whole_months_plus_the_days_at_either_end(city, submit):
    for day in (30, 31):
        with clock.frozen(datetime(2026, 10, day, 12, tzinfo=SH)):
            submit()
    for day in (1, 15, 30):
        with clock.frozen(at(11, day, 12)):
            submit()
    with clock.frozen(at(12, 1, 12)):
        submit()
    rollups.fold_all()

    def received(start, end):
        return rollups.sums(start, end, counters=("received",))[0]["received"]

    assert received(date(2026, 10, 31), date(2026, 12, 2)) == 5  # a day, November whole, a day
    assert received(date(2026, 11, 1), date(2026, 12, 1)) == 3  # one month row per cell
    assert received(date(2026, 11, 2), date(2026, 11, 30)) == 1  # days only
    assert received(date(2026, 10, 1), date(2027, 1, 1)) == 6
    by_month = rollups.sums(date(2026, 10, 1), date(2027, 1, 1), by=("bucket",), grain=Grain.MONTH)
    assert [(r["bucket"], r["received"]) for r in by_month] == [
        (date(2026, 10, 1), 2),
        (date(2026, 11, 1), 3),
        (date(2026, 12, 1), 1),
    ]


def test_the_handling_time_percentile_is_a_bucket_edge():
    assert rollups.percentile([0] * 17, 0.9) is None
    histogram = [0] * 17
    histogram[rollups.HOUR_BUCKETS.index(rollups.hour_bucket(3))] = 9  # (2, 4]
    histogram[rollups.HOUR_BUCKETS.index(rollups.hour_bucket(100))] = 1  # (96, 120]
    assert rollups.percentile(histogram, 0.9) == 4
    assert rollups.percentile(histogram, 1.0) == 120
    assert rollups.hour_bucket(5000) == "h16" and rollups.percentile([0] * 16 + [1], 0.9) == float("inf")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_folding_at_once_count_each_change_once(city, submit):
    with clock.frozen(at(11, 2)):
        for n in range(40):
            submit(phone=f"1380013{n:04d}", title=f"路灯不亮{n}")
    assert RollupDelta.objects.count() >= 40

    def worker():
        while rollups.fold(limit=3):
            pass

    at_once(worker, workers=4)
    assert not RollupDelta.objects.exists()
    day = rollups.sums(date(2026, 11, 2), date(2026, 11, 3), counters=("received",))[0]
    assert day["received"] == 40
    folded = table()
    rollups.rebuild()
    assert table() == folded


def test_a_change_that_touches_no_counted_field_journals_nothing(city, submit):
    with clock.frozen(at(11, 2)):
        case = actions.dispatch(submit(route=False), city.dispatcher, city.dept)
    rollups.fold_all()
    with clock.frozen(at(11, 2, 10)):
        case = actions.accept(case, city.handler)  # open before, open after: no counter moves
        case = actions.interim_reply(case, city.handler, text="正在协调施工队")
        actions.urge(case, city.supervisor, note="请尽快")
    assert not RollupDelta.objects.exists()
