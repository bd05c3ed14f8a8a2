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
# What an outage raises: the broker refusing a message (kombu), or, when
# tasks run in-process, the service the task talks to (smtplib's errors and
# search.services.SearchEngineUnavailable are OSErrors). Anything else is a
# fault of the task, which keeping it would only repeat.
OUTAGE_ERRORS = (OperationalError, OSError)


def _in_process() -> bool:
    return bool(current_app.conf.task_always_eager)


def _publish(name: str, args: list) -> None:
    task = current_app.tasks[name]
    if _in_process():
        # No broker (the embedded default): run it here, once. Through
        # apply_async the task's own retries would run here too, back to
        # back, while the buyer waits; a failed run is kept instead.
        task(*args)
        return
    task.apply_async(args=args, **FAIL_FAST)


def _send_or_keep(task, args: list) -> None:
    try:
        _publish(task.name, args)
    except OUTAGE_ERRORS as error:
        logger.warning("Could not run %s%s, kept to run later: %s", task.name, tuple(args), error)
        UndeliveredTask.objects.create(name=task.name, args=args, last_error=str(error)[:2000])


def task_enqueue_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits (like
    Celery's delay_on_commit), but if the broker cannot take it (or, with
    tasks run in-process, the task's service is down), keep it in the
    database for undelivered_tasks_resend instead of failing the request
    that already committed."""
    arguments = list(args)
    transaction.on_commit(lambda: _send_or_keep(task, arguments))


def task_failure_keep(sender=None, args=None, exception=None, **kwargs) -> None:
    """Celery's task_failure signal, in a worker: a task that ran out of
    retries on an outage (the mail server down longer than its backoff) is
    kept and run again later, not dropped."""
    if sender is None or sender.request.is_eager or not isinstance(exception, OSError):
        return
    arguments = list(args or ())
    logger.warning("%s%s ran out of retries, kept to run later: %s", sender.name, tuple(arguments), exception)
    UndeliveredTask.objects.create(name=sender.name, args=arguments, last_error=str(exception)[:2000])


def undelivered_tasks_resend(*, limit: int = RESEND_BATCH) -> int:
    """Send the kept tasks again, oldest first. Through a broker, stops at
    the first failure (the broker is still down). Run in-process, a failure
    says only that task's service is down: the other tasks of that name wait
    for the next run, the rest are still run. Returns how many were sent."""
    sent = 0
    in_process = _in_process()
    failed_names = set()
    for kept in UndeliveredTask.objects.order_by("created_at", "pk")[:limit]:
        if kept.name in failed_names:
            continue
        try:
            _publish(kept.name, kept.args)
        except Exception as error:  # noqa: BLE001 - a kept task that fails stays kept, whatever the cause
            kept.attempts += 1
            kept.last_error = str(error)[:2000]
            kept.save(update_fields=["attempts", "last_error"])
            if not isinstance(error, OUTAGE_ERRORS):
                # Not an outage (say, its order was deleted): it stays for
                # someone to look at, without holding up the others.
                logger.error("Kept task %s fails (attempt %s): %r", kept, kept.attempts, error)
                continue
            logger.warning("Kept task %s still fails (attempt %s): %s", kept, kept.attempts, error)
            if not in_process:
                break
            failed_names.add(kept.name)
            continue
        kept.delete()
        sent += 1
    return sent
