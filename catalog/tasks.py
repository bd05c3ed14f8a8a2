from celery import shared_task

from . import services
from .models import Lot


@shared_task(
    name="catalog.lot_recall_notify_buyers_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def lot_recall_notify_buyers_task(lot_id: int) -> int:
    """Tell the buyers of a recalled lot not to eat or use it."""
    lot = Lot.objects.select_related("product", "cooperative").get(pk=lot_id)
    return services.lot_recall_notify_buyers(lot=lot)
