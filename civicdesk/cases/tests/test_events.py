"""The event log is append-only: the ORM refuses edits and deletions, and so does the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from civicdesk.cases.models import CaseEvent


def test_orm_refuses_to_edit_or_delete(city, submit):
    event = CaseEvent.objects.get(case=submit())
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        CaseEvent.objects.all().delete()
    assert CaseEvent.objects.get(pk=event.pk).action == "receive"


def test_database_refuses_update_even_in_raw_sql(city, submit):
    event = CaseEvent.objects.get(case=submit())
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE cases_caseevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).action == "receive"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger exists on PostgreSQL only")
def test_postgresql_refuses_delete_in_raw_sql(city, submit):
    event = CaseEvent.objects.get(case=submit())
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])
    assert CaseEvent.objects.filter(pk=event.pk).exists()
