"""E-mails about orders, sent after the order's transaction commits.

Each task loads its rows by primary key and calls one service; the service
marks each e-mail sent in the same transaction as the send, so a retry after
a failed send sends it, and a retry after a successful one sends nothing."""

from celery import shared_task
from oscar.core.loading import get_model

from . import services

FulfilmentGroup = get_model("order", "FulfilmentGroup")
Order = get_model("order", "Order")

# SMTP failures surface as OSError (smtplib's errors derive from it).
_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 8}


@shared_task(name="order.order_placed_email_task", **_RETRY)
def order_placed_email_task(order_id: int) -> bool:
    """To the buyer: the order is placed, and which cooperatives will ship what."""
    order = Order.objects.select_related("user").get(pk=order_id)
    return services.order_placed_notify_buyer(order=order)


@shared_task(name="order.fulfilment_group_new_email_task", **_RETRY)
def fulfilment_group_new_email_task(group_id: int) -> bool:
    """To the cooperative: a new group of an order is waiting to be confirmed."""
    group = FulfilmentGroup.objects.select_related("order", "partner__cooperative").get(pk=group_id)
    return services.fulfilment_group_notify_seller(group=group)


@shared_task(name="order.fulfilment_group_shipped_email_task", **_RETRY)
def fulfilment_group_shipped_email_task(group_id: int) -> bool:
    """To the buyer: one cooperative's parcel is on its way."""
    group = FulfilmentGroup.objects.select_related("order__user", "partner").get(pk=group_id)
    return services.fulfilment_group_notify_shipped(group=group)


@shared_task(name="order.fulfilment_group_cancelled_email_task", **_RETRY)
def fulfilment_group_cancelled_email_task(group_id: int) -> bool:
    """To the buyer: one cooperative cancelled its part of the order."""
    group = FulfilmentGroup.objects.select_related("order__user", "partner").get(pk=group_id)
    return services.fulfilment_group_notify_cancelled(group=group)
