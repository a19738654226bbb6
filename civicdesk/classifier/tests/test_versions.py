"""Versions: learning from the ledger and from corrections, activation and rollback, and what happens when a
model file is damaged or gone (manual dispatch, a warning, never an error page)."""

import logging

import pytest

from civicdesk.cases import actions
from civicdesk.cases.models import CaseState
from civicdesk.classifier import training, versions
from civicdesk.classifier.models import ClassifierVersion

BUS = ("公交车晚点", "公交车早高峰经常晚点，站台上等车的人很多")
LAMP = ("路灯不亮", "小区门口的路灯坏了两个星期，晚上出行很不安全")
BIKES = ("共享单车乱停放", "共享单车停满了人行道和路口，行人只能走机动车道")


@pytest.fixture
def ledger(submit, city):
    """Three bus cases dispatched as 交通运输 and three lamp cases as 城乡建设/…, each by a dispatcher."""
    for i in range(3):
        for (title, body), category in ((BUS, "交通运输"), (LAMP, city.cat_building.full_name)):
            case = submit(title=f"{title}{i}", description=f"{body}，第{i}次反映", category="")
            actions.dispatch(case, city.dispatcher, category=category)
    return city


def train_from_ledger(**kwargs):
    titles, bodies, labels, weights, corrections = training.ledger_examples(level=1)
    model, fingerprint = training.train(titles, bodies, labels, weights=weights)
    return versions.save(model, source="ledger", fingerprint=fingerprint, **kwargs), corrections


def predicted(title, body):
    return versions.current().model.suggest(title, body, top=1)[0].label


def test_a_dispatchers_correction_changes_what_the_next_training_learns(ledger, submit):
    first, corrections = train_from_ledger(use_now=True)
    assert corrections == 0 and sorted(first.labels) == ["交通运输", "城乡建设"]
    before = predicted(*BIKES)
    other = "城乡建设" if before == "交通运输" else "交通运输"

    case = submit(title=BIKES[0], description=BIKES[1], category="")
    assert case.classification["model"] == str(first)
    assert case.classification["top"][0]["label"] == before
    category = ledger.cat_building.full_name if other == "城乡建设" else "交通运输"
    actions.dispatch(case, ledger.dispatcher, category=category)  # the dispatcher knows better

    second, corrections = train_from_ledger(use_now=True)
    assert corrections == 1
    assert second.fingerprint != first.fingerprint
    assert predicted(*BIKES) == other


def test_cases_nobody_confirmed_are_not_learned_from(ledger, submit, settings):
    settings.CIVICDESK_AUTO_DISPATCH_CONFIDENCE = 0.01
    train_from_ledger(use_now=True)
    waiting = submit(title="还没派单", description="这件事还在等待派单", category="交通运输", route=False)
    automatic = submit(title=BUS[0], description=BUS[1], category="")
    assert waiting.state == CaseState.RECEIVED and automatic.state == CaseState.DISPATCHED
    titles, *_ = training.ledger_examples()
    assert len(titles) == 6 and "还没派单" not in titles and automatic.title not in titles
    actions.accept(automatic, ledger.handler2)  # the unit takes it up: now it counts
    titles, *_ = training.ledger_examples()
    assert automatic.title in titles


def test_activate_and_roll_back(ledger):
    assert versions.current().name == "shipped"
    one, _ = train_from_ledger(use_now=True)
    two, _ = train_from_ledger()
    assert versions.current().name == str(one) and not two.is_active
    versions.activate(two)
    assert versions.current().name == str(two)
    assert ClassifierVersion.objects.filter(is_active=True).count() == 1
    assert versions.rollback() == one
    assert versions.current().name == str(one)
    assert versions.rollback() is None  # two was retired: back past one means the shipped model
    assert versions.current().name == "shipped"


@pytest.mark.parametrize("damage", ["truncate", "tamper", "delete"])
def test_a_damaged_or_missing_model_means_manual_dispatch_and_a_warning(
    damage, ledger, submit, client, caplog, settings
):
    settings.CIVICDESK_AUTO_DISPATCH_CONFIDENCE = 0.01
    version, _ = train_from_ledger(use_now=True)
    path = version.file.path
    if damage == "delete":
        version.file.storage.delete(version.file.name)
    else:
        data = open(path, "rb").read()
        data = data[: len(data) // 2] if damage == "truncate" else data.replace(b"PK", b"XX", 3)
        if damage == "tamper":  # a file changed behind our back but with the checksum updated
            import hashlib

            ClassifierVersion.objects.filter(pk=version.pk).update(sha256=hashlib.sha256(data).hexdigest())
        open(path, "wb").write(data)
    versions.clear()
    with caplog.at_level(logging.WARNING, logger="civicdesk.classifier.versions"):
        case = submit(title=BUS[0], description=BUS[1], category="")
    assert case.state == CaseState.RECEIVED and case.classification == {}
    assert any("manual dispatch" in r.getMessage() and str(version) in r.getMessage() for r in caplog.records)
    client.force_login(ledger.dispatcher)
    assert client.get("/queue/").status_code == 200
    assert client.get(f"/cases/{case.number}/").status_code == 200
    response = client.post(
        "/submit/",
        {"kind": "complaint", "description": "公交车经常晚点，请处理", "phone": "13900139000"},
    )
    assert response.status_code == 302


def test_a_shipped_model_that_is_gone_is_survived_too(submit, monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(versions, "SHIPPED", tmp_path / "missing.npz")
    versions.clear()
    with caplog.at_level(logging.WARNING):
        case = submit(title=BUS[0], description=BUS[1], category="")
    assert case.classification == {} and "shipped" in caplog.text


def test_the_classifier_can_be_switched_off(submit, settings):
    settings.CIVICDESK_CLASSIFIER = False
    versions.clear()
    assert submit(title=BUS[0], description=BUS[1], category="").classification == {}
