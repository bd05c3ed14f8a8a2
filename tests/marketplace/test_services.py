"""Tasks survive a broker outage: an order or a decision committed while
Redis is down still gets its e-mail once the broker is back."""

import time

import pytest
from celery import current_app

from cooperatives import services as cooperative_services
from cooperatives.models import Cooperative
from marketplace import roles
from marketplace.models import UndeliveredTask
from marketplace.services import undelivered_tasks_resend
from tests.factories import administrative_tree, approved_cooperative, user_with_role

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_down(monkeypatch):
    """A real Celery app pointed at a broker that refuses connections."""
    # Celery reads this variable before its own setting, so CI's real
    # broker would win otherwise.
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE_BROKER)
    conf = current_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, UNREACHABLE_BROKER
    current_app._pool = None
    current_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_url = saved
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def application():
    return approved_cooperative(legal_name="Hợp tác xã Chè Hồng Thái", commune=administrative_tree()["02254"])


def test_a_decision_made_while_the_broker_is_down_is_kept_then_sent(
    broker_down, application, django_capture_on_commit_callbacks, mailoutbox
):
    officer = user_with_role(roles.PROVINCE_OFFICER)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        cooperative_services.cooperative_suspend(
            cooperative=application, suspended_by=officer, reason="Kiểm tra"
        )
    # The officer's request neither fails nor hangs on Celery's reconnect loop.
    assert time.monotonic() - started < 5
    application.refresh_from_db()
    assert application.status == Cooperative.Status.SUSPENDED
    # The decision e-mail, and the cooperative's search document (it left
    # the search with its suspension).
    assert sorted(UndeliveredTask.objects.values_list("name", "args")) == [
        ("cooperatives.cooperative_decision_email_task", [application.pk]),
        ("search.search_document_refresh_task", ["cooperative", application.pk]),
    ]
    kept = UndeliveredTask.objects.get(name="cooperatives.cooperative_decision_email_task")
    assert kept.last_error
    assert mailoutbox == []

    # Still down: nothing is lost, the attempt is counted (on the first
    # task tried: sending stops at the first failure).
    assert undelivered_tasks_resend() == 0
    first = UndeliveredTask.objects.order_by("created_at", "pk").first()
    assert first.attempts == 1

    # The broker is back (here: tasks run in-process again).
    current_app.conf.task_always_eager = True
    assert undelivered_tasks_resend() == 2
    assert not UndeliveredTask.objects.exists()
    assert len(mailoutbox) == 1 and application.email in mailoutbox[0].to


def test_with_a_broker_the_task_is_not_kept(application, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        cooperative_services.cooperative_suspend(
            cooperative=application, suspended_by=None, reason="Kiểm tra"
        )
    assert not UndeliveredTask.objects.exists()
    assert len(mailoutbox) == 1
