"""The log itself: events keep who, when and what, and are never changed."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from marketplace.audit import services as audit
from marketplace.audit.models import AppendOnlyError, AuditEvent
from reports.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    return Target.objects.create(
        indicator="communes_selling_online", threshold_percent=Decimal("40.00"),
        starts_on=datetime.date(2026, 1, 1), deadline=datetime.date(2030, 12, 31), source_document="KH 99",
    )  # fmt: skip


def test_an_event_keeps_who_when_what_and_the_subject(platform_admin, target):
    before = timezone.now()
    event = audit.record(
        action=audit.Action.TARGET_CHANGED, actor=platform_admin, subject=target,
        changes={
            "threshold_percent": [Decimal("40.00"), Decimal("45.50")], "deadline": [None, target.deadline],
        },
    )  # fmt: skip
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == platform_admin and event.actor_label == "Lan Trần <lan@tinh.example>"
    assert before <= event.occurred_at <= timezone.now()
    subject = (event.subject_type.model, event.subject_id, event.subject_label)
    assert subject == ("target", str(target.pk), str(target))
    # Decimals as written, dates as ISO text: what the admin reads back.
    assert event.changes == {"threshold_percent": ["40.00", "45.50"], "deadline": [None, "2030-12-31"]}


def test_an_unknown_action_is_refused(platform_admin, target):
    with pytest.raises(ValueError):
        audit.record(action="target_renamed", actor=platform_admin, subject=target)
    assert not AuditEvent.objects.exists()


def test_events_are_never_changed_or_deleted(platform_admin, target):
    event = audit.record(action=audit.Action.TARGET_CREATED, actor=platform_admin, subject=target)
    event.subject_label = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(subject_label="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().subject_label == str(target)


def test_the_actor_s_name_stays_after_the_account_is_deleted(platform_admin, target):
    audit.record(action=audit.Action.TARGET_CREATED, actor=platform_admin, subject=target)
    get_user_model().objects.filter(pk=platform_admin.pk).delete()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_label == "Lan Trần <lan@tinh.example>"


def test_a_deleted_subject_leaves_its_label_and_id(platform_admin, target):
    pk, label = target.pk, str(target)
    audit.record(action=audit.Action.TARGET_DELETED, actor=platform_admin, subject=target)
    target.delete()
    event = AuditEvent.objects.get()
    assert (event.subject_id, event.subject_label) == (str(pk), label)


def test_the_platform_itself_is_recorded_as_no_one(target):
    event = audit.record(action=audit.Action.TARGET_CREATED, actor=None, subject=target)
    assert event.actor is None and event.actor_label == ""


def test_field_changes_lists_only_what_differs():
    before, after = {"a": 1, "b": Decimal("2.0"), "c": "x"}, {"a": 1, "b": Decimal("2.5"), "d": 4}
    assert audit.field_changes(before, after) == {
        "b": ["2.0", "2.5"], "c": ["x", None], "d": [None, 4],
    }  # fmt: skip
