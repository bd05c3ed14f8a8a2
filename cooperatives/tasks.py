from celery import shared_task
from django.utils import timezone

from . import services
from .models import Cooperative


@shared_task(
    name="cooperatives.cooperative_decision_email_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def cooperative_decision_email_task(cooperative_id: int) -> None:
    """Tell a cooperative the province approved or rejected it."""
    cooperative = Cooperative.objects.select_related("applicant").get(pk=cooperative_id)
    services.cooperative_notify_decision(cooperative=cooperative)


@shared_task(
    name="cooperatives.certification_expiry_reminders_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def certification_expiry_reminders_task() -> int:
    """Daily: remind cooperatives of certificates and OCOP ratings about to expire."""
    from catalog.services import ocop_rating_send_expiry_reminders

    today = timezone.localdate()
    return services.certification_send_expiry_reminders(today=today) + ocop_rating_send_expiry_reminders(
        today=today
    )
