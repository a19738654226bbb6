"""Every assessment formula on hand-built cases whose answers are worked out by hand below."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from civicdesk.cases import actions, clock
from civicdesk.insight import assessment, rollups
from civicdesk.insight.models import AssessmentWeights

SH = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=SH)


def step(moment, function, *args, **kwargs):
    with clock.frozen(moment):
        return function(*args, **kwargs)


@pytest.fixture
def november(city, submit):
    """Cases of 市住建局 (dept) and 市交通运输局 (dept2); times in Asia/Shanghai.

    c1 Nov 2: contacted after 1 h, replied after 48 h, resolved + satisfied.
    c2 Nov 3: first contact only with the reply after 72 h (contact deadline 24 h: late), partly resolved,
       basically satisfied.
    c3 Nov 5: dept asks to return it, the dispatcher agrees and sends it to dept2 (not replied yet).
    c4 Oct 20: the previous month: contacted in time, resolved and satisfied.
    c5 Nov 6: dispatched to dept, then marked invalid: not assessed.
    """
    d, h = city.dispatcher, city.handler

    def received(moment, **fields):
        return step(moment, submit, **fields)

    c1 = received(at(11, 2))
    c1 = step(at(11, 2), actions.dispatch, c1, d, city.dept)
    c1 = step(at(11, 2, 9), actions.accept, c1, h)
    c1 = step(at(11, 2, 10), actions.record_contact, c1, h, note="已电话联系")
    c1 = step(at(11, 4, 9), actions.reply, c1, h, text="已修复")
    step(at(11, 5), actions.rate, c1, city.operator, resolved="resolved", satisfied="satisfied")

    c2 = received(at(11, 3))
    c2 = step(at(11, 3), actions.dispatch, c2, d, city.dept)
    c2 = step(at(11, 3, 10), actions.accept, c2, h)
    c2 = step(at(11, 6, 9), actions.reply, c2, h, text="已部分处理")
    step(at(11, 7), actions.rate, c2, city.operator, resolved="partly", satisfied="basically")

    c3 = received(at(11, 5), title="公交站牌缺失", category="交通运输")
    c3 = step(at(11, 5), actions.dispatch, c3, d, city.dept)
    c3 = step(at(11, 5, 10), actions.request_return, c3, h, reason="不属于本单位职责")
    c3 = step(at(11, 5, 11), actions.decide_return, c3, d, approve=True)
    step(at(11, 5, 12), actions.dispatch, c3, d, city.dept2)

    c4 = received(at(10, 20))
    c4 = step(at(10, 20), actions.dispatch, c4, d, city.dept)
    c4 = step(at(10, 20, 9), actions.accept, c4, h)
    c4 = step(at(10, 20, 10), actions.record_contact, c4, h, note="已联系")
    c4 = step(at(10, 21), actions.reply, c4, h, text="已修复")
    step(at(10, 22), actions.rate, c4, city.operator, resolved="resolved", satisfied="satisfied")

    c5 = received(at(11, 6))
    c5 = step(at(11, 6), actions.dispatch, c5, d, city.dept)
    step(at(11, 6, 10), actions.mark_invalid, c5, d, reason="测试来电")
    rollups.fold_all()  # what the workers do every few seconds
    return city


def row_of(rows, unit):
    return next(r for r in rows if r.unit == unit)


def test_the_three_rates_the_score_and_the_rest(november):
    rows = assessment.ranking([november.dept, november.dept2], assessment.month(2026, 11))
    dept = row_of(rows, november.dept)
    assert dept.assigned == 2  # c1, c2 (c3 went to dept2, c5 is invalid)
    assert (dept.responded, dept.response_due) == (1, 2) and dept.response_rate == 0.5
    assert dept.rated == 2 and dept.resolution_rate == (1 + 0.5) / 2  # partly resolved counts half
    assert dept.satisfaction_rate == 1.0  # basically satisfied counts as satisfied
    assert dept.score == pytest.approx(10 * 0.5 + 45 * 0.75 + 45 * 1.0)  # 83.75
    assert dept.on_time_rate == 1.0
    assert (dept.returned, dept.dispatched_to) == (1, 3)  # c3 counts against the unit that returned it
    assert dept.reopen_rate == 0
    assert dept.mean_hours == pytest.approx(60) and dept.p90_hours == pytest.approx(72)
    assert dept.rank == 1 and dept.previous_score == pytest.approx(100) and dept.previous_rank == 1
    assert dept.score_change == pytest.approx(-16.25) and dept.rank_change == 0

    dept2 = row_of(rows, november.dept2)
    assert dept2.assigned == 1 and dept2.rated == 0
    assert dept2.score is None and dept2.rank is None and rows[-1] is dept2  # not ranked without a verdict
    assert (dept2.returned, dept2.dispatched_to) == (0, 1)


def test_the_weights_are_the_administrators(november):
    weights = AssessmentWeights(response=20, resolution=40, satisfaction=40)
    dept = row_of(assessment.figures([november.dept], assessment.month(2026, 11), weights), november.dept)
    assert dept.score == pytest.approx(20 * 0.5 + 40 * 0.75 + 40 * 1.0)


def test_a_parent_unit_counts_its_subtree(city, submit):
    case = step(at(11, 2), submit)
    step(at(11, 2), actions.dispatch, case, city.dispatcher, city.street)
    rollups.fold_all()
    rows = assessment.figures([city.district, city.street, city.dept], assessment.month(2026, 11))
    assert row_of(rows, city.district).assigned == 1 and row_of(rows, city.street).assigned == 1
    assert row_of(rows, city.dept).assigned == 0


def test_reopened_cases_and_the_quarter_and_year(november):
    c1 = november.dept.cases.get(received_at=at(11, 2))
    assert c1.state == "closed"
    year = assessment.figures([november.dept], assessment.year(2026))[0]
    assert year.assigned == 3 and year.rated == 3  # October's c4 too
    quarter = assessment.figures([november.dept], assessment.quarter(2026, 4))[0]
    assert quarter.assigned == 3
    assert assessment.figures([november.dept], assessment.quarter(2026, 3))[0].assigned == 0


def test_ties_share_a_rank():
    rows = [
        assessment.Figures(unit=n, score=s, assigned=1) for n, s in (("a", 90.0), ("b", 90.0), ("c", 80.0))
    ]
    assert [r.rank for r in assessment.rank(rows)] == [1, 1, 3]


@pytest.mark.parametrize(
    "params, label",
    [
        ({}, "2026年11月"),
        ({"period": "month", "year": "2026", "month": "2"}, "2026年2月"),
        ({"period": "quarter", "year": "2026", "quarter": "4"}, "2026年第4季度"),
        ({"period": "year", "year": "2025"}, "2025年"),
        ({"period": "custom", "start": "2026-11-01", "end": "2026-11-15"}, "2026-11-01 – 2026-11-15"),
    ],
)
def test_periods(params, label):
    period = assessment.parse_period(params, datetime(2026, 11, 23).date())
    assert period.label == label
    assert period.previous().end == period.start


@pytest.mark.parametrize(
    "params",
    [
        {"period": "week"},
        {"month": "13"},
        {"month": "x"},
        {"period": "quarter", "quarter": "5"},
        {"year": "1999"},
        {"period": "custom", "start": "2026-11-10", "end": "2026-11-01"},
        {"period": "custom", "start": "2020-01-01", "end": "2026-01-01"},
        {"period": "custom", "start": "2026-13-01", "end": "2026-12-01"},
    ],
)
def test_bad_periods_are_refused_with_a_message(params):
    with pytest.raises(assessment.PeriodError):
        assessment.parse_period(params, datetime(2026, 11, 23).date())


def test_the_page_its_drill_down_and_its_excel(client, november):
    client.force_login(november.supervisor)
    page = client.get("/assessment/", {"period": "month", "year": "2026", "month": "11"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "市住房和城乡建设局" in html and "83.75" in html and "50.0%" in html and "-16.25" in html
    # the response-rate figure links to the cases that were contacted late: c2 only
    listing = client.get(
        "/cases/",
        {
            "unit": november.dept.pk,
            "received_after": "2026-11-01",
            "received_before": "2026-11-30",
            "assessed": "true",
            "response": "late",
        },
    ).content.decode()
    c2 = november.dept.cases.get(received_at=at(11, 3))
    c1 = november.dept.cases.get(received_at=at(11, 2))
    assert c2.number in listing and c1.number not in listing
    export = client.get("/assessment/", {"period": "month", "year": "2026", "month": "11", "format": "xlsx"})
    sheet = load_workbook(filename=__import__("io").BytesIO(export.content)).active
    assert "2026年11月" in sheet["A1"].value
    assert [c.value for c in sheet[4]][:7] == [1, "市住房和城乡建设局", 2, 50.0, 75.0, 100.0, 83.75]
    bad = client.get("/assessment/", {"period": "custom", "start": "2026-11-10", "end": "2026-11-01"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()


def test_who_may_see_the_ranking(client, november):
    client.force_login(november.handler)
    assert client.get("/assessment/").status_code == 403
    client.force_login(november.leader)
    page = client.get("/assessment/", {"year": "2026", "month": "11"}).content.decode()
    assert "市住房和城乡建设局" in page and "市交通运输局" not in page  # a leader sees their own unit tree
