from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, name="marketplace.ping_task", ignore_result=False)
def ping_task(self) -> dict:
    """Answer with the name of the worker that ran the task: operations use it
    to see that a worker consumes the queue (`manage.py check_worker`)."""
    return {"worker": self.request.hostname, "at": timezone.now().isoformat()}


@shared_task(name="marketplace.undelivered_tasks_resend_task")
def undelivered_tasks_resend_task() -> int:
    """Send again the tasks the broker could not take while it was down."""
    from .services import undelivered_tasks_resend

    return undelivered_tasks_resend()
