from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A buyer's rights over their personal data (Decree 13/2023/NĐ-CP and
    the Law on Personal Data Protection): the privacy notice, a download of
    everything the platform holds on them, and erasure of their account with
    the orders kept, anonymised, for the accounting records."""

    name = "marketplace.privacy"
    label = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"
