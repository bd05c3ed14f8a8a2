"""The SMTP server is down: a cash-on-delivery order is still placed, its
e-mails wait in the database (UndeliveredTask), and they go out, with the
order number, once a mail server answers again (`manage.py flush_outbox`,
or the beat task every five minutes)."""

import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from marketplace.models import UndeliveredTask

from .conftest import CONNECT_TIMEOUT_SECONDS, assert_pages_answer, cash_order

pytestmark = pytest.mark.django_db


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_settings(settings, closed_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = CONNECT_TIMEOUT_SECONDS
    return settings


@pytest.fixture
def smtp_server_on(smtp_settings):
    """Starts a real SMTP server (aiosmtpd, in a thread) on the port the
    settings point at, when the test calls it: the server is back."""
    controllers = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT, ready_timeout=10)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def test_an_order_placed_while_smtp_is_down_gets_its_emails_once_it_is_back(
    client, shop, smtp_server_on, django_capture_on_commit_callbacks
):
    assert_pages_answer(client, shop)

    started = time.monotonic()
    order = cash_order(client, shop, django_capture_on_commit_callbacks)
    # Tasks run in-process here (no broker): each send was refused at once
    # and retried in-process, and the buyer was not kept waiting long.
    assert time.monotonic() - started < 20
    assert order.fulfilment_groups.count() == 1
    kept = dict(UndeliveredTask.objects.values_list("name", "args"))
    assert kept["order.order_placed_email_task"] == [order.pk]
    assert "order.fulfilment_group_new_email_task" in kept
    assert "refused" in UndeliveredTask.objects.get(name="order.order_placed_email_task").last_error.lower()

    # Still down: the command keeps everything and says so.
    call_command("flush_outbox")
    assert UndeliveredTask.objects.filter(name="order.order_placed_email_task").exists()

    inbox = smtp_server_on()
    call_command("flush_outbox")

    assert not UndeliveredTask.objects.exists()
    to_buyer = [m for m in inbox.messages if m.rcpt_tos == ["lan@example.com"]]
    assert len(to_buyer) == 1
    # The subject is MIME-encoded (Vietnamese); the order number is plain ASCII.
    assert order.number in to_buyer[0].content.decode()
    assert any(m.rcpt_tos == [shop["orange_coop"].email] for m in inbox.messages)

    # Sent once: running it again sends nothing twice.
    call_command("flush_outbox")
    assert len([m for m in inbox.messages if m.rcpt_tos == ["lan@example.com"]]) == 1


def test_an_email_that_runs_out_of_retries_in_a_worker_is_kept_not_dropped(
    client, shop, smtp_server_on, django_capture_on_commit_callbacks
):
    """With a broker, the worker retries a refused e-mail eight times over a
    few minutes; an outage longer than that must not lose it."""
    from celery import current_app
    from celery.app.trace import build_tracer

    from marketplace.order.tasks import order_placed_email_task

    order = cash_order(client, shop, django_capture_on_commit_callbacks)
    UndeliveredTask.objects.all().delete()

    # As a worker runs the task's last retry (Celery's own tracer, not eager).
    tracer = build_tracer(
        order_placed_email_task.name, order_placed_email_task, app=current_app, eager=False, propagate=False
    )
    request = {"id": "last-retry", "retries": order_placed_email_task.max_retries, "is_eager": False}
    tracer("last-retry", [order.pk], {}, request)

    kept = UndeliveredTask.objects.get()
    assert (kept.name, kept.args) == ("order.order_placed_email_task", [order.pk])
    assert "refused" in kept.last_error.lower()

    inbox = smtp_server_on()
    call_command("flush_outbox")
    assert not UndeliveredTask.objects.exists()
    assert [m.rcpt_tos for m in inbox.messages] == [["lan@example.com"]]
