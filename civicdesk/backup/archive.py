"""Backups: the whole ledger in one file, and back.

An archive is a gzipped tar holding `manifest.json` (format, database kind, time, the migrations applied,
counts to check against), the database (`database.sqlite3` from SQLite's online backup API, a consistent
copy taken while the server runs; or `database.pgdump` from `pg_dump -Fc`) and `media/`, the uploaded
attachments. Restoring puts the database and the attachments back and checks the counts; it refuses an
archive of the other database kind, an archive it cannot read, and (unless told to replace) a database
that already holds cases."""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    pass


def counts():
    from civicdesk.cases.models import Attachment, Case, CaseEvent

    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "attachments": Attachment.objects.count(),
    }


def _migrations():
    applied = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied[app] = max(applied.get(app, ""), name)
    return applied


def _pg_env_and_args():
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _run(command, env=None):
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools)") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def _dump_database(target):
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif vendor == "postgresql":
        env, args = _pg_env_and_args()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], env)
    else:
        raise BackupError(f"backups of {vendor} databases are not supported")


def backup(path):
    """Writes an archive of the database and the attachments to `path`; returns its manifest."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"backups of {vendor} databases are not supported")
    manifest = {
        "format": FORMAT,
        "vendor": vendor,
        "created_at": timezone.now().isoformat(),
        "migrations": _migrations(),
        "counts": counts(),
    }
    path = Path(path)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATABASE_FILES[vendor]
        _dump_database(dump)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="media")
        partial.replace(path)  # a half-written archive never carries the final name
    return manifest


def read_manifest(tar):
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError, AttributeError):
        raise BackupError("not a civicdesk backup: manifest.json is missing or unreadable") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _restore_database(source):
    vendor = connection.vendor
    connections.close_all()
    if vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        with sqlite3.connect(source) as backup_copy, sqlite3.connect(name) as live:
            backup_copy.backup(live)
        backup_copy.close()
        live.close()
    else:
        env, args = _pg_env_and_args()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(source),
            ],
            env,
        )


def _safe_members(tar):
    """Only regular files and folders inside the archive's own tree (no links, no ../ escapes)."""
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refusing an unsafe entry in the archive: {member.name!r}")
        yield member


def restore(path, *, replace=False):
    """Puts an archive's database and attachments back; returns (manifest, counts after)."""
    try:
        tar = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from None
    with tar, tempfile.TemporaryDirectory() as work:
        manifest = read_manifest(tar)
        if manifest.get("vendor") != connection.vendor:
            raise BackupError(
                f"this backup is of a {manifest.get('vendor')} database; this server uses {connection.vendor}"
            )
        if not replace and counts()["cases"]:
            raise BackupError("the database already holds cases; pass --replace to overwrite them")
        members = list(_safe_members(tar))
        try:
            tar.extractall(work, members=members, filter="data")
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"the archive is damaged: {exc}") from None
        dump = Path(work) / DATABASE_FILES[manifest["vendor"]]
        if not dump.is_file():
            raise BackupError("the archive holds no database")
        _restore_database(dump)
        media = Path(settings.MEDIA_ROOT)
        extracted = Path(work) / "media"
        if media.exists():
            shutil.rmtree(media)
        if extracted.is_dir():
            shutil.copytree(extracted, media)
    after = counts()
    if after != manifest["counts"]:
        raise BackupError(f"restored, but the counts differ: expected {manifest['counts']}, found {after}")
    return manifest, after
