from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """What the platform owes each cooperative: gross sales, the platform's
    commission, payment fees, refunds and settlements."""

    name = "marketplace.ledger"
    label = "ledger"
    verbose_name = _("Ledger")
    default_auto_field = "django.db.models.BigAutoField"
