from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, name="marketplace.ping_task")
def ping_task(self) -> dict:
    """Answer with the name of the worker that ran the task: operations use it
    to see that a worker consumes the queue (`manage.py check_worker`)."""
    return {"worker": self.request.hostname, "at": timezone.now().isoformat()}
