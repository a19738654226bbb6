"""API keys: issued in the admin, shown once, stored only as a digest."""

import re

from civicdesk.open311.models import ApiKey


def test_the_admin_issues_a_key_and_shows_it_once(client, city):
    city.admin.is_staff = city.admin.is_superuser = True
    city.admin.save()
    client.force_login(city.admin)
    response = client.post(
        "/admin/open311/apikey/add/",
        {"name": "微信小程序", "user": city.operator.pk, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    shown = re.search(r"微信小程序 的密钥：([\w-]+)", response.content.decode()).group(1)
    assert ApiKey.authenticate(shown) == key
    assert shown not in (key.digest, key.prefix) and shown.startswith(key.prefix)
    assert shown not in client.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()

    response = client.post(
        "/admin/open311/apikey/", {"action": "rotate", "_selected_action": [key.pk]}, follow=True
    )
    rotated = re.search(r"微信小程序 的密钥：([\w-]+)", response.content.decode()).group(1)
    assert rotated != shown
    assert ApiKey.authenticate(shown) is None and ApiKey.authenticate(rotated) == key


def test_authenticate_refuses_nonsense(db, city):
    key, raw = ApiKey.issue("App", city.operator)
    assert ApiKey.authenticate(raw) == key
    for wrong in ("", None, raw + "x", "x" * 10_000):
        assert ApiKey.authenticate(wrong) is None


def test_a_key_revoked_in_the_admin_stops_at_once_and_everywhere_within_seconds(db, city, monkeypatch):
    """Checked keys are remembered for a few seconds per process; saving a key forgets them at once."""
    from civicdesk.open311 import models

    key, raw = ApiKey.issue("App", city.operator)
    assert ApiKey.authenticate(raw) == key
    key.is_active = False
    key.save()  # as the admin does: this process forgets the keys it checked
    assert ApiKey.authenticate(raw) is None

    key.is_active = True
    key.save()
    assert ApiKey.authenticate(raw) == key
    # Another process revoked it (here: an update that sends no signal): refused once the memory expires.
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    assert ApiKey.authenticate(raw) == key
    later = models.time.monotonic() + models.KEY_CACHE_SECONDS + 1
    monkeypatch.setattr(models.time, "monotonic", lambda: later)
    assert ApiKey.authenticate(raw) is None


def test_deactivating_the_keys_account_stops_its_key(db, city):
    key, raw = ApiKey.issue("App", city.operator)
    assert ApiKey.authenticate(raw) == key
    city.operator.is_active = False
    city.operator.save()
    assert ApiKey.authenticate(raw) is None
