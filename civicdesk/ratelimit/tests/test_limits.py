"""Public endpoints refuse floods with 429 and say when to come back; ordinary use is never refused."""

import pytest

from civicdesk.open311.models import ApiKey
from civicdesk.open311.tests.conftest import errors_of
from civicdesk.ratelimit import limits
from civicdesk.ratelimit.models import Counter


@pytest.fixture
def tight(settings):
    def set_limits(**scopes):
        settings.CIVICDESK_RATE_LIMITS = scopes

    return set_limits


def test_guessing_phone_numbers_is_stopped_and_the_page_says_when_to_retry(client, city, submit, tight):
    tight(track="3/10m")
    case = submit()
    for guess in ("13900000001", "13900000002", "13900000003"):
        assert client.post("/track/", {"number": case.number, "phone": guess}).status_code == 200
    refused = client.post("/track/", {"number": case.number, "phone": "13800138000"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600
    assert "操作过于频繁" in refused.content.decode()
    assert client.get("/track/").status_code == 200  # reading the form is not counted


def test_the_next_window_lets_the_citizen_in_again(city, submit, tight, rf):
    tight(track="2/1m")
    request = rf.post("/track/", REMOTE_ADDR="10.1.2.3")
    client = limits.client_of(request)
    limits.hit("track", client, now=999_970)  # the minute from 999,960 (= 16,666 × 60)
    limits.hit("track", client, now=999_980)
    with pytest.raises(limits.RateLimited) as refused:
        limits.hit("track", client, now=999_990)
    assert refused.value.retry_after == 30  # the minute ends at 1,000,020
    limits.hit("track", client, now=1_000_020)  # a new minute


def test_each_address_has_its_own_count(client, city, tight):
    tight(track="1/10m")
    assert client.post("/track/", {"number": "x", "phone": "1"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.post("/track/", {"number": "x", "phone": "1"}, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.post("/track/", {"number": "x", "phone": "1"}, REMOTE_ADDR="10.0.0.1").status_code == 429


def test_behind_a_trusted_proxy_the_citizens_address_counts(rf, settings):
    settings.CIVICDESK_TRUSTED_PROXIES = 1
    one = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    other = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="5.6.7.8")
    spoofed = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    assert limits.client_of(one) != limits.client_of(other)
    assert limits.client_of(spoofed) == limits.client_of(one)  # what the proxy saw, not what was claimed
    settings.CIVICDESK_TRUSTED_PROXIES = 0
    assert limits.client_of(one) == limits.client_of(other)  # no proxy trusted: the header is ignored


def test_addresses_are_never_stored(client, city, tight):
    tight(track="5/10m")
    client.post("/track/", {"number": "x", "phone": "1"}, REMOTE_ADDR="203.0.113.77")
    assert Counter.objects.count() == 1
    assert "203.0.113.77" not in Counter.objects.get().key


def test_web_submissions_logins_and_registrations_are_limited(client, city, tight):
    tight(submit="1/h", login="1/10m", register="1/h")
    form = {"kind": "complaint", "description": "路灯不亮", "phone": "13800138000"}
    assert client.post("/submit/", form).status_code == 302
    assert client.post("/submit/", form).status_code == 429
    assert client.post("/login/", {"username": "x", "password": "y"}).status_code == 200
    assert client.post("/login/", {"username": "x", "password": "y"}).status_code == 429
    client.post("/register/", {})
    assert client.post("/register/", {}).status_code == 429


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_counts_posts_per_key_and_answers_a_georeport_error(client, city, tight, fmt):
    tight(open311_post="2/m", open311_get="2/m")
    _, first = ApiKey.issue("App A", city.operator)
    _, second = ApiKey.issue("App B", city.operator)
    post = {
        "service_code": str(city.cat_building.pk),
        "address_string": "暮云街道",
        "description": "路灯不亮",
    }
    url = f"/open311/v2/requests.{fmt}"
    assert [client.post(url, {**post, "api_key": first}).status_code for _ in range(2)] == [201, 201]
    refused = client.post(url, {**post, "api_key": first})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "操作过于频繁" in errors_of(refused, fmt)[0]
    assert client.post(url, {**post, "api_key": second}).status_code == 201  # another integration
    assert [client.get(f"/open311/v2/services.{fmt}").status_code for _ in range(3)] == [200, 200, 429]


def test_a_mistyped_limit_switches_that_limit_off_instead_of_locking_everyone_out(client, city, tight):
    tight(track="lots")
    assert limits.limit_for("track") is None
    for _ in range(40):
        assert client.post("/track/", {"number": "x", "phone": "1"}).status_code == 200
    assert limits.parse("30/10m") == limits.Limit(30, 600) and limits.parse("5/h") == limits.Limit(5, 3600)


def test_old_counters_are_forgotten(city, tight):
    tight(track="5/m")
    limits.hit("track", "ipabc", now=1_000_000)
    limits.hit("track", "ipabc", now=1_000_000 + 3 * 86400)
    assert limits.forget_old(now=1_000_000 + 3 * 86400) == 1
    assert Counter.objects.count() == 1
