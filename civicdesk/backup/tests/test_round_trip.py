"""A backup restored is the ledger it was: cases, the event log, attachments; bad archives are refused."""

import io
import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from civicdesk.cases import actions, intake
from civicdesk.cases.models import Attachment, Case, CaseEvent
from civicdesk.cases.tests.images import png


def ledger_snapshot():
    return {
        "cases": sorted(Case.objects.values_list("number", "state", "version")),
        "events": sorted(CaseEvent.objects.values_list("case__number", "action", "created_at", "payload")),
        "files": {a.sha256: a.file.read() for a in Attachment.objects.all()},
    }


def build_ledger(city, submit):
    case = intake.submit(
        {"description": "路灯坏了，附现场照片", "phone": "13800138000"},
        actor=city.operator,
        files=[("现场.png", png())],
    )
    actions.accept(actions.dispatch(case, city.dispatcher, city.dept), city.handler)
    actions.dispatch(submit(), city.dispatcher)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_gives_back_the_same_ledger(city, submit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_ledger(city, submit)
    before = ledger_snapshot()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    # Life goes on after the backup: a new case, a lost attachment file.
    submit(description="备份之后的新诉求")
    Attachment.objects.get().file.delete(save=False)
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(archive), stdout=io.StringIO())

    out = io.StringIO()
    call_command("restore", str(archive), "--replace", stdout=out)
    assert "as recorded in the backup" in out.getvalue()
    assert ledger_snapshot() == before
    assert not Case.objects.filter(description="备份之后的新诉求").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_restored_event_log_is_still_append_only(city, submit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_ledger(city, submit)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    call_command("restore", str(archive), "--replace", stdout=io.StringIO())
    with pytest.raises(DatabaseError), connection.cursor() as cursor:  # the trigger came back too
        cursor.execute("UPDATE cases_caseevent SET action = 'forged'")


def test_archives_that_are_not_backups_are_refused(db, tmp_path):
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("restore", str(garbage))

    def archive_with(name, entries):
        path = tmp_path / name
        with tarfile.open(path, "w:gz") as tar:
            for entry, data in entries.items():
                info = tarfile.TarInfo(entry)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return path

    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", str(archive_with("empty.tar.gz", {"x.txt": b"x"})))
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = json.dumps({"format": 1, "vendor": other, "counts": {}}).encode()
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(archive_with("other.tar.gz", {"manifest.json": manifest})))
    own = json.dumps({"format": 1, "vendor": connection.vendor}).encode()
    escape = archive_with("escape.tar.gz", {"manifest.json": own, "../outside.txt": b"x"})
    with pytest.raises(CommandError, match="unsafe entry"):
        call_command("restore", str(escape))
    assert not (tmp_path.parent / "outside.txt").exists()
