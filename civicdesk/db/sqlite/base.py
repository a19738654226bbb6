"""SQLite with a write gate: writers queue on a file lock instead of SQLite's sleep-and-retry.

SQLite admits one writer at a time. A second writer's BEGIN IMMEDIATE does not wait in a queue: SQLite's
busy handler sleeps (1, 2, 5, 10 … up to 100 ms at a time) and tries again, and can sleep through the moment
the lock was free. Under steady concurrent writes (several gunicorn workers taking requests) that shows as
answers hundreds of milliseconds slow while the database idles.

Here each transaction first takes an exclusive flock() on `<database>.writegate`. The kernel wakes the next
waiter as soon as the holder releases it, and releases it by itself if the holding process dies. SQLite's
own locking still guards the data; the gate only orders the writers. Writes outside a transaction
(autocommit statements) skip the gate and fall back to SQLite's busy handler, as before."""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _gate = None  # the open lock file while this connection holds the gate

    def _gate_path(self):
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writegate"

    def _enter_gate(self):
        path = self._gate_path()
        if path is None or self._gate is not None:
            return
        gate = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(gate, fcntl.LOCK_EX)
        except BaseException:
            os.close(gate)
            raise
        self._gate = gate

    def _leave_gate(self):
        gate, self._gate = self._gate, None
        if gate is not None:
            os.close(gate)  # closing the descriptor releases the lock

    def _start_transaction_under_autocommit(self):
        self._enter_gate()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_gate()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_gate()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_gate()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_gate()
