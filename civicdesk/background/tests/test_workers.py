"""Workers: several at once send each warning once; the long-running worker runs the periodic jobs."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from civicdesk.background import periodic
from civicdesk.cases import actions, clock
from civicdesk.cases.models import Case, CaseEvent, SlaStatus
from civicdesk.notify.models import DeliveryState, Notification, Preference
from civicdesk.notify.tests.gateway import Gateway


def database_url():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return (
        f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def worker_env(tmp_path, gateway, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="civicdesk.settings",
        DATABASE_URL=database_url(),
        DATA_DIR=str(tmp_path),
        CIVICDESK_SMS_BACKEND="civicdesk.notify.sms.HttpGatewayBackend",
        CIVICDESK_SMS_URL=gateway.url,
        CIVICDESK_SMS_TOKEN="t",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def civicdesk(*args):
    return [sys.executable, "-m", "civicdesk.cli", *args]


@pytest.fixture
def gateway():
    server = Gateway()
    yield server
    server.close()


def overdue_cases(city, submit, count):
    for who in (city.handler, city.supervisor):
        who.phone = f"1390000{who.pk:04d}"
        who.save()
        Preference.objects.create(user=who, sms=True, email=False)
    with clock.frozen(clock.now() - timedelta(days=40)):
        return [actions.dispatch(submit(), city.dispatcher) for _ in range(count)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_workers_sweeping_the_same_cases_send_each_warning_once(city, submit, gateway, tmp_path):
    cases = overdue_cases(city, submit, 8)
    env = worker_env(tmp_path, gateway)
    workers = [subprocess.Popen(civicdesk("worker", "--once"), env=env) for _ in range(3)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0]

    assert Case.objects.filter(sla_status=SlaStatus.OVERDUE).count() == len(cases)
    assert CaseEvent.objects.filter(action="sla_overdue").count() == len(cases)
    # Per case: the citizen's acknowledgment; the handler's assignment, overdue and late-contact warnings;
    # the supervisor's escalation (the leader chose no SMS): five text messages, each received once.
    messages = Counter((body["to"], body["text"]) for _, body in gateway.received)
    assert len(messages) == 5 * len(cases)
    assert set(messages.values()) == {1}
    assert not Notification.objects.exclude(channel="inapp").exclude(state=DeliveryState.SENT).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_sweeps_and_sends_on_its_own_until_stopped(city, submit, gateway, tmp_path):
    [case] = overdue_cases(city, submit, 1)
    env = worker_env(
        tmp_path, gateway, CIVICDESK_SLA_SWEEP_SECONDS="0.5", CIVICDESK_NOTIFY_POLL_SECONDS="0.5"
    )
    worker = subprocess.Popen(civicdesk("worker"), env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(gateway.received) < 5:
            time.sleep(0.2)
        time.sleep(1)  # two more turns of the loop: nothing is sent twice
        assert len(gateway.received) == 5
        case.refresh_from_db()
        assert case.sla_status == SlaStatus.OVERDUE
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) is not None


def test_a_failing_job_does_not_stop_the_others(db, caplog):
    ran = []

    def broken():
        raise RuntimeError("database went away")

    jobs = [periodic.Job("broken", broken, 60), periodic.Job("fine", lambda: ran.append(1) or "ok", 60)]
    assert periodic.run_once(jobs) == {"broken": None, "fine": "ok"}
    assert ran == [1] and "periodic job broken failed" in caplog.text


def test_the_loop_repeats_each_job_at_its_interval():
    import threading

    ticks = Counter()
    jobs = [
        periodic.Job("fast", lambda: ticks.update(["fast"]), 0.05),
        periodic.Job("slow", lambda: ticks.update(["slow"]), 10),
    ]
    stop = threading.Event()
    thread = threading.Thread(target=periodic.loop, args=(stop, jobs))
    thread.start()
    time.sleep(0.6)
    stop.set()
    thread.join(timeout=5)
    assert ticks["slow"] == 1 and ticks["fast"] >= 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_middle_of_a_sweep_leaves_no_case_half_warned(city, submit, gateway, tmp_path):
    cases = overdue_cases(city, submit, 150)
    env = worker_env(tmp_path, gateway)
    first = subprocess.Popen(civicdesk("worker", "--once"), env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not CaseEvent.objects.filter(action="sla_overdue").exists():
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    warned_before = CaseEvent.objects.filter(action="sla_overdue").count()
    assert 0 < warned_before < len(cases)  # killed in the middle of its sweep
    # No case is marked overdue without its warning event, nor warned without being marked.
    overdue_ids = set(Case.objects.filter(sla_status=SlaStatus.OVERDUE).values_list("pk", flat=True))
    warned_ids = set(CaseEvent.objects.filter(action="sla_overdue").values_list("case_id", flat=True))
    assert overdue_ids == warned_ids

    second = subprocess.run(civicdesk("worker", "--once"), env=env, timeout=180)
    assert second.returncode == 0
    per_case = Counter(CaseEvent.objects.filter(action="sla_overdue").values_list("case_id", flat=True))
    assert len(per_case) == len(cases) and set(per_case.values()) == {1}
    assert Case.objects.filter(sla_status=SlaStatus.OVERDUE).count() == len(cases)
