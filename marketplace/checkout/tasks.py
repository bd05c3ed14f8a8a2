from celery import shared_task

from . import services


@shared_task(name="checkout.card_checkouts_reconcile_task")
def card_checkouts_reconcile_task() -> dict:
    return services.card_checkouts_reconcile()
