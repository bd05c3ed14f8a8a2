from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StripePayment(models.Model):
    """The one Stripe PaymentIntent of an order number. Its amount is in
    whole đồng (VND is zero-decimal for Stripe) and is captured only once
    the order's stock is allocated."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the buyer")
        FAILED = "failed", _("Payment failed")
        AUTHORISED = "authorised", _("Authorised, not yet captured")
        SUCCEEDED = "succeeded", _("Paid")
        CANCELED = "canceled", _("Cancelled")

    order_number = models.CharField(_("order number"), max_length=128, unique=True)
    intent_id = models.CharField(_("PaymentIntent"), max_length=255, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    currency = models.CharField(max_length=3, default="vnd")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    amount_refunded = models.PositiveBigIntegerField(_("refunded (đồng)"), default=0)
    # A hold released because the stock went first leaves the order number
    # free for the buyer's next try, with a new intent.
    attempt = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Stripe payment")
        verbose_name_plural = _("Stripe payments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("amount")), name="refunds_within_amount"
            )
        ]

    def __str__(self):
        return f"{self.order_number} {self.intent_id} {self.status}"

    @property
    def refundable(self) -> int:
        return self.amount - self.amount_refunded if self.status == self.Status.SUCCEEDED else 0


class StripeRefund(models.Model):
    """Money given back through Stripe: the whole payment or one
    cooperative's part of it."""

    payment = models.ForeignKey(StripePayment, on_delete=models.PROTECT, related_name="refunds")
    refund_id = models.CharField(max_length=255, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    partner = models.ForeignKey(
        "partner.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="stripe_refunds"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe refund")
        verbose_name_plural = _("Stripe refunds")

    def __str__(self):
        return f"{self.refund_id} {self.amount}"


class StripeEvent(models.Model):
    """A webhook event already handled: Stripe may deliver one twice."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.event_id} {self.type}"
