from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """How buyers pay: one provider interface (cash on delivery, Stripe
    cards; a Vietnamese gateway such as VNPay or MoMo would be one more
    provider), Stripe PaymentIntents and their webhook."""

    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Payments")
    default_auto_field = "django.db.models.BigAutoField"
