"""Suggestions at intake, automatic dispatch above the threshold, and what stops it (shipped model)."""

import pytest

from civicdesk.cases import actions
from civicdesk.cases.models import CaseState
from civicdesk.catalogue.models import Category

BUS = {
    "title": "公交车经常晚点",
    "description": "12路公交车早高峰经常晚点半小时，站台上等车的人很多，公交公司也不增加班次。",
    "category": "",
}
WATER = {
    "title": "小区自来水停水三天",
    "description": "小区自来水停水已经三天，没有任何通知，居民生活用水非常困难，请供水公司尽快恢复供水。",
    "category": "",
}


@pytest.fixture
def auto(settings):
    settings.CIVICDESK_AUTO_DISPATCH_CONFIDENCE = 0.5
    return settings


def test_every_request_is_classified_and_the_reasons_are_kept(submit):
    case = submit(**BUS)
    top = case.classification["top"]
    assert case.classification["model"] == "shipped"
    assert top[0]["label"] == "交通运输"
    assert top[0]["category"] == Category.objects.get(full_name="交通运输").pk
    text = BUS["title"] + BUS["description"]
    assert top[0]["because"] and all(word in text for word in top[0]["because"])
    assert len(top) == 3 and top[0]["confidence"] > top[1]["confidence"] >= top[2]["confidence"]
    assert abs(sum(t["confidence"] for t in top) - 1) < 0.2  # probabilities, most of the mass in the top 3
    assert case.state == CaseState.RECEIVED and case.classification["why"] == "off"


def test_a_sure_suggestion_is_dispatched_by_the_system(submit, city, auto):
    case = submit(**BUS)
    assert case.state == CaseState.DISPATCHED
    assert case.responsible_unit == city.dept2 and case.category.full_name == "交通运输"
    assert case.classification["auto"] is True
    event = case.events.get(action="dispatch")
    assert event.actor is None and event.payload["classifier"] == "shipped"
    assert event.payload["confidence"] >= 0.5 and event.payload["because"]


def test_below_the_threshold_the_case_waits_for_a_dispatcher(submit, settings):
    settings.CIVICDESK_AUTO_DISPATCH_CONFIDENCE = 0.999
    case = submit(**BUS)
    assert case.state == CaseState.RECEIVED
    assert case.classification["why"] == "unsure" and case.classification["threshold"] == 0.999


def test_a_chosen_category_under_the_suggestion_is_kept(submit, city, auto):
    case = submit(**{**WATER, "category": "城乡建设/城市建设和市政管理/自来水供应"})
    assert case.classification["top"][0]["label"] == "城乡建设"
    assert case.state == CaseState.DISPATCHED and case.responsible_unit == city.water


def test_a_chosen_category_that_contradicts_the_suggestion_waits(submit, auto):
    case = submit(**{**BUS, "category": "城乡建设/城市建设和市政管理/自来水供应"})
    assert case.state == CaseState.RECEIVED and case.classification["why"] == "disagrees"


def test_without_a_unit_in_the_dispatch_catalogue_the_case_waits(submit, auto):
    case = submit(
        title="学校强制补课",
        description="孩子所在的中学周末强制学生到校补课，还收取补课费，学生负担很重，请教育部门查处。",
        category="",
    )
    assert case.classification["top"][0]["label"] == "教育文体"
    assert case.state == CaseState.RECEIVED and case.classification["why"] == "no_unit"


def test_a_refused_automatic_dispatch_leaves_the_case_received(submit, city, auto, caplog):
    city.dept2.is_active = False
    city.dept2.save()
    case = submit(**BUS)
    # the catalogue's unit is inactive: DispatchRule.resolve skips it, nobody else answers for 交通运输
    assert case.state == CaseState.RECEIVED and "auto" not in case.classification


def test_a_channel_that_does_not_route_records_no_automatic_dispatch(submit, auto):
    case = submit(**BUS, route=False)
    assert case.state == CaseState.RECEIVED and "auto" not in case.classification


def test_a_dispatcher_following_or_correcting_the_suggestion_is_recorded(submit, city):
    followed = submit(**BUS)
    actions.dispatch(followed, city.dispatcher, category="交通运输")
    corrected = submit(**BUS)
    actions.dispatch(corrected, city.dispatcher, category="城乡建设")
    assert followed.events.get(action="dispatch").payload["corrected"] is False
    payload = corrected.events.get(action="dispatch").payload
    assert payload["corrected"] is True and payload["suggested"] == "交通运输"


def test_the_queue_shows_the_suggestion_and_dispatches_on_it(client, submit, city):
    case = submit(**BUS)
    unsure = submit(title="问一下", description="请问这个事情应该找哪个部门？", category="")
    client.force_login(city.dispatcher)
    page = client.get("/queue/").content.decode()
    assert "交通运输" in page and "市交通运输局" in page and case.number in page
    assert unsure.classification["sure"] is False
    page = client.get("/queue/?tab=unsure").content.decode()
    assert unsure.number in page and case.number not in page
    response = client.post("/queue/dispatch/", {"case": [case.pk], f"v{case.pk}": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.category.full_name == "交通运输"
    assert case.responsible_unit == city.dept2


def test_dispatchers_see_what_went_out_automatically(client, submit, city, auto):
    case = submit(**BUS)
    client.force_login(city.dispatcher)
    page = client.get("/queue/?tab=auto").content.decode()
    assert case.number in page
    detail = client.get(f"/cases/{case.number}/").content.decode()
    assert "智能派单" in detail and "交通运输" in detail
