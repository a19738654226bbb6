"""Working-time arithmetic on the Chinese official calendar.

Working time passes only on working days (周一至周五, plus make-up working days 调休上班, minus public
holidays), all 24 hours of such a day, in the configured local time zone. "7 working days" from Friday
10:00 therefore ends at 10:00 on the 7th working day after it. Holidays come from the maintained
`chinesecalendar` package; `WorkdayOverride` rows correct it locally or cover years it does not know yet
(then Monday to Friday are working days).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

MAX_DAYS_SCANNED = 3660


class WorkCalendar:
    def __init__(self, overrides=None, tz=None):
        self.overrides = dict(overrides or {})
        self.tz = ZoneInfo(tz or settings.TIME_ZONE)

    @classmethod
    def from_db(cls):
        from . import reference

        return cls(reference.current().overrides)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package does not cover yet
            return day.weekday() < 5

    def _day_bounds(self, moment: datetime):
        local = moment.astimezone(self.tz)
        day = local.date()
        next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        return day, next_midnight.astimezone(UTC)

    def add_working(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`."""
        cursor = start.astimezone(UTC)
        remaining = duration
        for _ in range(MAX_DAYS_SCANNED):
            day, day_end = self._day_bounds(cursor)
            if self.is_workday(day):
                available = day_end - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
            cursor = day_end
        raise ValueError("no working days found within ten years; check the workday overrides")

    def working_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time elapsed from `start` to `end` (zero if end is before start)."""
        cursor, end = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta(0)
        while cursor < end:
            day, day_end = self._day_bounds(cursor)
            stop = min(day_end, end)
            if self.is_workday(day):
                total += stop - cursor
            cursor = stop
        return total

    def add(self, start: datetime, duration: timedelta, natural: bool) -> datetime:
        return start + duration if natural else self.add_working(start, duration)

    def between(self, start: datetime, end: datetime, natural: bool) -> timedelta:
        if natural:
            return max(end - start, timedelta(0))
        return self.working_between(start, end)
