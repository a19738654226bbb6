"""The native REST API: the whole lifecycle, the same permissions as the web, one error shape."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from civicdesk.cases import actions
from civicdesk.cases.models import Case, CaseEvent

CASES = "/api/v1/cases/"


def api(user=None):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def act(client, case_or_number, action, **data):
    number = getattr(case_or_number, "number", case_or_number)
    return client.post(f"{CASES}{number}/actions/{action}/", data, format="json")


def assert_error(response, status, code=None, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "errors"} and body["detail"]
    if code:
        assert body["code"] == code
    if field:
        assert field in body["errors"] and body["errors"][field]
    return body


def test_without_credentials_nothing_is_shown(db):
    assert_error(APIClient().get(CASES), 401, "not_authenticated")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert_error(client.get(CASES), 401)


def test_the_whole_lifecycle_through_the_api(city):
    operator, dispatcher, handler = api(city.operator), api(city.dispatcher), api(city.handler)
    response = operator.post(
        CASES,
        {
            "kind": "complaint",
            "channel": "hotline",
            "title": "路灯不亮",
            "description": "小区门口路灯坏了两周",
            "category": "城乡建设/城市建设和市政管理/城市公共设施",
            "phone": "13800138000",
            "name": "张三",
        },
        format="json",
    )
    assert response.status_code == 201
    case = response.json()
    number = case["number"]
    assert case["state"] == "received" and case["channel"] == "hotline"
    assert case["citizen"] == {"name": "张*", "phone": "138****8000"}
    assert "13800138000" not in response.content.decode()

    assert act(dispatcher, number, "dispatch", unit="zjj").json()["state"] == "dispatched"
    assert act(handler, number, "accept").json()["state"] == "accepted"
    assert act(handler, number, "record_contact", note="已电话联系", method="phone").status_code == 200
    assert act(handler, number, "request_extension", days=3, reason="需要协调燃气公司").status_code == 200
    assert act(api(city.leader), number, "decide_extension", approve=True).status_code == 200
    assert act(handler, number, "reply", text="已更换灯具").json()["state"] == "replied"
    reopened = act(operator, number, "rate", resolved="not", satisfied="not", comment="还是不亮").json()
    assert reopened["state"] == "dispatched" and reopened["reopen_count"] == 1
    act(handler, number, "accept")
    act(handler, number, "reply", text="已更换整套线路")
    closed = act(operator, number, "rate", resolved="resolved", satisfied="satisfied").json()
    assert closed["state"] == "closed" and closed["satisfied"] == "satisfied"

    events = operator.get(f"{CASES}{number}/events/").json()["results"]
    assert [e["action"] for e in events] == [
        "receive",
        "dispatch",
        "accept",
        "record_contact",
        "request_extension",
        "decide_extension",
        "reply",
        "rate",
        "accept",
        "reply",
        "rate",
    ]
    assert events[6]["text"] == "已更换灯具" and events[6]["actor_unit"] == "市住房和城乡建设局"


def test_permissions_are_the_webs(city, submit):
    case = actions.dispatch(submit(), city.dispatcher, city.dept)
    other = api(city.handler2)  # 交通局: not this case's unit
    assert_error(other.get(f"{CASES}{case.number}/"), 404)
    assert_error(act(other, case, "accept"), 404)
    assert case.number not in {c["number"] for c in other.get(CASES).json()["results"]}
    body = assert_error(act(api(city.operator), case, "accept"), 403, "forbidden")
    assert "签收" in body["detail"]
    handler = api(city.handler)
    detail = handler.get(f"{CASES}{case.number}/").json()
    assert "accept" in detail["available_actions"] and "dispatch" not in detail["available_actions"]
    case.refresh_from_db()
    assert case.state == "dispatched"


def test_a_citizen_account_files_and_follows_its_own_requests(city, submit):
    someone_else = submit()
    citizen = api(city.citizen_user)
    response = citizen.post(
        CASES,
        {"description": "楼下餐馆油烟很大", "phone": "13900001111", "channel": "hotline"},
        format="json",
    )
    assert response.status_code == 201
    mine = response.json()
    assert mine["channel"] == "api"  # a citizen cannot claim to be the hotline
    assert [c["number"] for c in citizen.get(CASES).json()["results"]] == [mine["number"]]
    assert_error(citizen.get(f"{CASES}{someone_else.number}/"), 404)
    assert_error(act(citizen, mine["number"], "dispatch", unit="zjj"), 403)
    assert act(citizen, mine["number"], "withdraw", reason="已自行解决").json()["state"] == "withdrawn"
    actions.dispatch(submit(), city.dispatcher, city.dept)
    events = citizen.get(f"{CASES}{mine['number']}/events/").json()["results"]
    assert all(e["is_public"] for e in events)
    assert_error(
        api(city.handler).post(CASES, {"description": "x", "phone": "13900001111"}, format="json"), 403
    )


def test_a_stale_version_is_refused_with_409_and_changes_nothing(city, submit):
    case = actions.dispatch(submit(), city.dispatcher, city.dept)
    stale = case.version
    actions.redispatch(case, city.dispatcher, city.dept2, reason="属交通局")
    body = assert_error(
        act(api(city.dispatcher), case, "redispatch", unit="water", reason="x", version=stale), 409
    )
    assert "请刷新后重试" in body["detail"]
    case.refresh_from_db()
    assert case.responsible_unit == city.dept2
    assert_error(act(api(city.dispatcher), case, "dispatch", unit="zjj"), 409, "invalid_state")


@pytest.mark.parametrize(
    "action, data, field",
    [
        ("request_extension", {"days": "abc", "reason": "需要协调"}, "days"),
        ("request_extension", {"days": 40, "reason": "需要协调"}, "days"),
        ("reply", {"text": ""}, "text"),
        ("reply", {"text": ["a", "list"]}, "text"),
        ("record_contact", {"note": "x" * 5000, "method": "phone"}, "note"),
    ],
)
def test_bad_arguments_name_their_field_and_change_nothing(city, submit, action, data, field):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher, city.dept), city.handler)
    version = case.version
    assert_error(act(api(city.handler), case, action, **data), 400, "invalid", field)
    case.refresh_from_db()
    assert case.version == version and case.state == "accepted"


def test_bad_requests_get_the_error_shape(city, submit):
    case = submit()
    client = api(city.operator)
    assert_error(act(client, case, "no_such_action"), 404)
    assert_error(client.post(CASES, "{not json", content_type="application/json"), 400)
    assert_error(client.post(CASES, {"description": "", "phone": "123"}, format="json"), 400, field="phone")
    assert_error(client.get(CASES, {"state": "nonsense"}), 400, field="state")
    assert_error(client.get(CASES, {"received_after": "yesterday"}), 400, field="received_after")
    assert_error(client.get(f"{CASES}20990101-000001/"), 404)
    assert Case.objects.count() == 1


def test_merge_by_number_and_filters(city, submit):
    a, b = submit(), submit(description="同一盏路灯，又来反映")
    client = api(city.operator)
    merged = act(client, b, "merge", into=a.number, reason="同一问题").json()
    assert merged["state"] == "merged" and merged["master"] == a.number
    assert {c["number"] for c in client.get(CASES, {"state": "merged"}).json()["results"]} == {b.number}
    assert {c["number"] for c in client.get(CASES, {"q": "又来反映"}).json()["results"]} == {b.number}
    page = client.get(CASES, {"page_size": 1}).json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]


def test_listing_costs_the_same_queries_for_any_number_of_cases(city, submit):
    client = api(city.dispatcher)
    for _ in range(2):
        actions.dispatch(submit(), city.dispatcher, city.dept)
    with CaptureQueriesContext(connection) as few:
        client.get(CASES)
    for _ in range(8):
        actions.dispatch(submit(), city.dispatcher, city.dept)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(CASES).json()["results"]) == 10
    assert len(many) == len(few)


def test_the_schema_and_its_docs_are_served_from_here(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/cases/{number}/actions/{action_name}/" in document["paths"]
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))], sources
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source


def test_the_event_log_cannot_be_changed_through_the_api(city, submit):
    case = submit()
    client = api(city.admin)
    event = CaseEvent.objects.get(case=case)
    for method in (client.put, client.patch, client.delete):
        assert method(f"{CASES}{case.number}/events/", {"text": "x"}, format="json").status_code == 405
        assert method(f"{CASES}{case.number}/", {"title": "x"}, format="json").status_code == 405
    event.refresh_from_db()
    case.refresh_from_db()
    assert case.title == "小区门口路灯不亮"


@pytest.mark.parametrize(
    "action, body",
    [
        ("redispatch", {"unit": "9" * 30, "reason": "x"}),
        ("redispatch", {"unit": "-1", "reason": "x"}),
        ("request_extension", {"days": 10**30, "reason": "x"}),
        ("merge", {"into": "9" * 30}),
        ("supplement", {"text": "a" * 100_000}),
        ("redispatch", {"unit": "zjj", "reason": "x", "version": 10**30}),
    ],
)
def test_out_of_range_values_are_400_or_409_not_500(city, submit, action, body):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher, city.dept), city.handler)
    for who in (city.dispatcher, city.handler):
        assert act(api(who), case, action, **body).status_code in (400, 403, 409)
    for params in (
        {"page": "9" * 30},
        {"unit": "9" * 30},
        {"category": "9" * 30},
        {"received_after": "9999-99-99"},
    ):
        assert api(city.dispatcher).get(CASES, params).status_code in (200, 400, 404)


def test_a_new_case_shows_the_classifiers_suggestion_and_may_go_out_at_once(city, settings):
    body = {
        "kind": "complaint",
        "title": "小区停水三天",
        "description": "小区自来水停水已经三天，没有任何通知，居民生活用水非常困难。",
        "category": "城乡建设/城市建设和市政管理/自来水供应",
        "phone": "13800138000",
    }
    waiting = api(city.operator).post(CASES, body, format="json").json()
    top = waiting["classification"]["top"]
    assert top[0]["label"] == "城乡建设" and 0 < top[0]["confidence"] <= 1 and top[0]["because"]
    assert waiting["state"] == "received" and waiting["classification"]["why"] == "off"
    settings.CIVICDESK_AUTO_DISPATCH_CONFIDENCE = 0.5
    sent = api(city.operator).post(CASES, body, format="json").json()
    assert sent["state"] == "dispatched" and sent["responsible_unit"]["code"] == "water"
    assert sent["classification"]["auto"] is True
