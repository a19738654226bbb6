"""A web process readies itself before its first request, and never fails to start because of it."""

import jieba

from civicdesk.catalogue import reference
from civicdesk.classifier import versions
from civicdesk.warmup import warm


def test_warm_loads_the_catalogue_the_classifier_and_jiebas_dictionary(db, monkeypatch):
    monkeypatch.setattr(jieba.dt, "initialized", False)
    warm()
    assert reference._cache._value is not None
    assert versions._cache._value is not None and versions._cache._value.model is not None
    assert jieba.dt.initialized


def test_warm_survives_a_database_it_cannot_read(db, monkeypatch, caplog):
    def broken():
        raise RuntimeError("no such table: catalogue_category")

    monkeypatch.setattr(reference, "_load", broken)
    monkeypatch.setattr(reference._cache, "_load", broken)
    warm()
    assert "warm-up skipped" in caplog.text
