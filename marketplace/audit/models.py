from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An audit event was about to be changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    # The log is evidence: a change or a deletion through the ORM is
    # refused outright rather than left to every caller's care. Deleting a
    # user still clears ``actor`` (Django's collector goes through the plain
    # base manager), and ``actor_label`` keeps the name.
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are never changed.")

    def delete(self):
        raise AppendOnlyError("Audit events are never deleted.")


class AuditEvent(models.Model):
    """One change that matters to the platform's accountability: who made
    it, when, on what, and each changed field as [old, new]. Events are only
    ever added, in the same transaction as the change they describe."""

    class Action(models.TextChoices):
        COOPERATIVE_APPROVED = "cooperative_approved", _("Cooperative approved")
        COOPERATIVE_REJECTED = "cooperative_rejected", _("Cooperative rejected")
        COOPERATIVE_SUSPENDED = "cooperative_suspended", _("Cooperative suspended")
        SETTLEMENT_RECORDED = "settlement_recorded", _("Settlement recorded")
        REFUND_ISSUED = "refund_issued", _("Refund issued")
        STOCK_ADJUSTED = "stock_adjusted", _("Stock adjusted")
        LOT_RECALLED = "lot_recalled", _("Lot recalled")
        TARGET_CREATED = "target_created", _("Target created")
        TARGET_CHANGED = "target_changed", _("Target changed")
        TARGET_DELETED = "target_deleted", _("Target deleted")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the log still says who it was once the account is
    # deleted. Empty: the platform itself (a scheduled task, the demo data).
    actor_label = models.CharField(_("by (as recorded)"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of subject"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # Text, so a subject of any primary-key type fits, and the reference
    # stays after the subject itself is deleted (a deleted target).
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject_label = models.CharField(_("subject"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # No IP address or browser is kept: every change recorded here is made
    # by a signed-in account (or by the platform itself), so the account
    # already says who; an address would add personal data (Decree
    # 13/2023/NĐ-CP) to a log kept for years without telling more.

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["action", "occurred_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.subject_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are never deleted.")
