from celery import shared_task

from . import services


@shared_task(name="reports.snapshot_last_month_task")
def snapshot_last_month_task() -> int:
    """On the first of each month: the month that ended, kept as it was.
    Running twice stores nothing twice."""
    return services.snapshot_last_month()
