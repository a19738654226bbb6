"""Personal data never reaches the logs: phone and ID numbers stay in the database (masked when shown)."""

import logging
import re

from civicdesk.cases import clock
from civicdesk.cases.sweep import sweep
from civicdesk.notify.delivery import deliver_due
from civicdesk.open311.models import ApiKey

PHONE = "13912345678"
ID_NUMBER = "430104199003075632"


def test_a_requests_journey_logs_no_phone_or_id_number(client, city, settings, caplog):
    settings.CIVICDESK_SMS_BACKEND = "civicdesk.notify.sms.ConsoleBackend"
    caplog.set_level(logging.DEBUG)
    description = f"身份证号 {ID_NUMBER} 的老人家门口路灯不亮，电话 {PHONE}"
    response = client.post(
        "/submit/", {"kind": "complaint", "description": description, "phone": PHONE, "name": "李四"}
    )
    assert response.status_code == 302
    _, raw = ApiKey.issue("App", city.operator)
    service = str(city.cat_building.pk)
    post = {"api_key": raw, "service_code": service, "address_string": "暮云街道", "phone": PHONE}
    assert client.post("/open311/v2/requests.json", {**post, "description": description}).status_code == 201
    assert client.post("/open311/v2/requests.json", {**post, "phone": "12"}).status_code == 400
    number = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert client.post("/track/", {"number": number, "phone": PHONE}).status_code == 302
    assert client.post("/track/", {"number": number, "phone": "13900000000"}).status_code == 200
    deliver_due()  # the acknowledgments through the console SMS backend
    with clock.frozen(clock.now().replace(year=clock.now().year + 1)):
        sweep()
    assert caplog.records, "the journey logged nothing: the check would prove nothing"
    assert PHONE not in caplog.text and ID_NUMBER not in caplog.text
    assert "139****5678" in caplog.text  # the SMS was logged, masked


def test_no_public_form_would_put_a_phone_into_a_url(client, city):
    """A GET form sends its fields as a query string, which access logs and proxies record."""
    for url in ("/", "/submit/", "/track/", "/register/", "/login/"):
        page = client.get(url).content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", page, flags=re.S):
            method = re.search(r'method="(\w+)"', form)
            if method is None or method.group(1).lower() == "get":
                assert not re.search(r'name="(phone|id_number|password)"', form), (url, form[:200])
