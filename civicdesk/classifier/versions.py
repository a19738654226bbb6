"""Which classifier answers now, and how versions are saved, activated and rolled back.

Each process keeps the active model in memory and asks the database again when it is older than
CIVICDESK_REFERENCE_SECONDS (or at once in the process where a version was activated). A model that cannot be
loaded, a missing or damaged file, is never an error for the citizen or the dispatcher: intake goes on without
suggestions (manual dispatch) and a warning is logged, once per reload."""

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from civicdesk.refreshing import Refreshing

from .models import ClassifierVersion
from .text import ModelFileError, TextClassifier

SHIPPED = Path(__file__).parent / "data" / "default.npz"
SHIPPED_NAME = "shipped"

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    model: TextClassifier | None  # None: no suggestions, dispatch by hand
    name: str  # "v<id>", "shipped" or "off"
    version_id: int | None
    problem: str = ""


def _read(version):
    if version is None:
        return SHIPPED.read_bytes()
    with version.file.open("rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ModelFileError("the file's checksum does not match the one recorded when it was trained")
    return data


def _load():
    if not settings.CIVICDESK_CLASSIFIER:
        return Loaded(None, "off", None)
    version = ClassifierVersion.objects.filter(is_active=True).first()
    name = str(version) if version else SHIPPED_NAME
    try:
        model = TextClassifier.from_bytes(_read(version))
    except (OSError, ModelFileError) as exc:
        problem = f"{exc.__class__.__name__}: {exc}"
        log.warning("classifier %s cannot be loaded, requests go to manual dispatch: %s", name, problem)
        return Loaded(None, name, getattr(version, "pk", None), problem)
    return Loaded(model, name, getattr(version, "pk", None))


_cache = Refreshing(_load)


def current():
    """The Loaded classifier of this moment (its `model` is None when there is none to use)."""
    return _cache.get()


def clear(**_ignored):
    _cache.clear()


def save(model, *, source, fingerprint, level=1, note="", user=None, use_now=False):
    """Stores a trained model as a new version (inactive unless `use_now`)."""
    data = model.to_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        version = ClassifierVersion(
            created_by=user if getattr(user, "pk", None) else None,
            source=source[:300],
            note=note[:200],
            level=level,
            sha256=digest,
            fingerprint=fingerprint,
            examples=model.metrics.get("examples", 0),
            labels=list(model.classes),
            metrics=model.metrics,
        )
        version.file.save(f"model-{digest[:16]}.npz", ContentFile(data), save=False)
        version.save()
        if use_now:
            activate(version)
    return version


def activate(version):
    """Makes `version` the one in use, in every process within CIVICDESK_REFERENCE_SECONDS."""
    with transaction.atomic():
        ClassifierVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        ClassifierVersion.objects.filter(pk=version.pk).update(
            is_active=True, activated_at=timezone.now(), retired_at=None
        )
        transaction.on_commit(clear)
    clear()
    version.refresh_from_db()
    return version


def rollback():
    """Retires the active version and goes back to the one activated before it (or the shipped model).

    Returns the version now in use, or None for the shipped model."""
    with transaction.atomic():
        active = ClassifierVersion.objects.select_for_update().filter(is_active=True).first()
        if active is None:
            return None
        ClassifierVersion.objects.filter(pk=active.pk).update(is_active=False, retired_at=timezone.now())
        previous = (
            ClassifierVersion.objects.filter(activated_at__isnull=False, retired_at__isnull=True)
            .exclude(pk=active.pk)
            .order_by("-activated_at")
            .first()
        )
        if previous is not None:
            ClassifierVersion.objects.filter(pk=previous.pk).update(
                is_active=True, activated_at=timezone.now()
            )
        transaction.on_commit(clear)
    clear()
    return previous
