from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardCheckout(models.Model):
    """A submitted basket waiting for its card payment, with everything
    needed to place its order without the buyer's browser: Stripe's webhook
    may bring the authorisation while the buyer has already closed the tab."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for the card")
        PLACED = "placed", _("Order placed")
        OUT_OF_STOCK = "out_of_stock", _("Stock gone; payment released")
        ABANDONED = "abandoned", _("Abandoned by the buyer")

    order_number = models.CharField(_("order number"), max_length=128, unique=True)
    basket = models.ForeignKey("basket.Basket", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    guest_email = models.EmailField(_("guest e-mail"), blank=True)
    shipping_address = models.ForeignKey(
        "order.ShippingAddress", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shipping_method_code = models.CharField(max_length=128)
    provider = models.CharField(max_length=32)
    total = models.PositiveBigIntegerField(_("total (đồng)"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.WAITING)
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="card_checkout"
    )
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("card checkout")
        verbose_name_plural = _("card checkouts")
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self):
        return f"{self.order_number} {self.state}"


from oscar.apps.checkout.models import *  # noqa: E402, F403
