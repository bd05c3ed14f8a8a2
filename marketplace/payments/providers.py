"""The payment methods checkout offers, behind one interface.

Checkout only talks to ``payment_providers()``; a Vietnamese gateway (VNPay,
MoMo) is one more subclass of ``PaymentProvider`` listed in the
PAYMENT_PROVIDERS setting, with no change to checkout.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import StripePayment


@dataclass(frozen=True)
class PaymentStart:
    """What checkout does next: place the order at once (cash), or show the
    provider's payment form first, with what it needs."""

    provider: str
    buyer_pays_now: bool
    client_secret: str = ""


class PaymentProvider:
    code = ""
    name = ""
    pays_online = False

    def is_available(self, *, total) -> bool:
        return True

    def start(self, *, order_number: str, total, email: str = "") -> PaymentStart:
        raise NotImplementedError

    def refund(self, *, order_number: str, amount: int, partner=None, created_by=None, reason: str = ""):
        raise NotImplementedError


class CashOnDelivery(PaymentProvider):
    """The order is placed unpaid; each cooperative takes the cash for its
    part when it delivers."""

    code = "cod"
    name = gettext_lazy("Cash on delivery")

    def start(self, *, order_number, total, email=""):
        return PaymentStart(provider=self.code, buyer_pays_now=False)

    def refund(self, *, order_number, amount, partner=None, created_by=None, reason=""):
        raise ValidationError(_("Cash is given back by the cooperative in person, not through the site."))


class StripeCard(PaymentProvider):
    """Cards through Stripe PaymentIntents and Stripe Elements."""

    code = "stripe"
    name = gettext_lazy("Card (Visa, Mastercard, JCB)")
    pays_online = True

    def is_available(self, *, total) -> bool:
        if not settings.STRIPE_SECRET_KEY:
            return False
        try:
            services.stripe_amount(total)
        except ValidationError:
            return False
        return True

    def start(self, *, order_number, total, email=""):
        _payment, client_secret = services.stripe_payment_start(
            order_number=order_number, total=total, email=email
        )
        return PaymentStart(provider=self.code, buyer_pays_now=True, client_secret=client_secret)

    def refund(self, *, order_number, amount, partner=None, created_by=None, reason=""):
        payment = StripePayment.objects.get(order_number=order_number)
        return services.stripe_refund_create(
            payment=payment, amount=amount, partner=partner, created_by=created_by, reason=reason
        )


@cache
def _load(paths: tuple[str, ...]) -> dict[str, PaymentProvider]:
    providers = {}
    for path in paths:
        provider = import_string(path)()
        providers[provider.code] = provider
    return providers


def payment_providers() -> dict[str, PaymentProvider]:
    """The configured providers by code, in the order of PAYMENT_PROVIDERS."""
    return _load(tuple(settings.PAYMENT_PROVIDERS))


def payment_provider(code: str) -> PaymentProvider:
    try:
        return payment_providers()[code]
    except KeyError:
        raise ValidationError(
            _("Choose one of the payment methods offered."), code="unknown_provider"
        ) from None
