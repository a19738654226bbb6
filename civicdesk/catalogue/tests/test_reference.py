"""The in-memory catalogue snapshot: read once, refreshed when an administrator saves, or after its age."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.catalogue import reference
from civicdesk.catalogue.calendar import WorkCalendar
from civicdesk.catalogue.models import Category, SlaRule, TimeUnit, WorkdayOverride


def test_a_snapshot_answers_without_queries(db):
    reference.current()
    light = Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施")
    with CaptureQueriesContext(connection) as queries:
        snapshot = reference.current()
        assert snapshot.category(light.pk) == light
        assert snapshot.category(light.full_name) == light
        assert [c.name for c in snapshot.category(light.pk).lineage()] == [
            "城市公共设施",
            "城市建设和市政管理",
            "城乡建设",
        ]
        SlaRule.for_case("normal", light)
        WorkCalendar.from_db()
    assert len(queries) == 0


def test_saving_reference_data_refreshes_the_snapshot(db):
    light = Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施")
    assert reference.current().category(light.pk) is not None
    light.is_active = False
    light.save()
    assert reference.current().category(light.pk) is None

    rule = SlaRule.objects.create(
        name="路灯 3 小时", priority="normal", category=light, resolve_amount=3, resolve_unit=TimeUnit.HOURS
    )
    assert SlaRule.for_case("normal", light) == rule
    rule.delete()
    assert SlaRule.for_case("normal", light) != rule

    WorkdayOverride.objects.create(date=date(2026, 12, 1), is_workday=False, note="本地假日")
    assert WorkCalendar.from_db().is_workday(date(2026, 12, 1)) is False


def test_changes_made_elsewhere_are_seen_after_the_configured_age(db, settings):
    light = Category.objects.get(full_name="城乡建设/城市建设和市政管理/城市公共设施")
    reference.current()
    Category.objects.filter(pk=light.pk).update(is_active=False)  # no signal: as if another process saved it
    assert reference.current().category(light.pk) is not None
    settings.CIVICDESK_REFERENCE_SECONDS = 0
    assert reference.current().category(light.pk) is None
