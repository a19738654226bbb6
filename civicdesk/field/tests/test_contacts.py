"""Contact households (联系户): visits fall due by their frequency; overdue ones reach the workbench and the
leader's view."""

from datetime import date, timedelta

from django.utils import timezone

from civicdesk.conftest import make_user
from civicdesk.field.contacts import mine, of_unit
from civicdesk.field.models import ContactHousehold, Household
from civicdesk.field.visits import record_visit
from civicdesk.org.models import Role

TODAY = date(2026, 11, 23)


def home(city, address):
    return Household.objects.create(area=city.community, address=address, head="户主")


def test_a_household_falls_due_by_its_frequency_from_the_last_visit_or_the_assignment(city):
    visited, never = home(city, "1组1号"), home(city, "1组2号")
    ContactHousehold.objects.create(
        staff=city.street_handler, household=visited, every_days=30, assigned_on=TODAY - timedelta(days=60)
    )
    ContactHousehold.objects.create(
        staff=city.street_handler, household=never, every_days=30, assigned_on=TODAY - timedelta(days=31)
    )
    record_visit(
        city.street_handler,
        area=city.community,
        household=visited,
        visited_on=TODAY - timedelta(days=40),
        heard="走访",
    )
    record_visit(
        city.district_handler, area=city.community, household=visited, visited_on=TODAY, heard="别人去的"
    )
    due = {d.contact.household.address: d for d in mine(city.street_handler, TODAY)}
    assert (
        due["1组1号"].overdue and due["1组1号"].days_overdue == 10
    )  # only the assigned person's visits count
    assert due["1组1号"].last_visit == TODAY - timedelta(days=40)
    assert due["1组2号"].overdue and due["1组2号"].last_visit is None
    record_visit(
        city.street_handler, area=city.community, household=visited, visited_on=TODAY, heard="又去了"
    )
    due = {d.contact.household.address: d for d in mine(city.street_handler, TODAY)}
    assert not due["1组1号"].overdue and due["1组1号"].due_on == TODAY + timedelta(days=30)


def test_overdue_visits_reach_the_workbench_and_the_leaders_view(client, city):
    leader = make_user("sleader", Role.LEADER, city.street)
    late = home(city, "2组8号")
    ContactHousehold.objects.create(
        staff=city.street_handler,
        household=late,
        every_days=7,
        assigned_on=timezone.localdate() - timedelta(days=9),
    )
    client.force_login(city.street_handler)
    page = client.get("/workbench/").content.decode()
    assert 'data-testid="visits-due"' in page and "2组8号" in page
    client.force_login(leader)
    page = client.get("/field/").content.decode()
    assert "2组8号" in page and 'class="overdue"' in page
    assert [d.contact.household for d in of_unit(leader, timezone.localdate())] == [late]
    other_leader = city.district_leader.__class__.objects.create_user(
        "a3leader", role=Role.LEADER, unit=city.other_district
    )
    assert of_unit(other_leader, timezone.localdate()) == []
    client.force_login(city.handler)  # no contact households: no panel
    assert 'data-testid="visits-due"' not in client.get("/workbench/").content.decode()
