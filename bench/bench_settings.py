"""Settings for the benchmarks: the real ones, plus a bare view to compare with, and quiet request logs."""

from civicdesk.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
