"""A value each process keeps in memory and reloads when it is older than CIVICDESK_REFERENCE_SECONDS.

For data every request reads and administrators rarely change (the catalogue, the active classifier):
`clear()` makes the next reader reload at once, in the process where the change was saved; the other
processes see it within the interval."""

import threading
import time

from django.conf import settings


class Refreshing:
    def __init__(self, load):
        self._load = load
        self._value = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def _stale(self):
        return (
            self._value is None or time.monotonic() - self._loaded_at > settings.CIVICDESK_REFERENCE_SECONDS
        )

    def get(self):
        if self._stale():
            with self._lock:
                if self._stale():  # another thread may have reloaded while this one waited
                    self._value, self._loaded_at = self._load(), time.monotonic()
        return self._value

    def clear(self, **_ignored):
        self._value = None
