"""Reading the audit log."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def _day_start(day: datetime.date) -> datetime.datetime:
    # Days are the province's (Asia/Ho_Chi_Minh), as the admin reads them.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events(
    *,
    action: str = "",
    actor: str = "",
    subject: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events, newest first, filtered by action, by part of the actor's name
    or e-mail, by part of the subject's label, and by the days they
    happened on (``until`` included)."""
    events = AuditEvent.objects.select_related("actor", "subject_type")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(
            Q(actor_label__icontains=actor)
            | Q(actor__email__icontains=actor)
            | Q(actor__username__icontains=actor)
        )
    if subject:
        events = events.filter(Q(subject_label__icontains=subject) | Q(subject_id=subject))
    if since:
        events = events.filter(occurred_at__gte=_day_start(since))
    if until:
        events = events.filter(occurred_at__lt=_day_start(until + datetime.timedelta(days=1)))
    return events


def subject_events(*, event: AuditEvent) -> QuerySet[AuditEvent]:
    """The other events about the same subject, newest first."""
    if event.subject_type_id is None or not event.subject_id:
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(subject_type_id=event.subject_type_id, subject_id=event.subject_id)
        .exclude(pk=event.pk)
        .select_related("actor")
    )
