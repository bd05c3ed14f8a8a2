from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.tasks import ping_task


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a Celery worker to answer it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for an answer")
        parser.add_argument("--queue", default=None, help="Queue to send the task to")

    def handle(self, *args, timeout, queue, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError("CELERY_BROKER_URL is not set: tasks run in-process and no worker is used.")
        result = ping_task.apply_async(queue=queue)
        try:
            answer = result.get(timeout=timeout)
        except CeleryTimeoutError as error:
            raise CommandError(f"No worker answered within {timeout:g} s.") from error
        self.stdout.write(self.style.SUCCESS(f"Worker {answer['worker']} answered at {answer['at']}."))
