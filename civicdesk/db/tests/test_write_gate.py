"""SQLite's write gate: writers queue on the gate instead of failing or sleeping on SQLite's lock."""

import fcntl
import os
import threading

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the write gate is SQLite's")


def new_connection(timeout):
    """A connection of our SQLite backend to the test database with its own busy timeout (seconds)."""
    settings = dict(connection.settings_dict)
    settings["OPTIONS"] = {**settings["OPTIONS"], "timeout": timeout}
    return type(connections["default"])(settings)


def gate_is_free():
    descriptor = os.open(f"{connection.settings_dict['NAME']}.writegate", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_never_meet_sqlites_lock():
    """With SQLite's busy timeout at zero, any writer that found the database locked would fail at once."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE gate_probe (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER)")
    failures, barrier = [], threading.Barrier(4)

    def writer(number):
        own = None
        try:
            own = new_connection(timeout=0)
            barrier.wait()
            for n in range(25):
                own.set_autocommit(True)
                own.ensure_connection()
                own._start_transaction_under_autocommit()
                with own.cursor() as cursor:
                    cursor.execute("INSERT INTO gate_probe (writer, n) VALUES (%s, %s)", [number, n])
                    cursor.execute("SELECT COUNT(*) FROM gate_probe")
                own.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            if own is not None:
                own.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM gate_probe")
            assert cursor.fetchone()[0] == 100
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE gate_probe")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_gate_is_held_for_the_transaction_and_released_however_it_ends():
    own = new_connection(timeout=5)
    try:
        for finish in (own.commit, own.rollback, own.close):
            own.ensure_connection()
            own._start_transaction_under_autocommit()
            assert not gate_is_free()
            finish()
            assert gate_is_free()
    finally:
        own.close()
