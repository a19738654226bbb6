"""The actions layer reads the time here, so that the demo builder can replay months of history."""

from contextlib import contextmanager

from django.utils import timezone

_frozen = None


def now():
    return _frozen if _frozen is not None else timezone.now()


@contextmanager
def frozen(moment):
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
