"""Redis is down (the cache and the Celery broker both point at a port where
nothing listens): the public pages still answer, uncached, a cash-on-delivery
order is placed, and the tasks it would have published wait in the database
(UndeliveredTask) until `manage.py flush_outbox` (or the beat task) hands
them to a broker that answers again."""

import base64
import json
import os
import time
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from celery import current_app
from django.core.management import call_command

from marketplace.models import UndeliveredTask

from .conftest import CONNECT_TIMEOUT_SECONDS, assert_pages_answer, cash_order

pytestmark = pytest.mark.django_db

# CI's broker (the shared Redis), read before any test points the variable
# at a closed port.
REAL_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ORDER_EMAILS = {"order.order_placed_email_task", "order.fulfilment_group_new_email_task"}


def _point_broker_at(url: str) -> None:
    current_app.conf.broker_url = url
    # Forget the connections made to the previous broker.
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings, monkeypatch, closed_port):
    """The cache (as production configures a Redis CACHE_URL) and the broker
    on a closed port; the page cache on, as with a shared cache."""
    down = f"redis://127.0.0.1:{closed_port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "marketplace.cache_backends.TolerantRedisCache",
            "LOCATION": down,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    # Celery reads this variable before its own setting, so CI's real
    # broker would win otherwise.
    monkeypatch.setenv("CELERY_BROKER_URL", down)
    conf = current_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    conf.task_always_eager = False
    _point_broker_at(down)
    yield down
    conf.task_always_eager, _url, conf.task_default_queue = saved
    _point_broker_at(saved[1])


def _order_placed_while_down(client, shop, django_capture_on_commit_callbacks):
    started = time.monotonic()
    assert_pages_answer(client, shop, containing={"product": "Cam sành", "trace": "SONTRA-261001"})
    order = cash_order(client, shop, django_capture_on_commit_callbacks)
    # Every refused connection is answered at once and given up on: five
    # pages and a whole checkout do not wait on Redis.
    assert time.monotonic() - started < 10 * CONNECT_TIMEOUT_SECONDS
    kept = list(UndeliveredTask.objects.values_list("name", "args"))
    assert ("order.order_placed_email_task", [order.pk]) in kept
    group = order.fulfilment_groups.get()
    assert ("order.fulfilment_group_new_email_task", [group.pk]) in kept
    return order


def test_with_redis_down_pages_answer_an_order_is_placed_and_its_emails_go_out_later(
    client, shop, redis_down, django_capture_on_commit_callbacks, mailoutbox
):
    order = _order_placed_while_down(client, shop, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    kept_count = UndeliveredTask.objects.count()

    # Still down: nothing is lost, and the command says what waits and why.
    out = _flush_outbox()
    assert UndeliveredTask.objects.count() == kept_count
    assert f"{kept_count} still kept" in out
    assert "order.order_placed_email_task" in out
    assert "Connection refused" in out or "Error 111" in out

    # Back, as the embedded default runs tasks: in-process.
    current_app.conf.task_always_eager = True
    out = _flush_outbox()
    assert f"Sent {kept_count} kept task(s); none is left." in out
    assert not UndeliveredTask.objects.exists()
    to_buyer = [mail for mail in mailoutbox if mail.to == ["lan@example.com"]]
    assert len(to_buyer) == 1 and order.number in to_buyer[0].body
    assert any(mail.to == [shop["orange_coop"].email] for mail in mailoutbox)


def _flush_outbox() -> str:
    from io import StringIO

    out = StringIO()
    call_command("flush_outbox", stdout=out)
    return out.getvalue()


def _queued_tasks(connection: redis.Redis, queue: str) -> list[tuple[str, list]]:
    """The tasks waiting in a Redis broker's queue, as (name, args), in the
    order a worker takes them (kombu pushes at the head, takes at the tail)."""
    tasks = []
    for raw in reversed(connection.lrange(queue, 0, -1)):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], args))
    return tasks


@pytest.mark.broker
@pytest.mark.skipif(
    not REAL_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: no Redis to come back as the broker",
)
def test_once_redis_is_back_the_kept_tasks_reach_the_broker(
    client, shop, redis_down, django_capture_on_commit_callbacks, monkeypatch
):
    _order_placed_while_down(client, shop, django_capture_on_commit_callbacks)
    kept = list(UndeliveredTask.objects.order_by("created_at", "pk").values_list("name", "args"))

    # The shared Redis, in a database number of this test's own and a queue
    # of its own: no worker takes these, no one else's data is touched.
    real = urlsplit(REAL_BROKER_URL)
    back = f"redis://{real.hostname}:{real.port or 6379}/13"
    queue = f"degradation-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("CELERY_BROKER_URL", back)
    current_app.conf.task_default_queue = queue
    _point_broker_at(back)
    connection = redis.Redis.from_url(back)
    try:
        out = _flush_outbox()
        assert f"Sent {len(kept)} kept task(s); none is left." in out
        assert not UndeliveredTask.objects.exists()
        # Published in the order they were kept, each once.
        assert _queued_tasks(connection, queue) == [(name, args) for name, args in kept]
        assert {name for name, _args in kept} >= ORDER_EMAILS
    finally:
        connection.delete(queue)
        connection.close()
