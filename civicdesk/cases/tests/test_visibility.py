"""Who sees which cases: the centre the whole city, a unit its subtree, a citizen only their own."""

from civicdesk.cases import actions
from civicdesk.cases.visibility import can_view, find_for_citizen, visible_cases
from civicdesk.org.models import Role, User


def numbers(user):
    return set(visible_cases(user).values_list("number", flat=True))


def test_units_see_their_subtree_only(city, submit):
    dept_case = actions.dispatch(submit(), city.dispatcher, "zjj")
    street_case = actions.dispatch(submit(), city.dispatcher, "a2-s1")
    community_case = actions.dispatch(submit(), city.dispatcher, "a2-s1-c1")
    other = actions.dispatch(submit(), city.dispatcher, "a3")
    waiting = submit()

    everything = {c.number for c in (dept_case, street_case, community_case, other, waiting)}
    for user in (city.operator, city.dispatcher, city.supervisor, city.admin):
        assert numbers(user) == everything

    assert numbers(city.handler) == {dept_case.number}
    assert numbers(city.leader) == {dept_case.number}
    assert numbers(city.handler2) == set()
    # the district sees its streets and communities, the street its communities, not the other way round
    assert numbers(city.district_leader) == {street_case.number, community_case.number}
    assert numbers(city.street_handler) == {street_case.number, community_case.number}
    assert not can_view(city.street_handler, other)
    assert not can_view(city.handler, waiting)


def test_co_handling_unit_sees_the_case(city, submit):
    case = actions.dispatch(submit(), city.dispatcher, "zjj", co_units=["jtj"])
    assert can_view(city.handler2, case)
    assert numbers(city.handler2) == {case.number}


def test_after_redispatch_the_old_unit_no_longer_sees_it(city, submit):
    case = actions.dispatch(submit(), city.dispatcher, "zjj")
    actions.redispatch(case, city.dispatcher, "jtj", reason="属交通运输局职责")
    assert not can_view(city.handler, case)
    assert can_view(city.handler2, case)


def test_citizen_sees_only_own_cases(city, submit):
    mine = submit(actor=city.citizen_user, phone="13900139000")
    submit(phone="13700137000")
    assert numbers(city.citizen_user) == {mine.number}
    stranger = User.objects.create_user("stranger", password="x", role=Role.CITIZEN)
    assert numbers(stranger) == set()
    # Someone else submitting with my phone number does not get to see my earlier cases.
    theirs = submit(actor=stranger, phone="13900139000")
    assert numbers(stranger) == {theirs.number}
    assert numbers(city.citizen_user) == {mine.number}


def test_anonymous_inactive_and_unit_less_staff_see_nothing(city, submit):
    from django.contrib.auth.models import AnonymousUser

    submit()
    assert numbers(AnonymousUser()) == set()
    city.handler.is_active = False
    city.handler.save()
    assert numbers(city.handler) == set()
    assert numbers(None) == set()


def test_tracking_needs_both_number_and_phone(city, submit):
    case = submit(phone="13800138000")
    assert find_for_citizen(case.number, "138 0013 8000") == case
    assert find_for_citizen(case.number, "13900139000") is None
    assert find_for_citizen("20990101-000001", "13800138000") is None
    assert find_for_citizen(case.number, "") is None
    assert find_for_citizen("", "13800138000") is None
