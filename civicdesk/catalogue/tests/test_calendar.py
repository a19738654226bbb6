"""Working-time arithmetic across Chinese public holidays and make-up working days (调休)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.catalogue.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def cal():
    return WorkCalendar(tz="Asia/Shanghai")


def test_weekend_is_skipped(cal):
    # Friday 2026-11-20 10:00 + 1 working day → Monday 2026-11-23 10:00
    assert cal.add_working(at(2026, 11, 20, 10), timedelta(days=1)) == at(2026, 11, 23, 10)


def test_makeup_sunday_counts_as_working_day(cal):
    # Sunday 2026-09-20 is a make-up working day before the National Day holiday.
    assert cal.is_workday(date(2026, 9, 20))
    assert not cal.is_workday(date(2026, 9, 19))
    # Friday 10:00 + 2 working days: Friday rest (14h) + Sunday (24h) + Monday 10h.
    assert cal.add_working(at(2026, 9, 18, 10), timedelta(days=2)) == at(2026, 9, 21, 10)


def test_national_day_holiday_is_skipped(cal):
    # 2026-10-01..07 are holidays, Saturday 10-10 is a make-up working day.
    for day in range(1, 8):
        assert not cal.is_workday(date(2026, 10, day))
    assert cal.is_workday(date(2026, 10, 10))
    # Wednesday 2026-09-30 09:00 + 3 working days: 09-30 (15h), 10-08 (24h), 10-09 (24h) → 10-10 09:00
    assert cal.add_working(at(2026, 9, 30, 9), timedelta(days=3)) == at(2026, 10, 10, 9)


def test_spring_festival_seven_working_days(cal):
    # Spring Festival 2026: 02-15..02-23 off; 02-14 (Sat) and 02-28 (Sat) are make-up working days.
    start = at(2026, 2, 12, 15)  # Thursday afternoon
    due = cal.add_working(start, timedelta(days=7))
    # working days after start: 02-13, 02-14, 02-24, 02-25, 02-26, 02-27, 02-28 → 7th ends 02-28 15:00
    assert due == at(2026, 2, 28, 15)
    assert cal.working_between(start, due) == timedelta(days=7)


def test_start_on_holiday_counts_from_next_working_day(cal):
    assert cal.add_working(at(2026, 10, 3, 12), timedelta(hours=5)) == at(2026, 10, 8, 5)


def test_working_between_excludes_holidays(cal):
    assert cal.working_between(at(2026, 9, 30, 0), at(2026, 10, 9, 0)) == timedelta(days=2)
    assert cal.working_between(at(2026, 10, 9, 0), at(2026, 9, 30, 0)) == timedelta(0)


def test_override_wins_over_national_calendar():
    cal = WorkCalendar({date(2026, 11, 23): False, date(2026, 11, 22): True}, tz="Asia/Shanghai")
    # Sunday 22nd made a working day, Monday 23rd a local holiday
    assert cal.add_working(at(2026, 11, 21, 12), timedelta(days=1)) == at(2026, 11, 23, 0)
    assert cal.add_working(at(2026, 11, 21, 12), timedelta(days=1, hours=12)) == at(2026, 11, 24, 12)


def test_year_unknown_to_package_falls_back_to_weekdays(cal):
    assert cal.is_workday(date(2031, 1, 6))  # a Monday
    assert not cal.is_workday(date(2031, 1, 5))  # a Sunday


def test_natural_hours_ignore_calendar(cal):
    start = at(2026, 10, 1, 23)
    assert cal.add(start, timedelta(hours=2), natural=True) == at(2026, 10, 2, 1)
