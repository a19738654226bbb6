"""The dashboard's figures on hand-built cases, its filters, bad input and who may see what."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.cases import actions, clock
from civicdesk.cases.sweep import sweep
from civicdesk.catalogue.models import Category
from civicdesk.insight import dashboard, rollups

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=SH)


@pytest.fixture
def ledger(city, submit):
    """November: three street-lamp cases in 暮云东社区 (located), one water case in A3区, one traffic case;
    one lamp case is left to go overdue, one October case."""
    with clock.frozen(at(11, 2)):
        lamps = [
            submit(area=city.community.code, latitude="28.10", longitude="112.90", phone=f"1380000000{n}")
            for n in range(3)
        ]
        submit(
            title="自来水发黄",
            category="城乡建设/城市建设和市政管理/自来水供应",
            area=city.other_district.code,
            latitude="28.30",
            longitude="113.10",
            phone="13700000000",
        )
        submit(title="公交站牌缺失", category="交通运输", phone="13600000000")
    with clock.frozen(at(10, 20)):
        submit(phone="13500000000")
    for case in lamps:
        if case.state == "received":
            with clock.frozen(at(11, 2)):
                actions.dispatch(case, city.dispatcher, city.street)
    sweep(now=at(11, 25))  # every November case still open is past its deadline by now
    rollups.fold_all()
    return city


def build(**filters):
    return dashboard.build(dashboard.Filters(*NOVEMBER, **filters))


def test_totals_trend_areas_and_units_of_a_month(ledger):
    figures = build()
    totals = figures["totals"]
    assert totals["received"] == 5  # October's case is another month
    assert totals["open"] == 5 and totals["overdue"] == 5

    trend = figures["trend"]
    assert trend["daily"] and len(trend["labels"]) == 30 and trend["labels"][1] == "2026-11-02"
    by_name = {s["name"]: s["data"] for s in trend["series"]}
    assert by_name == {"城乡建设": [0, 4] + [0] * 28, "交通运输": [0, 1] + [0] * 28}

    areas = {a["name"]: a for a in figures["areas"]}
    assert (
        "暮云东社区" not in areas
    )  # a community's cases count in its street (hundreds of areas, not thousands)
    assert areas["暮云街道"]["received"] == 3
    assert (areas["暮云街道"]["lat"], areas["暮云街道"]["lon"]) == (28.1, 112.9)  # mean of its cases
    assert areas["A3区"]["received"] == 1 and areas["A3区"]["lat"] == 28.3

    street = next(u for u in figures["units"] if u["name"] == "暮云街道")
    assert (street["received"], street["overdue"], street["on_time"]) == (3, 3, 0)


def test_filters_by_area_unit_and_category(ledger):
    city = ledger
    assert build(area=city.street)["totals"]["received"] == 3  # the community is under the street
    assert build(area=city.other_district)["totals"]["received"] == 1
    assert build(unit=city.district)["totals"]["received"] == 3  # the street is under the district
    traffic = Category.objects.get(full_name="交通运输")
    assert build(category=traffic)["totals"]["received"] == 1
    year = dashboard.build(dashboard.Filters(date(2026, 1, 1), date(2027, 1, 1)))
    assert not year["trend"]["daily"] and year["totals"]["received"] == 6
    assert year["trend"]["labels"][9:11] == ["2026-10", "2026-11"]


def test_the_page_draws_from_the_figures_and_refuses_bad_filters(client, ledger):
    client.force_login(ledger.supervisor)
    page = client.get("/dashboard/", {"period": "month", "year": "2026", "month": "11"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-kpi="received">5<' in html and "echarts.min.js" in html and "leaflet.js" in html
    assert 'id="dashboard-figures"' in html and "暮云街道" in html
    for bad in ({"unit": "x"}, {"area": "999999"}, {"category": "1;drop"}, {"period": "decade"}):
        response = client.get("/dashboard/", bad)
        assert response.status_code == 400
        assert 'data-testid="dashboard-error"' in response.content.decode()


def test_a_leader_sees_only_their_unit(client, ledger):
    city = ledger
    client.force_login(city.district_leader)
    params = {"period": "month", "year": "2026", "month": "11"}
    assert 'data-kpi="received">3<' in client.get("/dashboard/", params).content.decode()
    outside = client.get("/dashboard/", {**params, "unit": city.dept2.pk})
    assert outside.status_code == 400
    client.force_login(city.handler)
    assert client.get("/dashboard/").status_code == 403


def test_a_custom_period_sums_months_and_days(ledger):
    figures = dashboard.build(dashboard.Filters(date(2026, 10, 15), date(2026, 11, 3)))
    assert figures["totals"]["received"] == 6
    assert figures["trend"]["daily"] and figures["trend"]["labels"][0] == "2026-10-15"
    assert len(figures["trend"]["labels"]) == (date(2026, 11, 3) - date(2026, 10, 15)) // timedelta(days=1)
