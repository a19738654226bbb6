"""Duplicates at intake: a repeat is found, another problem is not, the same caller lowers the bar, closed
cases are not offered, repeat callers are flagged; the dispatcher sees it and merges."""

from datetime import timedelta

from django.utils import timezone

from civicdesk.cases import actions
from civicdesk.cases.models import CaseState
from civicdesk.insight import duplicates
from civicdesk.insight import similarity as sim
from civicdesk.insight.models import TextBand

LAMP = "暮云街道桂花小区3栋门口的路灯已经坏了两个星期，晚上出行很不安全，老人摔倒过，请尽快修复。"


def test_similarity_basics():
    a, b = sim.shingles(LAMP), sim.shingles("再次反映：" + LAMP)
    assert sim.jaccard(a, a) == 1 and 0.8 < sim.jaccard(a, b) < 1
    assert sim.band_keys(a) == sim.band_keys(set(a))  # stable, whatever the order
    assert len(sim.band_keys(a)) == sim.BANDS and sim.band_keys(set()) == []
    assert len(set(sim.band_keys(a)) & set(sim.band_keys(b))) >= 1  # near repeats share a band
    assert sim.verdict(0.45) == (False, []) and sim.verdict(0.45, same_place=True) == (True, ["same_place"])
    assert sim.verdict(0.35, same_person=True)[0] and not sim.verdict(0.25, same_person=True)[0]


def test_candidates_are_the_newest_cases_within_the_window(submit, monkeypatch):
    cases = [submit(description=LAMP, phone=f"1380000000{n}") for n in range(4)]
    now = timezone.now()
    TextBand.objects.filter(case=cases[0]).update(received_at=now - duplicates.WINDOW - timedelta(days=1))
    for hours, case in enumerate(cases[1:], 1):  # cases[1] is the newest
        TextBand.objects.filter(case=case).update(received_at=now - timedelta(hours=hours))
    keys = sim.band_keys(sim.shingles(f"{cases[0].title}{cases[0].description}"))
    since = now - duplicates.WINDOW
    assert duplicates._newest_sharing_a_key(keys, since) == [c.pk for c in cases[1:]]
    monkeypatch.setattr(duplicates, "CANDIDATES", 2)  # two cases, though each shares twelve band rows
    assert duplicates._newest_sharing_a_key(keys, since) == [cases[1].pk, cases[2].pk]
    assert duplicates._newest_sharing_a_key([], since) == []


def test_a_repeat_by_someone_else_is_found(submit):
    first = submit(description=LAMP, phone="13800000001")
    again = submit(description="再次反映：" + LAMP, phone="13800000002")
    matches = again.duplicate_check["matches"]
    assert [m["number"] for m in matches] == [first.number]
    assert matches[0]["score"] > 0.8 and matches[0]["reasons"] == []
    assert first.duplicate_check["matches"] == []


def test_another_problem_is_not_a_duplicate(submit):
    submit(description=LAMP, phone="13800000001")
    other = submit(
        description="地铁二号线出口电梯长期停运，老人上下不便，请地铁公司尽快修复。", phone="13800000002"
    )
    assert other.duplicate_check["matches"] == []


def test_the_same_caller_needs_less_overlap(submit):
    first = submit(description=LAMP, phone="13800000001")
    short = "桂花小区3栋门口的路灯已经坏了两个星期，晚上很黑，什么时候修"  # Jaccard 0.45
    by_other = submit(description=short, phone="13800000002")
    by_same = submit(description=short, phone="13800000001")
    assert first.number not in [m["number"] for m in by_other.duplicate_check["matches"]]
    match = next(m for m in by_same.duplicate_check["matches"] if m["number"] == first.number)
    assert "same_person" in match["reasons"]


def test_settled_cases_are_not_offered_and_repeat_callers_are_flagged(submit, city):
    first = submit(description=LAMP)
    actions.mark_invalid(first, city.dispatcher, reason="测试")
    second = submit(description=LAMP)
    assert second.duplicate_check["matches"] == []
    third = submit(description="另一件事：小区垃圾三天没人清运，气味很大")
    assert third.duplicate_check["caller_cases"] == 3 and third.duplicate_check["repeat_caller"] is True
    assert "repeat_caller" not in second.duplicate_check


def test_the_dispatcher_sees_it_and_merges(client, submit, city):
    first = submit(description=LAMP, phone="13800000001")
    again = submit(description="再次反映：" + LAMP, phone="13800000002")
    client.force_login(city.dispatcher)
    assert 'data-testid="maybe-duplicate"' in client.get("/queue/").content.decode()
    page = client.get(f"/cases/{again.number}/").content.decode()
    assert first.number in page and 'data-testid="duplicates"' in page
    response = client.post(
        f"/cases/{again.number}/do/merge/", {"into": first.number, "version": again.version}
    )
    assert response.status_code in (200, 302)
    again.refresh_from_db()
    assert again.state == CaseState.MERGED and again.master == first
