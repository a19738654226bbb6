"""Shared fixtures: a small city with one unit of each kind and one user per role."""

from types import SimpleNamespace

import pytest

from civicdesk.catalogue.models import Category, DispatchRule
from civicdesk.org.models import Role, Unit, UnitKind, User


def make_user(username, role, unit=None, **extra):
    return User.objects.create_user(
        username=username, password="pw-" + username, role=role, unit=unit, first_name=username, **extra
    )


@pytest.fixture(autouse=True)
def fresh_reference_data():
    """Each test starts without a catalogue snapshot or API keys read in an earlier test's (rolled back)
    transaction."""
    from civicdesk.catalogue import reference
    from civicdesk.open311.models import forget_checked_keys

    reference.clear()
    forget_checked_keys()
    yield
    reference.clear()
    forget_checked_keys()


@pytest.fixture(autouse=True)
def manual_dispatch(settings):
    """Cases wait for a dispatcher unless a test turns automatic dispatch on; no model outlives a test."""
    from civicdesk.classifier import versions

    settings.CIVICDESK_AUTO_DISPATCH_CONFIDENCE = None
    versions.clear()
    yield
    versions.clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(db):
    u = SimpleNamespace()
    u.city = Unit.objects.create(name="A市", code="city", kind=UnitKind.CITY)
    u.center = Unit.objects.create(name="12345热线中心", code="center", kind=UnitKind.CENTER, parent=u.city)
    u.district = Unit.objects.create(name="A2区", code="a2", kind=UnitKind.DISTRICT, parent=u.city)
    u.street = Unit.objects.create(name="暮云街道", code="a2-s1", kind=UnitKind.STREET, parent=u.district)
    u.community = Unit.objects.create(
        name="暮云东社区", code="a2-s1-c1", kind=UnitKind.COMMUNITY, parent=u.street
    )
    u.other_district = Unit.objects.create(name="A3区", code="a3", kind=UnitKind.DISTRICT, parent=u.city)
    u.dept = Unit.objects.create(
        name="市住房和城乡建设局", code="zjj", kind=UnitKind.DEPARTMENT, parent=u.city
    )
    u.dept2 = Unit.objects.create(name="市交通运输局", code="jtj", kind=UnitKind.DEPARTMENT, parent=u.city)
    u.water = Unit.objects.create(name="自来水公司", code="water", kind=UnitKind.UTILITY, parent=u.city)

    u.operator = make_user("operator", Role.OPERATOR, u.center)
    u.dispatcher = make_user("dispatcher", Role.DISPATCHER, u.center)
    u.supervisor = make_user("supervisor", Role.SUPERVISOR, u.center)
    u.admin = make_user("admin", Role.ADMIN, u.center)
    u.handler = make_user("handler", Role.HANDLER, u.dept)
    u.leader = make_user("leader", Role.LEADER, u.dept)
    u.handler2 = make_user("handler2", Role.HANDLER, u.dept2)
    u.district_leader = make_user("dleader", Role.LEADER, u.district)
    u.district_handler = make_user("dhandler", Role.HANDLER, u.district)
    u.street_handler = make_user("shandler", Role.HANDLER, u.street)
    u.citizen_user = make_user("citizen", Role.CITIZEN)

    u.cat_building = Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施")
    u.cat_water = Category.objects.get(full_name="城乡建设/城市建设和市政管理/自来水供应")
    u.cat_traffic = Category.objects.get(full_name="交通运输")
    DispatchRule.objects.create(category=Category.objects.get(full_name="城乡建设"), unit=u.dept)
    DispatchRule.objects.create(
        category=Category.objects.get(full_name="城乡建设"), area=u.district, unit=u.district
    )
    DispatchRule.objects.create(category=u.cat_water, unit=u.water)
    DispatchRule.objects.create(category=u.cat_traffic, unit=u.dept2)
    return u


@pytest.fixture
def submit(city):
    """Submit a valid request, overriding any field."""
    from civicdesk.cases import intake

    def _submit(actor=None, route=True, **fields):
        data = {
            "kind": "complaint",
            "channel": "hotline",
            "title": "小区门口路灯不亮",
            "description": "暮云街道某小区门口的路灯已经坏了两个星期，晚上出行很不安全，请尽快修复。",
            "category": "城乡建设/城市建设和市政管理/城市公共设施",
            "phone": "13800138000",
            "name": "张三",
        }
        data.update(fields)
        return intake.submit(data, actor=actor or city.operator, route=route)

    return _submit


def at_once(function, workers=3):
    """Runs `function()` in `workers` threads started together (each with its own database connection);
    returns their results, or raises the first exception one of them raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(workers)
    results, failures = [], []

    def worker():
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:  # noqa: BLE001 - raised below, in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results
