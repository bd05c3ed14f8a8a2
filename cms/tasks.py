from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.publish_scheduled_pages_task")
def publish_scheduled_pages_task() -> None:
    """Put live the approved pages whose "go live" time has come, and take
    down those whose expiry time has passed: Wagtail does both in its
    ``publish_scheduled`` command but does not run it by itself."""
    call_command("publish_scheduled")
