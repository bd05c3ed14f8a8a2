"""Tasks through a real broker and a real worker process.

The rest of the suite runs tasks eagerly; this module needs CELERY_BROKER_URL
(Redis in CI, see .ci/run) and is skipped, with that reason printed, without
it.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery.result import allow_join_result
from django.conf import settings
from django.core.management import call_command

from marketplace.celery import app as celery_app
from marketplace.tasks import ping_task

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"),
        reason="CELERY_BROKER_URL is not set: no broker to start a Celery worker against",
    ),
]


@pytest.fixture
def worker_queue():
    """A Celery worker in its own process, consuming a queue of its own so it
    never takes another run's tasks; stopped after the test."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@localhost"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="marketplace.settings.dev")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--hostname",
            node,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        # Celery marks "joining a result would block" in a process-wide flag
        # while an eager task runs, and two threads running eager tasks at
        # once (the PostgreSQL concurrency tests place orders from threads)
        # can leave it set. This process is no worker: waiting on the real
        # worker's answer is what the test is for.
        with allow_join_result():
            yield queue, node
    finally:
        celery_app.conf.task_always_eager = eager
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        sys.stdout.write(output or "")


def test_a_task_goes_through_redis_to_a_worker_and_back(worker_queue):
    queue, node = worker_queue
    assert settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))

    answer = ping_task.apply_async(queue=queue).get(timeout=60)

    # The worker's name proves the task did not run in this process.
    assert answer["worker"] == node


def test_check_worker_command_reports_the_answering_worker(worker_queue, capsys):
    queue, node = worker_queue
    call_command("check_worker", queue=queue, timeout=60)
    assert f"Worker {node} answered" in capsys.readouterr().out
