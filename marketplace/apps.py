from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    """Project-wide pieces: roles, money formatting, demo data, Celery tasks."""

    name = "marketplace"
    verbose_name = _("Marketplace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import task_failure

        from . import page_cache, services

        page_cache.connect()
        task_failure.connect(services.task_failure_keep, dispatch_uid="marketplace-task-failure-keep")
