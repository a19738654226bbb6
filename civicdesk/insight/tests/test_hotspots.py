"""Hotspots: places read from the text, requests grouped by problem and place, the heat index's parts."""

import math
from datetime import datetime, timedelta

import pytest

from civicdesk.insight import hotspots as h

NOW = datetime(2026, 11, 23, 12)


def item(key, title, body="", person=None, days_ago=0, likes=0):
    return h.Item(key, title, body, person or f"p{key}", NOW - timedelta(days=days_ago), likes)


@pytest.mark.parametrize(
    "title, expected",
    [
        ("投诉A市伊景园滨河苑捆绑销售车位", {"伊景园滨河苑"}),
        ("A市A2区丽发新城小区附近搅拌站噪音扰民", {"丽发新城"}),
        ("A市暮云街道丽发新城社区附近搅拌站", {"暮云街道", "丽发新城"}),
        ("希望政府关心一下", set()),
    ],
)
def test_places(title, expected):
    assert h.places(title) == expected


def test_requests_about_one_problem_at_one_place_are_grouped():
    mixing = "丽发新城小区附近搅拌站噪音扰民，粉尘污染严重，晚上施工影响休息"
    items = [
        item(1, "A2区丽发新城小区附近搅拌站噪音扰民", mixing, days_ago=1, likes=5),
        item(2, "丽发新城搅拌站粉尘污染严重", mixing + "，请环保部门查处", days_ago=2),
        item(
            3,
            "投诉丽发新城小区附近搅拌站夜间噪音",
            "丽发新城小区附近的搅拌站夜间施工噪音扰民，粉尘也大",
            days_ago=3,
        ),
        item(4, "丽发新城小区停车位收费太高", "丽发新城小区物业停车位收费太高，每月八百元", days_ago=1),
        item(5, "梅溪湖公园晚上路灯不亮", "梅溪湖公园步道路灯晚上不亮，散步很不安全", days_ago=1),
    ]
    found = h.mine(items, NOW)
    assert len(found) == 1
    spot = found[0]
    assert {m.key for m in spot.members} == {1, 2, 3} and spot.place == "丽发新城"
    assert spot.people == 3 and spot.support == 5
    assert spot.first_at == NOW - timedelta(days=3) and spot.last_at == NOW - timedelta(days=1)
    assert "搅拌站" in spot.representative.title


def test_near_repeats_join_without_a_place():
    text = "供销合作社在岗失业职工多年社保未缴，请求有关部门督促追缴，保障职工合法权益"
    found = h.mine([item(1, "职工社保未缴", text), item(2, "职工社保未缴问题", "再次反映：" + text)], NOW)
    assert len(found) == 1 and found[0].place == ""


def test_heat_index():
    members = [item(1, "a", person="x", days_ago=0, likes=3), item(2, "b", person="y", days_ago=0, likes=0)]
    value, people, support, growth = h.heat(members, NOW)
    # two requests, both in the last 7 days, none in the 7 before: growth 1 + 2/2 = 2; recency 1
    assert (people, support, growth) == (2, 3, 2.0)
    assert value == pytest.approx((math.log1p(2) + math.log1p(2) + 0.5 * math.log1p(3)) * 1 * 2)
    old = [item(1, "a", days_ago=30), item(2, "b", days_ago=30)]
    value_old, *_ = h.heat(old, NOW)
    assert value_old == pytest.approx((math.log1p(2) * 2) * 0.5)  # one half-life ago, no growth
    assert h.heat(old, NOW, half_life_days=None)[0] == pytest.approx(math.log1p(2) * 2)
    # more people and more support make it hotter
    crowd = [item(i, "a", days_ago=30, likes=10) for i in range(6)]
    assert h.heat(crowd, NOW)[0] > value_old


def test_too_few_requests():
    assert h.mine([item(1, "一条")], NOW) == []


def test_the_hotspot_page_ranks_the_ledgers_problems(client, city, submit):
    mixing = "丽发新城小区附近搅拌站噪音扰民，粉尘污染严重，晚上施工影响休息"
    cases = [
        submit(title="丽发新城小区附近搅拌站噪音扰民", description=mixing, phone=f"1380000000{i}")
        for i in range(3)
    ]
    submit(
        title="梅溪湖公园路灯不亮",
        description="梅溪湖公园步道路灯晚上不亮，散步很不安全",
        phone="13900000000",
    )
    client.force_login(city.supervisor)
    page = client.get("/hotspots/", {"days": "30"}).content.decode()
    assert "丽发新城" in page and all(c.number in page for c in cases)
    assert "梅溪湖公园路灯不亮" not in page
    client.force_login(city.handler)
    assert client.get("/hotspots/").status_code == 403


def test_a_hotspot_becomes_tasks_for_several_units(client, city, submit):
    from civicdesk.cases import actions
    from civicdesk.cases.models import Case
    from civicdesk.insight.models import Topic

    mixing = "丽发新城小区附近搅拌站噪音扰民，粉尘污染严重，晚上施工影响休息"
    members = [
        submit(title="丽发新城小区附近搅拌站噪音扰民", description=mixing, phone=f"1380000000{i}")
        for i in range(3)
    ]
    client.force_login(city.dispatcher)
    page = client.get("/hotspots/", {"days": "30"}).content.decode()
    assert 'data-testid="task-1"' in page
    response = client.post(
        "/hotspots/task/",
        {
            "title": "丽发新城搅拌站噪音粉尘",
            "units": [city.district.pk, city.dept.pk],
            "members": ",".join(m.number for m in members),
            "topic": "1",
            "note": "请两单位联合整治",
            "days": "30",
        },
    )
    assert response.status_code == 302
    tasks = list(Case.objects.filter(channel="proactive").order_by("pk"))
    assert {t.responsible_unit for t in tasks} == {city.district, city.dept}
    for task in tasks:
        assert task.state == "dispatched" and task.title.startswith("每月一题")
        assert all(m.number in task.description for m in members) and "联合整治" in task.description
    # the topic follows its units: the dispatcher lands on it, and progress shows as units answer
    topic = Topic.objects.get()
    assert response["Location"] == f"/topics/{topic.pk}/"
    assert set(topic.tasks.all()) == set(tasks) and topic.source_numbers == [m.number for m in members]
    dept_task = next(t for t in tasks if t.responsible_unit == city.dept)
    actions.reply(actions.accept(dept_task, city.handler), city.handler, text="已约谈搅拌站，限期整改")
    client.force_login(city.leader)
    page = client.get(f"/topics/{topic.pk}/").content.decode()
    assert "2 个承办单位：已答复 1，已办结 0，超期 0。" in page
    assert "已约谈搅拌站" in page and all(m.number in page for m in members)
    listing = client.get("/topics/").content.decode()
    assert "丽发新城搅拌站噪音粉尘" in listing
    assert client.get("/topics/999999/").status_code == 404
    # nothing is created without a unit, a plain proactive task makes no topic, only dispatchers may create
    client.force_login(city.dispatcher)
    client.post("/hotspots/task/", {"title": "x", "members": ""})
    assert Case.objects.filter(channel="proactive").count() == 2
    client.post("/hotspots/task/", {"title": "路灯巡查", "units": [city.street.pk]})
    assert Case.objects.filter(channel="proactive").count() == 3 and Topic.objects.count() == 1
    client.force_login(city.supervisor)
    assert client.post("/hotspots/task/", {"title": "x", "units": [city.dept.pk]}).status_code == 403
    client.force_login(city.handler)
    assert client.get("/topics/").status_code == 403


def test_hotspots_are_mined_once_a_day_and_stored(client, city, submit):
    from civicdesk.insight import hotspot_store
    from civicdesk.insight.models import HotspotRun, StoredHotspot

    noise = "丽发新城小区附近搅拌站噪音扰民，粉尘污染严重，晚上施工影响休息"
    members = [
        submit(title="丽发新城小区搅拌站噪音", description=noise, phone=f"1390000000{i}") for i in range(3)
    ]
    made = hotspot_store.mine_scheduled()
    assert [run.days for run in made] == [30, 90, 180]
    assert hotspot_store.mine_scheduled() == []  # the same day again: nothing (another worker's turn is over)
    top = StoredHotspot.objects.filter(run__days=90, rank=1).get()
    assert sorted(top.numbers) == sorted(m.number for m in members) and top.people == 3
    assert HotspotRun.objects.get(days=90).scanned == 3

    later = submit(title="丽发新城小区搅拌站噪音", description=noise, phone="13900000009")  # after the run
    client.force_login(city.dispatcher)
    stored = client.get("/hotspots/", {"days": "90"}).content.decode()
    assert 'data-testid="hotspot-source"' in stored and "fresh=1" in stored
    assert all(m.number in stored for m in members) and later.number not in stored  # the stored run
    fresh = client.get("/hotspots/", {"days": "90", "fresh": "1"}).content.decode()
    assert "本表为刚刚计算的结果" in fresh
    assert later.number in fresh and all(m.number in fresh for m in members)  # mined now


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_reaching_the_mining_job_at_once_mine_each_window_once(city, submit):
    from civicdesk.conftest import at_once
    from civicdesk.insight import hotspot_store
    from civicdesk.insight.models import HotspotRun

    submit()
    made = [run for runs in at_once(hotspot_store.mine_scheduled) for run in runs]
    assert sorted(run.days for run in made) == [30, 90, 180]
    assert HotspotRun.objects.count() == 3
