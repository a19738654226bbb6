"""Readable case numbers: YYYYMMDD-NNNNNN, a counter per local day."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import CaseNumberSequence


def _increment_sql():
    q = connection.ops.quote_name
    table, last, day = q(CaseNumberSequence._meta.db_table), q("last"), q("day")
    return f"UPDATE {table} SET {last} = {last} + 1 WHERE {day} = %s RETURNING {last}"


def next_number(moment):
    """The next number of the day. One UPDATE … RETURNING (SQLite 3.35+, PostgreSQL): the row lock it takes
    orders concurrent callers, each gets its own number, and the first call of a day creates the row."""
    day = timezone.localtime(moment).date()
    for _ in range(5):
        with connection.cursor() as cursor:
            cursor.execute(_increment_sql(), [day.isoformat()])
            row = cursor.fetchone()
        if row:
            return f"{day:%Y%m%d}-{row[0]:06d}"
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.create(day=day, last=1)
            return f"{day:%Y%m%d}-{1:06d}"
        except IntegrityError:  # another process created today's row first; count on it
            continue
    raise RuntimeError("could not allocate a case number")
