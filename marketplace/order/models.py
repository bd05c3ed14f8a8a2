import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FulfilmentGroup(models.Model):
    """The part of an order one cooperative ships (đơn hàng của hợp tác xã):
    one basket and one payment, but each cooperative packs and sends its own
    lines and moves its own group through its statuses."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONFIRMED = "confirmed", _("Confirmed")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="fulfilment_groups", verbose_name=_("order")
    )
    # PROTECT: a cooperative with orders to answer for is suspended, not deleted.
    partner = models.ForeignKey(
        "partner.Partner",
        on_delete=models.PROTECT,
        related_name="fulfilment_groups",
        verbose_name=_("seller"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=2000, blank=True)
    # This cooperative's delivery fee in the order, in whole đồng: its sale
    # in the ledger is its lines plus this.
    shipping_charge = models.PositiveBigIntegerField(_("delivery fee (đồng)"), default=0)
    # Kept here, not summed from the lines each time, so the province's
    # reports aggregate one row per group: its lines never change once
    # placed, and every refund goes through ledger_record_refund.
    merchandise_total = models.PositiveBigIntegerField(_("products (đồng)"), default=0)
    refunded_total = models.PositiveBigIntegerField(_("refunded (đồng)"), default=0)
    # The order's payment method and buyer, copied so the reports count
    # orders, buyers and cash payments from this table alone (joining
    # every order of a year was most of their time). The buyer is a number,
    # not an address: the user's id, or for a guest minus a hash of the
    # e-mail (numbers count distinct far faster than text).
    payment_method_code = models.CharField(_("payment method"), max_length=32, blank=True, editable=False)
    buyer_key = models.BigIntegerField(_("buyer"), null=True, blank=True, editable=False)
    collect_in_person = models.BooleanField(_("collected at the cooperative"), default=False)
    cash_received_at = models.DateTimeField(_("cash received at"), null=True, blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # When each e-mail went out: a retried task sends nothing twice.
    buyer_placed_email_at = models.DateTimeField(null=True, blank=True, editable=False)
    seller_new_email_at = models.DateTimeField(null=True, blank=True, editable=False)
    buyer_shipped_email_at = models.DateTimeField(null=True, blank=True, editable=False)
    buyer_cancelled_email_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("fulfilment group")
        verbose_name_plural = _("fulfilment groups")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "partner"], name="one_fulfilment_group_per_seller")
        ]
        indexes = [
            models.Index(fields=["partner", "status", "-created_at"], name="fulfilment_partner_status"),
            models.Index(fields=["created_at", "partner"], name="fulfilment_placed_partner"),
        ]

    def __str__(self):
        return f"{self.order_id} / {self.partner_id}: {self.status}"

    @property
    def lines(self):
        """Only this seller's lines of the order."""
        return self.order.lines.filter(partner_id=self.partner_id)

    @staticmethod
    def buyer_key_of(*, user_id, guest_email: str) -> int | None:
        if user_id:
            return user_id
        email = (guest_email or "").strip().lower()
        if not email:
            return None
        return -(int(hashlib.sha256(email.encode()).hexdigest()[:15], 16) + 1)

    @property
    def pays_cash_on_delivery(self) -> bool:
        return self.order.payment_method_code == "cod"


class FulfilmentGroupEvent(models.Model):
    """One change of a fulfilment group's status, kept so a dispute over who
    shipped or cancelled what, and when, can be answered."""

    group = models.ForeignKey(FulfilmentGroup, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=FulfilmentGroup.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=FulfilmentGroup.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("fulfilment group event")
        verbose_name_plural = _("fulfilment group events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.group_id}: {self.from_status} → {self.to_status}"


from oscar.apps.address.abstract_models import AbstractShippingAddress  # noqa: E402
from oscar.apps.order.abstract_models import AbstractOrder  # noqa: E402


class Order(AbstractOrder):
    # How the buyer pays, by payment provider code ("cod", "stripe"; see
    # marketplace.payments.providers): cash orders are paid per cooperative
    # at delivery, card orders once, at checkout.
    payment_method_code = models.CharField(_("payment method"), max_length=32, blank=True)


class ShippingAddress(AbstractShippingAddress):
    # Viet Nam's postcodes have had five digits since 2018; Oscar still
    # expects the six of the old system, and would refuse every current one.
    POSTCODES_REGEX = {**AbstractShippingAddress.POSTCODES_REGEX, "VN": r"^[0-9]{5}$"}


from oscar.apps.order.models import *  # noqa: E402, F403
