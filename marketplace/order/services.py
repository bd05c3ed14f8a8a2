"""Changes to orders: the per-cooperative fulfilment groups and their statuses."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalog.services import lot_allocations_release
from marketplace.money import to_dong
from marketplace.payments.providers import payment_providers
from marketplace.services import task_enqueue_on_commit

FulfilmentGroup = get_model("order", "FulfilmentGroup")
FulfilmentGroupEvent = get_model("order", "FulfilmentGroupEvent")
Line = get_model("order", "Line")
Order = get_model("order", "Order")

Status = FulfilmentGroup.Status

# Where a group may go from each status. Delivered and cancelled are final:
# a shipped parcel can no longer be cancelled, only returned (not built yet).
TRANSITIONS = {
    Status.NEW: (Status.CONFIRMED, Status.CANCELLED),
    Status.CONFIRMED: (Status.PACKED, Status.CANCELLED),
    Status.PACKED: (Status.SHIPPED, Status.CANCELLED),
    Status.SHIPPED: (Status.DELIVERED,),
    Status.DELIVERED: (),
    Status.CANCELLED: (),
}

_TIMESTAMPS = {
    Status.CONFIRMED: "confirmed_at",
    Status.PACKED: "packed_at",
    Status.SHIPPED: "shipped_at",
    Status.DELIVERED: "delivered_at",
    Status.CANCELLED: "cancelled_at",
}


def fulfilment_groups_create(*, order, shipping_by_partner: dict | None = None) -> list:
    """One group per seller of the order's lines, each new, with its
    delivery fee (``shipping_by_partner``: partner id → (fee, collected in
    person)). Called by the order creator inside the transaction that
    places the order; the e-mails go out only once that transaction commits."""
    from . import tasks

    shipping_by_partner = shipping_by_partner or {}
    merchandise = {}
    for partner_id, price in order.lines.exclude(partner=None).values_list(
        "partner_id", "line_price_incl_tax"
    ):
        merchandise[partner_id] = merchandise.get(partner_id, 0) + to_dong(price)
    groups = []
    for partner_id in sorted(merchandise):
        fee, in_person = shipping_by_partner.get(partner_id, (0, False))
        groups.append(
            FulfilmentGroup(
                order=order,
                partner_id=partner_id,
                shipping_charge=to_dong(fee),
                collect_in_person=in_person,
                merchandise_total=merchandise[partner_id],
                payment_method_code=order.payment_method_code,
                buyer_key=FulfilmentGroup.buyer_key_of(user_id=order.user_id, guest_email=order.guest_email),
            )
        )
    groups = FulfilmentGroup.objects.bulk_create(groups)
    # Kept in the database if the broker is down, so placing never fails
    # on an e-mail and none is lost.
    task_enqueue_on_commit(tasks.order_placed_email_task, order.pk)
    for group in groups:
        task_enqueue_on_commit(tasks.fulfilment_group_new_email_task, group.pk)
    return groups


def fulfilment_group_advance(
    *,
    group,
    to_status: str,
    by,
    carrier: str = "",
    tracking_number: str = "",
    note: str = "",
    cash_received: bool = False,
):
    """Move the group to ``to_status``, recording who did it. Shipping needs
    a carrier and a tracking number and takes the units out of stock for
    good; cancelling puts them back into their lots and on sale, and gives
    back a card payment's share. A cash order's group is delivered only with
    the cash received, which enters the cooperative's ledger. Raises
    ValidationError for a move its current status does not allow; on any
    error nothing is changed."""
    from marketplace.checkout import services as checkout_services

    from . import tasks

    carrier, tracking_number, note = carrier.strip(), tracking_number.strip(), note.strip()
    with transaction.atomic():
        # The lock makes two clicks (or two staff) race safely: the second
        # sees the status the first left and is refused.
        group = FulfilmentGroup.objects.select_for_update().get(pk=group.pk)
        from_status = group.status
        if to_status not in TRANSITIONS.get(from_status, ()):
            raise ValidationError(
                _("A group that is “%(from)s” cannot become “%(to)s”.")
                % {"from": Status(from_status).label, "to": _status_label(to_status)},
                code="illegal_transition",
            )
        lines = list(
            Line.objects.filter(order_id=group.order_id, partner_id=group.partner_id)
            .select_related("stockrecord")
            .order_by("stockrecord_id", "pk")
        )
        if to_status == Status.SHIPPED:
            errors = {}
            if not carrier:
                errors["carrier"] = _("Say which carrier takes the parcel.")
            if not tracking_number:
                errors["tracking_number"] = _("Give the carrier's tracking number.")
            if errors:
                raise ValidationError(errors)
            group.carrier, group.tracking_number = carrier, tracking_number
            for line in lines:
                if line.stockrecord_id and not line.allocation_cancelled and line.num_allocated:
                    line.consume_allocation(line.num_allocated)
        elif to_status == Status.CANCELLED:
            if not note:
                raise ValidationError({"note": _("Say why the group is cancelled; the buyer is told.")})
            group.cancel_reason = note
            # Oscar's allocation first: the lots' stock sync below counts
            # what is still allocated as part of the stock record.
            for line in lines:
                if line.stockrecord_id and not line.allocation_cancelled and line.num_allocated:
                    line.cancel_allocation(line.num_allocated)
            lot_allocations_release(lines=lines)
        provider = payment_providers().get(group.order.payment_method_code)
        cash_order = provider is not None and not provider.pays_online
        if to_status == Status.DELIVERED and cash_order:
            if not cash_received:
                raise ValidationError(
                    {"cash_received": _("Cash on delivery: confirm that the buyer paid you in cash.")}
                )
            group.cash_received_at = timezone.now()
        group.status = to_status
        setattr(group, _TIMESTAMPS[to_status], timezone.now())
        group.full_clean(exclude=["order", "partner"])
        group.save()
        FulfilmentGroupEvent.objects.create(
            group=group, from_status=from_status, to_status=to_status, by=by, note=note
        )
        if group.cash_received_at and to_status == Status.DELIVERED:
            checkout_services.cash_order_group_record(group=group)
        elif to_status == Status.CANCELLED and provider is not None and provider.pays_online:
            # What the buyer paid for this cooperative's part goes back on
            # their card; if Stripe refuses, the cancel is not saved either.
            checkout_services.group_refund_on_cancel(group=group, by=by, reason=note)
        if to_status == Status.SHIPPED:
            task_enqueue_on_commit(tasks.fulfilment_group_shipped_email_task, group.pk)
        elif to_status == Status.CANCELLED:
            task_enqueue_on_commit(tasks.fulfilment_group_cancelled_email_task, group.pk)
    return group


def _status_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


def _claim(queryset, field: str) -> bool:
    """Mark the e-mail as sent, unless another run already did: the update
    is conditional, so of two runs only one sees a row changed."""
    return queryset.filter(**{f"{field}__isnull": True}).update(**{field: timezone.now()}) > 0


def _order_url(order) -> str:
    """The buyer's order page: a guest has no account, so theirs is Oscar's
    signed order-status link."""
    if order.user_id:
        path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        path = reverse(
            "customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()}
        )
    return settings.SITE_URL + path


def order_placed_notify_buyer(*, order) -> bool:
    """One e-mail to the buyer listing the order's groups, sent once."""
    address = order.email
    if not address:
        return False
    with transaction.atomic():
        # A failed send rolls the claim back, so the retry sends it.
        if not _claim(FulfilmentGroup.objects.filter(order=order), "buyer_placed_email_at"):
            return False
        groups = _groups_for_email(order)
        with translation.override("vi"):
            context = {"order": order, "groups": groups, "order_url": _order_url(order)}
            subject = render_to_string("order/email/placed_subject.txt", context).strip()
            body = render_to_string("order/email/placed_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return True


def fulfilment_group_notify_seller(*, group) -> bool:
    """Tell the cooperative a new group is waiting for it, once."""
    cooperative = getattr(group.partner, "cooperative", None)
    if cooperative is None or not cooperative.email:
        return False
    with transaction.atomic():
        if not _claim(FulfilmentGroup.objects.filter(pk=group.pk), "seller_new_email_at"):
            return False
        lines = list(group.lines.order_by("pk"))
        with translation.override("vi"):
            context = {
                "group": group,
                "order": group.order,
                "lines": lines,
                "cooperative": cooperative,
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("order/email/seller_new_subject.txt", context).strip()
            body = render_to_string("order/email/seller_new_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [cooperative.email])
    return True


def fulfilment_group_notify_shipped(*, group) -> bool:
    """Tell the buyer the group is on its way, with carrier and tracking number, once."""
    if group.status not in (Status.SHIPPED, Status.DELIVERED):
        return False
    return _notify_buyer_of_group(group, sent_field="buyer_shipped_email_at", template="shipped")


def fulfilment_group_notify_cancelled(*, group) -> bool:
    """Tell the buyer a cooperative cancelled its part, and why, once."""
    if group.status != Status.CANCELLED:
        return False
    return _notify_buyer_of_group(group, sent_field="buyer_cancelled_email_at", template="cancelled")


def _notify_buyer_of_group(group, *, sent_field: str, template: str) -> bool:
    address = group.order.email
    if not address:
        return False
    with transaction.atomic():
        if not _claim(FulfilmentGroup.objects.filter(pk=group.pk), sent_field):
            return False
        with translation.override("vi"):
            context = {
                "group": group,
                "order": group.order,
                "lines": list(group.lines.order_by("pk")),
                "seller": _seller_name(group.partner),
                "order_url": _order_url(group.order),
            }
            subject = render_to_string(f"order/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"order/email/{template}_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return True


def _seller_name(partner) -> str:
    cooperative = getattr(partner, "cooperative", None)
    return cooperative.legal_name if cooperative else partner.name


def _groups_for_email(order):
    groups = list(order.fulfilment_groups.select_related("partner__cooperative").order_by("pk"))
    lines = list(order.lines.order_by("pk"))
    for group in groups:
        group.seller = _seller_name(group.partner)
        group.own_lines = [line for line in lines if line.partner_id == group.partner_id]
    return groups
