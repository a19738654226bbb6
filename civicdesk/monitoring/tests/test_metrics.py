"""/metrics: Prometheus text with requests summed over processes, queue depth, open/overdue cases, and
undelivered notifications; served to loopback or a token holder only."""

import json
import re

import pytest

from civicdesk.cases import actions
from civicdesk.cases.models import Case, SlaStatus
from civicdesk.monitoring import requests as request_counts


@pytest.fixture
def metrics_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "metrics"


def sample(text, name, **labels):
    selector = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = r"(?m)^" + re.escape(f"{name}{{{selector}}}" if labels else name) + r" (\S+)$"
    return float(re.search(pattern, text).group(1))


def test_metrics_describe_the_ledger_and_the_queues(client, city, submit, metrics_dir, settings):
    settings.CIVICDESK_SMS_BACKEND = "civicdesk.notify.sms.MemoryBackend"
    received = submit()
    dispatched = actions.dispatch(submit(), city.dispatcher)
    Case.objects.filter(pk=dispatched.pk).update(sla_status=SlaStatus.OVERDUE)
    from civicdesk.open311.tasks import process_submission

    process_submission.enqueue(0)  # one task waiting in the database queue
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert sample(text, "civicdesk_cases_open", state="received") == 1
    assert sample(text, "civicdesk_cases_open", state="dispatched") == 1
    assert sample(text, "civicdesk_cases_overdue") == 1
    assert sample(text, "civicdesk_task_queue_depth") == 1
    assert sample(text, "civicdesk_notifications", state="pending") == 2  # two acknowledgment SMS
    assert sample(text, "civicdesk_notifications", state="failed") == 0
    assert received.number not in text  # figures, never cases or people


def test_requests_are_counted_across_processes(client, city, metrics_dir):
    # Another process (or one that has ended) left its counts in its file.
    metrics_dir.mkdir(parents=True)
    (metrics_dir / "requests-otherhost-1.json").write_text(json.dumps({"GET|2xx": [40, 2.0]}))
    for _ in range(3):
        client.get("/track/")
    client.get("/no-such-page/")
    request_counts.flush()
    text = client.get("/metrics").content.decode()
    assert sample(text, "civicdesk_http_requests_total", method="GET", status="2xx") >= 43
    assert sample(text, "civicdesk_http_requests_total", method="GET", status="4xx") >= 1
    assert sample(text, "civicdesk_http_request_duration_seconds_sum", method="GET", status="2xx") > 2.0


def test_metrics_are_refused_to_strangers_unless_they_hold_the_token(client, city, settings, metrics_dir):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.CIVICDESK_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret")
    assert right.status_code == 200
