"""Scale-out: background tasks queued in the real Redis on this machine and run by an RQ worker."""

import subprocess
import sys

import pytest

from civicdesk.cases.models import Case
from civicdesk.open311.models import ApiKey, Submission

from .test_workers import civicdesk, database_url

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own: the test empties it


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (make test starts it)")
    client.flushdb()
    return client


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_request_queued_in_redis_becomes_a_case_in_an_rq_worker(city, tmp_path):
    redis_client = redis_or_skip()
    key, _ = ApiKey.issue("App", city.operator)
    submission = Submission.objects.create(
        api_key=key,
        data={
            "channel": "api",
            "kind": "complaint",
            "category": "城乡建设/城市建设和市政管理/城市公共设施",
            "description": "小区门口路灯不亮已经两周，晚上出行不安全",
            "phone": "13800138000",
        },
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "civicdesk.settings",
        "DATABASE_URL": database_url(),
        "DATA_DIR": str(tmp_path),
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "WARNING",
        "PATH": "/usr/bin:/bin",
    }
    enqueue = (
        "import django; django.setup()\n"
        "from civicdesk.open311.tasks import process_submission\n"
        f"print(process_submission.enqueue({submission.pk}).id)\n"
    )
    subprocess.run([sys.executable, "-c", enqueue], env=env, check=True, timeout=60)
    assert redis_client.llen("rq:queue:default") == 1  # waiting in Redis, not in the database
    assert Submission.objects.get(pk=submission.pk).case_id is None

    worker = subprocess.run(
        civicdesk("worker", "--burst", "--no-periodic"), env=env, timeout=120, capture_output=True, text=True
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    submission.refresh_from_db()
    assert submission.case_id is not None and submission.errors == []
    case = Case.objects.get(pk=submission.case_id)
    assert case.channel == "api" and "路灯不亮" in case.description
    assert redis_client.llen("rq:queue:default") == 0
    redis_client.flushdb()
