"""Rate limits on the public endpoints (web submission and tracking, registration, login, Open311).

Each limit is "N/period" per client, counted in fixed windows: `track` at "30/10m" lets one address try 30
case number + phone pairs in ten minutes, which makes guessing someone else's phone hopeless while a citizen
who mistyped is not bothered. Counters live in the database (one upsert per counted request), so every
gunicorn process and every host share them. Administrators change the limits with CIVICDESK_RATE_LIMITS
(docs/configuration.md); "off" disables one."""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from .models import Counter

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULTS = {
    "submit": "20/h",  # web form submissions per address
    "track": "30/10m",  # case number + phone attempts per address
    "register": "10/h",
    "login": "30/10m",
    "open311_post": "600/m",  # per API key: an integration may forward a whole city's requests
    "open311_get": "300/m",  # per address
    "board": "300/m",  # public board pages per address
}


class RateLimited(Exception):
    def __init__(self, scope, retry_after):
        self.scope, self.retry_after = scope, retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(_("操作过于频繁，请 %(m)d 分钟后再试") % {"m": minutes})


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse(text):
    """ "30/10m" → Limit(30, 600); None for "off" or nonsense (a typo must not lock a city out)."""
    try:
        count, per = text.strip().lower().split("/")
        unit = per[-1]
        amount = int(per[:-1] or 1)
        return Limit(int(count), amount * PERIODS[unit])
    except (ValueError, KeyError, IndexError, AttributeError):
        return None


def limit_for(scope):
    configured = {**DEFAULTS, **settings.CIVICDESK_RATE_LIMITS}
    return parse(configured.get(scope, "off"))


def client_of(request):
    """A stable, non-reversible name for the client's address (behind CIVICDESK_TRUSTED_PROXIES proxies, the
    address the nearest trusted proxy saw)."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.CIVICDESK_TRUSTED_PROXIES
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return "ip" + hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def _increment(key, window):
    q = connection.ops.quote_name
    table, k, w, n = q(Counter._meta.db_table), q("key"), q("window"), q("count")
    # A transaction of its own: on SQLite it then queues at the write gate like every other writer.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {w}, {n}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({k}, {w}) DO UPDATE SET {n} = {table}.{n} + 1 RETURNING {n}",
            [key, window],
        )
        return cursor.fetchone()[0]


def hit(scope, client, now=None):
    """Counts one request of `client` in `scope`; raises RateLimited when it is one too many."""
    limit = limit_for(scope)
    if limit is None:
        return
    now = time.time() if now is None else now
    window = int(now // limit.seconds) * limit.seconds
    if _increment(f"{scope}:{client}"[:100], window) > limit.count:
        raise RateLimited(scope, window + limit.seconds - now)


def forget_old(now=None):
    """Deletes counters of windows that ended more than a day ago (a periodic job)."""
    now = time.time() if now is None else now
    return Counter.objects.filter(window__lt=now - 86400 - max(PERIODS.values())).delete()[0]
