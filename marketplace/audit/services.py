"""Recording audit events. Called by the services that make the changes,
inside their own transaction: a change rolled back leaves no event, and a
change that commits always has its event."""

import datetime
import decimal
import enum
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEvent

Action = AuditEvent.Action

LABEL_LENGTH = AuditEvent._meta.get_field("subject_label").max_length
# Reasons and notes are kept in full up to this length; longer ones are cut
# so one event cannot grow without bound (the forms allow far less).
VALUE_LENGTH = 2000


def _plain(value):
    """A value as the JSON of ``changes`` keeps it: what an admin reads,
    not a Python object."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, decimal.Decimal):
        # As written, "50.00", never a float that rounds.
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)[:LABEL_LENGTH]
    return str(value)[:VALUE_LENGTH]


def actor_label(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    login = user.email or user.get_username()
    label = f"{name} <{login}>" if name and login else name or login or f"#{user.pk}"
    return label[: AuditEvent._meta.get_field("actor_label").max_length]


def field_changes(before: dict, after: dict) -> dict:
    """``{"field": [old, new]}`` for the fields whose value differs between
    two snapshots (``instance_values``); a field missing on one side is None
    there."""
    changes = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def instance_values(instance, fields) -> dict:
    """The fields of a model instance as they stand (a foreign key by its
    id), or an empty snapshot for no instance (one being created)."""
    if instance is None:
        return {}
    return {name: getattr(instance, instance._meta.get_field(name).attname) for name in fields}


def record(
    *,
    action: str,
    actor=None,
    subject=None,
    subject_label: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Add one event to the log. ``actor`` is the user who made the change
    (None: the platform itself); ``subject`` the object changed (its label
    defaults to ``str(subject)``); ``changes`` maps each field to
    ``[old, new]``."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    # Outside a transaction the event would commit on its own, even when
    # the change it describes does not.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Record audit events inside the transaction of the change.")
    user = actor if actor is not None and actor.is_authenticated else None
    event = AuditEvent(
        actor=user,
        actor_label=actor_label(user),
        action=action,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None and subject.pk is not None else "",
        subject_label=(subject_label or (str(subject) if subject is not None else ""))[:LABEL_LENGTH],
        changes={str(name): [_plain(old), _plain(new)] for name, (old, new) in (changes or {}).items()},
    )
    event.full_clean(exclude=["actor", "subject_type"])
    event.save()
    return event
