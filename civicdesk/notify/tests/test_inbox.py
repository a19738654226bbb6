"""The in-app inbox: what a user reads, marking it read, and the notification preferences."""

from civicdesk.cases import actions
from civicdesk.notify.models import Notification, Preference


def dispatched(city, submit):
    return actions.dispatch(submit(), city.dispatcher)


def test_the_header_counts_unread_messages_and_the_inbox_lists_them(client, city, submit):
    case = dispatched(city, submit)
    client.force_login(city.handler)
    page = client.get("/workbench/").content.decode()
    assert 'data-testid="inbox-link"' in page and '<span class="badge">1</span>' in page
    inbox = client.get("/notifications/").content.decode()
    assert f"新派工单 {case.number}" in inbox and case.title in inbox


def test_opening_a_message_marks_it_read_and_leads_to_the_case(client, city, submit):
    case = dispatched(city, submit)
    note = Notification.objects.get(user=city.handler, channel="inapp")
    client.force_login(city.handler)
    response = client.get(f"/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert '<span class="badge">' not in client.get("/workbench/").content.decode()


def test_read_all_and_nobody_opens_another_users_message(client, city, submit):
    dispatched(city, submit)
    dispatched(city, submit)
    mine = Notification.objects.filter(user=city.handler, channel="inapp")
    theirs = Notification.objects.filter(user=city.leader).first()
    client.force_login(city.handler)
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert client.get("/notifications/read/").status_code == 405  # changes only by POST
    client.post("/notifications/read/")
    assert not mine.filter(read_at__isnull=True).exists()
    assert theirs.read_at is None


def test_preferences_are_saved_and_used(client, city, submit):
    city.handler.phone = "13900000001"
    city.handler.save()
    client.force_login(city.handler)
    response = client.post("/notifications/", {"sms": "on", "language": "en"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=city.handler)
    assert (preference.email, preference.sms, preference.language) == (False, True, "en")
    dispatched(city, submit)
    channels = set(Notification.objects.filter(user=city.handler).values_list("channel", "language"))
    assert channels == {("inapp", "en"), ("sms", "en")}


def test_a_bad_language_is_refused_with_a_message(client, city):
    client.force_login(city.handler)
    response = client.post("/notifications/", {"email": "on", "language": "klingon"})
    assert response.status_code == 200 and "klingon" in response.content.decode()
    assert not Preference.objects.exists()


def test_the_inbox_needs_a_login(client, city):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login/" in response["Location"]
