from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Fees and thresholds are whole đồng. The ceiling keeps a typo (an extra few
# zeros) from reaching a buyer's total and stays far below the 32-bit
# integer column's limit.
MAX_AMOUNT = 100_000_000


def _amount_field(verbose_name, **kwargs):
    return models.PositiveIntegerField(verbose_name, validators=[MaxValueValidator(MAX_AMOUNT)], **kwargs)


class CooperativeShippingPolicy(models.Model):
    """How one cooperative charges for delivering its part of an order (phí
    giao hàng), and whether buyers may collect it in person instead.

    Each cooperative ships its own goods, so a basket holding products of
    several cooperatives pays each cooperative's fee separately.
    """

    cooperative = models.OneToOneField(
        "cooperatives.Cooperative",
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="shipping_policy",
    )
    flat_fee = _amount_field(_("flat fee (₫)"), default=30_000)
    fee_per_kg = _amount_field(
        _("fee per started kilogram (₫)"),
        default=5_000,
        help_text=_("Charged for every started kilogram of net weight: 1.2 kg counts as 2 kg."),
    )
    free_shipping_threshold = _amount_field(
        _("free delivery from (₫)"),
        null=True,
        blank=True,
        help_text=_(
            "Orders of this cooperative's products worth at least this much ship free. Empty: never free."
        ),
    )
    allows_pickup = models.BooleanField(_("buyers may collect in person"), default=False)
    pickup_instructions = models.TextField(
        _("pickup address and instructions"),
        max_length=1000,
        blank=True,
        help_text=_("Where and when buyers may collect their order."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cooperative shipping policy")
        verbose_name_plural = _("cooperative shipping policies")

    def __str__(self):
        return str(self.cooperative)

    def clean(self):
        if self.allows_pickup and not self.pickup_instructions.strip():
            raise ValidationError(
                {"pickup_instructions": _("Tell buyers where to collect their order, or turn pickup off.")}
            )


from oscar.apps.shipping.models import *  # noqa: E402, F403
