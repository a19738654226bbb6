"""GeoReport v2 conformance: every method, parameter, format and error, in JSON and in XML."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.cases import actions, clock
from civicdesk.cases.models import Case, CaseEvent
from civicdesk.catalogue.models import Category
from civicdesk.open311.models import ApiKey, Submission
from civicdesk.open311.tasks import process_submission

from .conftest import BASE, FORMATS, errors_of, read

pytestmark = pytest.mark.parametrize("fmt", FORMATS)

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def streetlight():
    return Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施")


def post(client, fmt, raw_key, **fields):
    data = {
        "api_key": raw_key,
        "service_code": str(streetlight().pk),
        "lat": "28.112233",
        "long": "112.987654",
        "description": "小区门口路灯不亮，已经两个星期了。",
    }
    data.update(fields)
    return client.post(f"{BASE}requests.{fmt}", {k: v for k, v in data.items() if v is not None})


# --- discovery and services -------------------------------------------------------------------------------


def test_discovery(client, db, fmt):
    response = client.get(f"{BASE}discovery.{fmt}")
    assert response.status_code == 200
    document = read(response, fmt)
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(document)
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]


def test_services_list_the_active_categories(client, db, fmt):
    Category.objects.filter(full_name="交通运输").update(is_active=False)
    response = client.get(f"{BASE}services.{fmt}")
    assert response.status_code == 200
    services = read(response, fmt)
    assert len(services) == Category.objects.filter(is_active=True).count() > 500
    by_code = {s["service_code"]: s for s in services}
    assert str(Category.objects.get(full_name="交通运输").pk) not in by_code
    light = by_code[str(streetlight().pk)]
    assert set(light) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert light["service_name"] == "城市公共设施" and light["group"] == "城乡建设"
    assert light["metadata"] == "true" and light["type"] == "realtime"
    assert light["keywords"] == "城乡建设,城市建设和市政管理,城市公共设施"


def test_service_definition_has_every_datatype(client, db, fmt):
    parent = Category.objects.get(full_name="城乡建设/城市建设和市政管理")
    response = client.get(f"{BASE}services/{parent.pk}.{fmt}")
    assert response.status_code == 200
    definition = read(response, fmt)
    assert definition["service_code"] == str(parent.pk)
    attributes = definition["attributes"]
    for attribute in attributes:
        assert set(attribute) == {
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
            "values",
        }
    assert [int(a["order"]) for a in attributes] == sorted(int(a["order"]) for a in attributes)
    datatypes = {a["code"]: a["datatype"] for a in attributes}
    assert set(datatypes.values()) == {
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    }
    subcategory = next(a for a in attributes if a["code"] == "subcategory")
    names = {v["name"] for v in subcategory["values"]}
    assert "城市公共设施" in names and all(set(v) == {"key", "name"} for v in subcategory["values"])
    kind = next(a for a in attributes if a["code"] == "kind")
    assert {v["key"] for v in kind["values"]} == {
        "complaint",
        "help",
        "inquiry",
        "suggestion",
        "report",
        "praise",
    }
    assert next(a for a in attributes if a["code"] == "privacy")["variable"] == "false"


@pytest.mark.parametrize("code", ["999999", "abc", "0"])
def test_unknown_service_is_404(client, db, fmt, code):
    response = client.get(f"{BASE}services/{code}.{fmt}")
    assert response.status_code == 404
    assert code in errors_of(response, fmt)[0]


def test_unknown_format_and_method(client, db, fmt):
    response = client.get(f"{BASE}services.csv")
    assert response.status_code == 400 and "json" in errors_of(response, "json")[0]
    response = client.delete(f"{BASE}requests.{fmt}")
    assert response.status_code == 405 and errors_of(response, fmt)
    response = client.post(f"{BASE}services.{fmt}")
    assert response.status_code == 405


def test_jurisdiction_id_is_accepted_when_it_is_ours(client, db, fmt, settings):
    settings.OPEN311_JURISDICTION = "a-city.gov.cn"
    assert client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": "a-city.gov.cn"}).status_code == 200
    response = client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": "elsewhere.gov"})
    assert response.status_code == 404 and "elsewhere.gov" in errors_of(response, fmt)[0]


# --- POST requests ------------------------------------------------------------------------------------------


def test_post_creates_a_case_from_every_field(client, city, api_key, fmt):
    key, raw = api_key
    parent = Category.objects.get(full_name="城乡建设/城市建设和市政管理")
    response = client.post(
        f"{BASE}requests.{fmt}",
        {
            "api_key": raw,
            "service_code": str(parent.pk),
            "lat": "28.112233",
            "long": "112.987654",
            "address_string": "暮云街道某小区3栋门口",
            "description": "路灯不亮两周了",
            "first_name": "三",
            "last_name": "张",
            "phone": "13800138000",
            "email": "zhang@example.cn",
            "device_id": "device-1",
            "account_id": "acct-9",
            "media_url": "https://example.cn/p/1.jpg",
            "attribute[kind]": "help",
            "attribute[subcategory]": str(streetlight().pk),
            "attribute[title]": "路灯不亮",
            "attribute[contact_time][]": ["morning", "evening"],
            "attribute[people_affected]": "200",
            "attribute[since]": "2026-11-01T20:00:00+08:00",
        },
    )
    assert response.status_code == 201
    (ack,) = read(response, fmt)
    assert set(ack) == {"service_request_id", "service_notice", "account_id"}
    assert ack["account_id"] == "acct-9"
    case = Case.objects.get(number=ack["service_request_id"])
    assert case.channel == "api" and case.kind == "help" and case.category == streetlight()
    assert case.title == "路灯不亮" and case.address == "暮云街道某小区3栋门口"
    assert str(case.latitude) == "28.112233" and str(case.longitude) == "112.987654"
    assert case.citizen.phone == "13800138000" and case.citizen.name == "张 三"
    assert case.created_by == city.operator and case.events.get().action == "receive"
    submission = case.open311_submission
    assert submission.api_key == key and submission.email == "zhang@example.cn"
    assert submission.attributes == {
        "kind": "help",
        "subcategory": str(streetlight().pk),
        "title": "路灯不亮",
        "contact_time": ["morning", "evening"],
        "people_affected": "200",
        "since": "2026-11-01T12:00:00Z",
    }


def test_post_without_phone_or_point_but_with_an_address(client, city, api_key, fmt):
    response = post(client, fmt, api_key[1], lat=None, long=None, address_string="劳动东路1号")
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.citizen is None and case.latitude is None and case.address == "劳动东路1号"
    response = post(client, fmt, api_key[1], lat=None, long=None, address_id="ADDR-0042")
    assert response.status_code == 201
    assert Case.objects.order_by("-pk").first().open311_submission.address_id == "ADDR-0042"


@pytest.mark.parametrize("raw", [None, "", "not-a-key"])
def test_post_without_a_valid_key_is_403(client, city, fmt, raw):
    response = post(client, fmt, raw)
    assert response.status_code == 403 and "api_key" in errors_of(response, fmt)[0]
    assert Case.objects.count() == 0


def test_a_disabled_key_or_account_is_refused(client, city, api_key, fmt):
    key, raw = api_key
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    assert post(client, fmt, raw).status_code == 403
    ApiKey.objects.filter(pk=key.pk).update(is_active=True)
    city.operator.is_active = False
    city.operator.save()
    assert post(client, fmt, raw).status_code == 403
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"service_code": ""}, "service_code"),
        ({"lat": None, "long": None}, "address_string"),
        ({"long": None}, "lat"),
        ({"lat": "123.5"}, "lat"),
        ({"long": "east"}, "long"),
        ({"description": "长" * 4001}, "4000"),
        ({"description": ""}, "description"),
        ({"email": "not-an-email"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"phone": "12345"}, "phone"),
        ({"attribute[bogus]": "1"}, "attribute[bogus]"),
        ({"attribute[kind]": "lawsuit"}, "attribute[kind]"),
        ({"attribute[contact_time][]": ["morning", "midnight"]}, "midnight"),
        ({"attribute[people_affected]": "many"}, "attribute[people_affected]"),
        ({"attribute[since]": "last week"}, "attribute[since]"),
        ({"attribute[title]": "题" * 201}, "attribute[title]"),
        ({"device_id": "d" * 101}, "device_id"),
    ],
)
def test_bad_post_is_400_names_the_parameter_and_writes_nothing(client, city, api_key, fmt, fields, expected):
    response = post(client, fmt, api_key[1], **fields)
    assert response.status_code == 400
    assert any(expected in d for d in errors_of(response, fmt)), errors_of(response, fmt)
    assert Case.objects.count() == 0 and Submission.objects.count() == 0


def test_every_problem_is_reported_at_once(client, city, api_key, fmt):
    response = post(client, fmt, api_key[1], lat=None, long=None, email="x", **{"attribute[kind]": "x"})
    assert response.status_code == 400 and len(errors_of(response, fmt)) == 3


def test_unknown_service_code_in_a_post_is_404(client, city, api_key, fmt):
    response = post(client, fmt, api_key[1], service_code="424242")
    assert response.status_code == 404 and Case.objects.count() == 0


def test_a_retried_post_creates_one_case(client, city, api_key, fmt):
    raw = api_key[1]
    first = post(client, fmt, raw, client_request_id="app-7f3a")
    again = post(client, fmt, raw, client_request_id="app-7f3a", description="重发的同一条")
    assert first.status_code == 201 and again.status_code == 200
    assert read(first, fmt) == read(again, fmt)
    by_header = client.post(
        f"{BASE}requests.{fmt}",
        {"api_key": raw, "service_code": streetlight().pk, "address_string": "某路", "description": "另一条"},
        headers={"Idempotency-Key": "app-7f3b"},
    )
    repeated = client.post(
        f"{BASE}requests.{fmt}",
        {"api_key": raw, "service_code": streetlight().pk, "address_string": "某路", "description": "另一条"},
        headers={"Idempotency-Key": "app-7f3b"},
    )
    assert by_header.status_code == 201 and repeated.status_code == 200
    assert Case.objects.count() == 2
    # Another integration's ids are its own.
    _other, other_raw = ApiKey.issue("另一个App", city.operator)
    assert post(client, fmt, other_raw, client_request_id="app-7f3a").status_code == 201
    assert Case.objects.count() == 3


def test_batch_service_answers_with_a_token_resolved_later(client, city, api_key, fmt, settings):
    settings.OPEN311_BATCH = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert read(client.get(f"{BASE}services.{fmt}"), fmt)[0]["type"] == "batch"
    response = post(client, fmt, api_key[1])
    assert response.status_code == 201
    (ack,) = read(response, fmt)
    assert set(ack) == {"token"} and Case.objects.count() == 0
    pending = read(client.get(f"{BASE}tokens/{ack['token']}.{fmt}"), fmt)
    assert pending == [{"token": ack["token"], "service_request_id": ""}]
    submission = Submission.objects.get()
    process_submission.call(submission.pk)
    process_submission.call(submission.pk)  # a second run (a retried job) changes nothing
    case = Case.objects.get()
    resolved = read(client.get(f"{BASE}tokens/{ack['token']}.{fmt}"), fmt)
    assert resolved == [{"token": ack["token"], "service_request_id": case.number}]


@pytest.mark.parametrize("token", ["6f1c1a8e-0000-4000-8000-000000000000", "not-a-token"])
def test_unknown_token_is_404(client, db, fmt, token):
    response = client.get(f"{BASE}tokens/{token}.{fmt}")
    assert response.status_code == 404 and errors_of(response, fmt)


# --- GET requests -------------------------------------------------------------------------------------------


@pytest.fixture
def ledger(city, submit):
    """Four cases: new, dispatched with a point, replied, and one received 100 days ago."""
    new = submit(description="新诉求，联系我13912345678")
    dispatched = actions.dispatch(submit(latitude="28.2", longitude="112.9"), city.dispatcher, city.dept)
    replied = actions.reply(
        actions.accept(actions.dispatch(submit(), city.dispatcher, city.dept), city.handler),
        city.handler,
        text="路灯已修复",
    )
    closed = actions.rate(replied, city.operator, resolved="resolved", satisfied="satisfied")
    old = submit(category="交通运输")
    Case.objects.filter(pk=old.pk).update(received_at=clock.now() - timedelta(days=100))
    return {"new": new, "dispatched": dispatched, "closed": closed, "old": old}


def numbers(response, fmt):
    assert response.status_code == 200, response.content
    return {r["service_request_id"] for r in read(response, fmt)}


def test_get_requests_defaults_to_the_last_90_days(client, ledger, fmt):
    response = client.get(f"{BASE}requests.{fmt}")
    requests = read(response, fmt)
    assert {r["service_request_id"] for r in requests} == {
        ledger[k].number for k in ("new", "dispatched", "closed")
    }
    for request in requests:
        assert set(request) == REQUEST_FIELDS
        assert ISO_UTC.match(request["requested_datetime"]) and ISO_UTC.match(request["updated_datetime"])
    by_id = {r["service_request_id"]: r for r in requests}
    closed = by_id[ledger["closed"].number]
    assert closed["status"] == "closed" and closed["status_notes"] == "路灯已修复"
    assert closed["agency_responsible"] == "市住房和城乡建设局" and closed["service_name"] == "城市公共设施"
    new = by_id[ledger["new"].number]
    assert (
        new["status"] == "open"
        and "139****5678" in new["description"]
        and "13912345678" not in new["description"]
    )
    assert ISO_UTC.match(new["expected_datetime"])
    dispatched = by_id[ledger["dispatched"].number]
    assert float(dispatched["lat"]) == 28.2 and float(dispatched["long"]) == 112.9


def test_service_request_ids_override_every_other_parameter(client, ledger, fmt):
    ids = f"{ledger['old'].number},{ledger['closed'].number}"
    response = client.get(f"{BASE}requests.{fmt}", {"service_request_id": ids, "status": "open"})
    assert numbers(response, fmt) == {ledger["old"].number, ledger["closed"].number}


def test_filters(client, ledger, fmt):
    now = clock.now()
    url = f"{BASE}requests.{fmt}"
    assert numbers(client.get(url, {"status": "closed"}), fmt) == {ledger["closed"].number}
    assert ledger["closed"].number not in numbers(client.get(url, {"status": "open"}), fmt)
    code = str(Category.objects.get(full_name="交通运输").pk)
    start = (now - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(client.get(url, {"start_date": start, "end_date": end}), fmt) == {ledger["old"].number}
    other = str(streetlight().pk)
    assert numbers(client.get(url, {"service_code": f"{code},{other}", "start_date": start}), fmt) == {
        ledger["old"].number
    }
    assert numbers(client.get(url, {"bbox": "112.8,28.1,113.0,28.3"}), fmt) == {ledger["dispatched"].number}
    after = (ledger["closed"].updated_at - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ledger["closed"].number in numbers(client.get(url, {"updated_after": after}), fmt)
    before = (ledger["new"].updated_at - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(client.get(url, {"updated_before": before}), fmt) == set()


def test_paging(client, ledger, fmt):
    url = f"{BASE}requests.{fmt}"
    pages = [numbers(client.get(url, {"page_size": 2, "page": p}), fmt) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 1, 0]
    assert pages[0] | pages[1] == numbers(client.get(url), fmt)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "abc"}, "service_code"),
        ({"page": "0"}, "page"),
        ({"page_size": "-5"}, "page_size"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "113,28,112,29"}, "bbox"),
        ({"updated_after": "soon"}, "updated_after"),
    ],
)
def test_bad_search_parameters_are_400(client, ledger, fmt, params, expected):
    response = client.get(f"{BASE}requests.{fmt}", params)
    assert response.status_code == 400
    assert expected in errors_of(response, fmt)[0]


def test_one_request(client, ledger, fmt):
    number = ledger["closed"].number
    (request,) = read(client.get(f"{BASE}requests/{number}.{fmt}"), fmt)
    assert request["service_request_id"] == number and set(request) == REQUEST_FIELDS
    (extended,) = read(client.get(f"{BASE}requests/{number}.{fmt}", {"extensions": "true"}), fmt)
    assert extended["extended_attributes"]["ledger_state"] == "closed"
    assert extended["extended_attributes"]["channel"] == "hotline"
    response = client.get(f"{BASE}requests/20990101-000001.{fmt}")
    assert response.status_code == 404 and "20990101-000001" in errors_of(response, fmt)[0]


def test_a_merged_request_points_to_its_master(client, city, ledger, fmt):
    merged = actions.merge(ledger["new"], city.operator, into=ledger["dispatched"])
    (request,) = read(client.get(f"{BASE}requests/{merged.number}.{fmt}"), fmt)
    assert request["status"] == "closed" and ledger["dispatched"].number in request["status_notes"]


def test_listing_costs_the_same_queries_for_any_number_of_requests(client, city, submit, fmt):
    url = f"{BASE}requests.{fmt}"
    for _ in range(2):
        actions.dispatch(submit(), city.dispatcher, city.dept)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        actions.dispatch(submit(), city.dispatcher, city.dept)
    with CaptureQueriesContext(connection) as many:
        assert len(read(client.get(url), fmt)) == 10
    assert len(many) == len(few)


# --- servicerequestupdates ---------------------------------------------------------------------------


def test_updates_list_the_public_progress(client, ledger, fmt):
    number = ledger["closed"].number
    response = client.get(f"{BASE}servicerequestupdates.{fmt}", {"service_request_id": number})
    assert response.status_code == 200
    updates = read(response, fmt)
    assert [u["status"] for u in updates][-1] == "closed"
    assert any("路灯已修复" in u["description"] for u in updates)
    for update in updates:
        assert set(update) == {
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
            "media_url",
        }
        assert update["service_request_id"] == number and ISO_UTC.match(update["updated_datetime"])
    public = CaseEvent.objects.filter(case=ledger["closed"], is_public=True).count()
    assert len(updates) == public
    assert read(client.get(f"{BASE}servicerequestupdates.{fmt}", {"page_size": 1}), fmt)[0]["update_id"]


def test_a_citizens_update_reaches_the_case(client, ledger, api_key, fmt):
    case = ledger["dispatched"]
    response = client.post(
        f"{BASE}servicerequestupdates.{fmt}",
        {
            "api_key": api_key[1],
            "service_request_id": case.number,
            "description": "补充：晚上8点以后完全不亮",
            "media_url": "https://example.cn/p/2.jpg",
        },
    )
    assert response.status_code == 201
    (ack,) = read(response, fmt)
    event = CaseEvent.objects.get(pk=int(ack["update_id"]))
    assert event.case == case and event.action == "supplement" and "完全不亮" in event.payload["text"]
    case.refresh_from_db()
    assert case.state == "dispatched"
    updates = read(client.get(f"{BASE}servicerequestupdates.{fmt}", {"service_request_id": case.number}), fmt)
    assert ack["update_id"] in {u["update_id"] for u in updates}


def test_bad_updates(client, ledger, api_key, fmt):
    url = f"{BASE}servicerequestupdates.{fmt}"
    raw = api_key[1]
    response = client.post(url, {"service_request_id": ledger["new"].number, "description": "x"})
    assert response.status_code == 403
    response = client.post(url, {"api_key": raw, "service_request_id": "", "description": ""})
    assert response.status_code == 400 and len(errors_of(response, fmt)) == 2
    response = client.post(url, {"api_key": raw, "service_request_id": "20990101-000001", "description": "x"})
    assert response.status_code == 404
    response = client.post(
        url, {"api_key": raw, "service_request_id": ledger["closed"].number, "description": "x"}
    )
    assert response.status_code == 400 and "已办结" in errors_of(response, fmt)[0]
    response = client.get(url, {"updated_after": "whenever"})
    assert response.status_code == 400


def test_errors_speak_the_clients_language(client, city, api_key, fmt):
    response = client.post(
        f"{BASE}requests.{fmt}", {"api_key": api_key[1], "service_code": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "service_code is required" in errors_of(response, fmt)
    response = client.get(f"{BASE}requests.{fmt}", {"status": "x"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "status 只能是 open 或 closed" in errors_of(response, fmt)
