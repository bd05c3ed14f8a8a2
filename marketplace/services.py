"""Background work that must not be lost when the broker is down."""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

from .models import UndeliveredTask

logger = logging.getLogger(__name__)

# Publish once, without Celery's reconnect loop: a buyer must not wait
# while Redis is down; the task is kept and sent again later instead.
FAIL_FAST = {"retry": True, "retry_policy": {"max_retries": 0}}
# How many kept tasks one resend run sends: enough for a long outage's
# backlog in a few runs, short enough to finish well within the interval.
RESEND_BATCH = 500


def _publish(name: str, args: list) -> None:
    # Through the registered task, so that with no broker (eager mode, the
    # embedded default) it runs in-process exactly as delay() would.
    current_app.tasks[name].apply_async(args=args, **FAIL_FAST)


def _send_or_keep(task, args: list) -> None:
    try:
        _publish(task.name, args)
    except (OperationalError, OSError) as error:
        logger.warning("Broker unreachable; %s%s kept to send later: %s", task.name, tuple(args), error)
        UndeliveredTask.objects.create(name=task.name, args=args, last_error=str(error)[:2000])


def task_enqueue_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits (like
    Celery's delay_on_commit), but if the broker cannot take it, keep it in
    the database for undelivered_tasks_resend instead of failing the
    request that already committed."""
    arguments = list(args)
    transaction.on_commit(lambda: _send_or_keep(task, arguments))


def undelivered_tasks_resend(*, limit: int = RESEND_BATCH) -> int:
    """Send the kept tasks again, oldest first; stops at the first failure
    (the broker is still down). Returns how many were sent."""
    sent = 0
    for kept in UndeliveredTask.objects.order_by("created_at", "pk")[:limit]:
        try:
            _publish(kept.name, kept.args)
        except (OperationalError, OSError) as error:
            kept.attempts += 1
            kept.last_error = str(error)[:2000]
            kept.save(update_fields=["attempts", "last_error"])
            break
        kept.delete()
        sent += 1
    return sent
