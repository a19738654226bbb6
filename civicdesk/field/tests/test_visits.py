"""Visits: every need heard becomes a case of the channel `visit`; the register and its ledger are seen only
by the units responsible for the area."""

from datetime import date

import pytest

from civicdesk.cases.errors import ValidationFailed
from civicdesk.cases.models import Case
from civicdesk.field.models import Household, Person, Visit
from civicdesk.field.visits import record_visit


@pytest.fixture
def household(city):
    home = Household.objects.create(
        area=city.community, address="暮云东社区3组12号", head="刘大爷", phone="13700137000"
    )
    Person.objects.create(household=home, area=city.community, name="刘大爷", phone="13700137000")
    Person.objects.create(household=home, area=city.community, name="刘奶奶")
    return home


def test_each_need_heard_becomes_a_case_linked_to_the_visit(city, household):
    visit = record_visit(
        city.street_handler,
        area=city.community,
        household=household,
        visited_on=date(2026, 11, 20),
        heard="老两口独居，腿脚不便",
        needs_text="门前路灯坏了\n- 申请居家养老服务\n\n  ",
    )
    cases = [n.case for n in visit.needs.order_by("pk")]
    assert [c.description for c in cases] == ["门前路灯坏了", "申请居家养老服务"]
    assert all(c.channel == "visit" and c.area == city.community for c in cases)
    assert all(c.citizen.phone == "13700137000" and c.address == "暮云东社区3组12号" for c in cases)
    assert cases[0].events.get(action="receive").actor_name == city.street_handler.username


def test_only_the_units_responsible_for_the_area_record_visits_there(city, household):
    for outsider in (city.handler, city.handler2):  # departments are not places
        with pytest.raises(ValidationFailed) as refused:
            record_visit(
                outsider, area=city.community, visited_on=date(2026, 11, 20), heard="x", needs_text="y"
            )
        assert "area" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        record_visit(city.street_handler, area=city.community, visited_on=date(2026, 11, 20), heard="  ")
    assert "heard" in refused.value.errors
    assert Visit.objects.count() == 0 and Case.objects.count() == 0


def test_the_register_is_private_to_the_responsible_units(client, city, household):
    for insider in (city.street_handler, city.district_leader, city.district_handler):
        client.force_login(insider)
        assert client.get(f"/field/households/{household.pk}/").status_code == 200
        assert client.get(f"/field/areas/{city.community.pk}/").status_code == 200
    from civicdesk.conftest import make_user
    from civicdesk.org.models import Role

    other = make_user("a3handler", Role.HANDLER, city.other_district)
    for outsider, status in ((other, 404), (city.handler, 404), (city.operator, 403), (city.dispatcher, 403)):
        client.force_login(outsider)
        assert client.get(f"/field/households/{household.pk}/").status_code == status
        assert client.get(f"/field/areas/{city.community.pk}/").status_code == status


def test_the_visit_form_records_or_keeps_what_was_typed(client, city, household):
    client.force_login(city.street_handler)
    assert 'data-draft="visit"' in client.get("/field/visits/new/").content.decode()
    form = {
        "area": city.community.pk,
        "household": household.pk,
        "visited_on": "2026-11-20",
        "heard": "",
        "needs": "下水道堵塞",
    }
    page = client.post("/field/visits/new/", form).content.decode()
    assert "下水道堵塞" in page and Visit.objects.count() == 0  # the server gives the text back too
    response = client.post("/field/visits/new/", {**form, "heard": "住户反映雨天积水"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/field/visits/{visit.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-draft-clear="visit"' in page and visit.needs.get().case.number in page


def test_the_ledgers_list_every_need_by_area_household_and_person(client, city, household, submit):
    record_visit(
        city.street_handler,
        area=city.community,
        household=household,
        visited_on=date(2026, 11, 20),
        heard="走访",
        needs_text="门前路灯坏了",
    )
    by_phone = submit(phone="13700137000", description="刘大爷打热线反映供暖不热")  # the same person
    elsewhere = submit(area="a3", description="别的区的诉求")
    client.force_login(city.street_handler)
    area_page = client.get(f"/field/areas/{city.community.pk}/").content.decode()
    assert "暮云东社区3组12号" in area_page and "门前路灯坏了" in area_page
    assert elsewhere.number not in area_page
    home_page = client.get(f"/field/households/{household.pk}/").content.decode()
    assert "门前路灯坏了" in home_page and by_phone.number in home_page and "刘奶奶" in home_page
