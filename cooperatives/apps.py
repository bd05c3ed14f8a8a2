from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperativesConfig(AppConfig):
    """Administrative units, cooperatives and what they produce where."""

    name = "cooperatives"
    verbose_name = _("Cooperatives")
    default_auto_field = "django.db.models.BigAutoField"
