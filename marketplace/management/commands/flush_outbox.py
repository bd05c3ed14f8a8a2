"""Run again the background tasks kept while the broker (or, with tasks
run in-process, the mail server or the search engine) could not take them:
what the beat task ``undelivered_tasks_resend_task`` does every five
minutes, on demand once the service is back."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from marketplace.models import UndeliveredTask
from marketplace.services import RESEND_BATCH, undelivered_tasks_resend


class Command(BaseCommand):
    help = "Send the kept background tasks again, oldest first, until none is left or sending fails."

    def handle(self, *args, **options):
        sent = 0
        while True:
            batch = undelivered_tasks_resend(limit=RESEND_BATCH)
            sent += batch
            # A short batch means the list ran out or sending failed.
            if batch < RESEND_BATCH:
                break
        kept = UndeliveredTask.objects.order_by("created_at", "pk")
        if not kept.exists():
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} kept task(s); none is left."))
            return
        self.stdout.write(self.style.WARNING(f"Sent {sent} kept task(s); {kept.count()} still kept:"))
        for task in kept[:20]:
            self.stdout.write(
                f"  {task}, kept since {timezone.localtime(task.created_at):%Y-%m-%d %H:%M %Z}, "
                f"tried again {task.attempts} time(s): {task.last_error[:200]}"
            )
        if kept.count() > 20:
            self.stdout.write(f"  … and {kept.count() - 20} more.")
        self.stdout.write("Run this again once the service they need answers.")
