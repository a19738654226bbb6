"""Case events are append-only, enforced by the database as well as by the model.

UPDATE is refused on both backends. DELETE is refused on PostgreSQL; TRUNCATE (used by test-suite flushes
and a deliberate operator) is not a row operation and stays possible. On SQLite, DELETE is refused by the
model and by PROTECT foreign keys but not by a trigger: Django empties SQLite tables with DELETE, and anyone
who can write to the database file can also drop a trigger."""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION civicdesk_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGER = """
CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON cases_caseevent
FOR EACH ROW EXECUTE FUNCTION civicdesk_caseevent_append_only();
"""
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent
    BEGIN SELECT RAISE(ABORT, 'case events are append-only (UPDATE refused)'); END;""",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(PG_TRIGGER)
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS civicdesk_caseevent_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_no_update")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
