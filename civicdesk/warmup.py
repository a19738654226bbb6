"""Readies a web process before it takes requests.

Without it the first request a process serves pays for loading the catalogue, the classifier and jieba's
dictionary (about a second), and under load every new gunicorn worker adds that to the slowest answers.
A failure here is logged and never stops the server: the same loads happen again on first use."""

import logging

log = logging.getLogger(__name__)


def warm():
    from django.conf import settings
    from django.db import connections

    try:
        from civicdesk.catalogue import reference
        from civicdesk.classifier import versions

        reference.current()
        if settings.CIVICDESK_CLASSIFIER:
            loaded = versions.current()
            if loaded.model is not None:
                loaded.model.suggest("warm-up", "")  # cutting the title (any text) loads jieba
    except Exception:  # a database not migrated yet, a missing model: first use will say so
        log.warning("warm-up skipped; the first requests will be slower", exc_info=True)
    finally:
        # gunicorn --preload forks after this: no process may inherit the parent's connection.
        connections.close_all()
