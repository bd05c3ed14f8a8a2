from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who changed what, and when: approvals of cooperatives, settlements,
    refunds, stock adjustments and the plan's targets, recorded by the
    services that make those changes and read by platform admins."""

    name = "marketplace.audit"
    label = "audit"
    verbose_name = _("Audit log")
    default_auto_field = "django.db.models.BigAutoField"
