import datetime
from decimal import Decimal

import pytest
from django.core import mail

from cooperatives.models import Certification, RawMaterialArea
from cooperatives.services import certification_send_expiry_reminders
from cooperatives.tasks import certification_expiry_reminders_task
from tests.factories import administrative_tree, approved_cooperative

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 1)


@pytest.fixture
def area():
    units = administrative_tree()
    cooperative = approved_cooperative(
        legal_name="Hợp tác xã Sơn Trà", commune=units["02254"], email="sontra@htx.example"
    )
    return RawMaterialArea.objects.create(
        cooperative=cooperative,
        name="Đồi chè",
        commune=units["02254"],
        area_hectares=Decimal(3),
        main_crop="Chè",
    )


def certificate(area, days_left, number="VG-1"):
    return Certification.objects.create(
        raw_material_area=area, scheme="vietgap", certificate_number=number, issuer="Sở NN&PTNT",
        valid_from=datetime.date(2024, 1, 1), valid_until=TODAY + datetime.timedelta(days=days_left),
    )  # fmt: skip


def test_reminders_go_60_and_14_days_before_expiry_and_only_once(area):
    certificate(area, days_left=60)
    assert certification_send_expiry_reminders(today=TODAY) == 1
    assert mail.outbox[0].to == ["sontra@htx.example"]
    assert "60" in mail.outbox[0].subject
    # The task runs every day: the same reminder is never sent twice.
    assert certification_send_expiry_reminders(today=TODAY) == 0
    assert certification_send_expiry_reminders(today=TODAY + datetime.timedelta(days=30)) == 0
    assert certification_send_expiry_reminders(today=TODAY + datetime.timedelta(days=46)) == 1
    assert "14" in mail.outbox[1].subject
    assert certification_send_expiry_reminders(today=TODAY + datetime.timedelta(days=50)) == 0
    assert len(mail.outbox) == 2


def test_a_missed_day_is_caught_up_with_one_reminder(area):
    certificate(area, days_left=10)
    assert certification_send_expiry_reminders(today=TODAY) == 1
    assert "10" in mail.outbox[0].subject
    assert certification_send_expiry_reminders(today=TODAY + datetime.timedelta(days=1)) == 0


def test_far_and_expired_certificates_get_no_reminder(area):
    certificate(area, days_left=61, number="far")
    certificate(area, days_left=-1, number="expired")
    assert certification_send_expiry_reminders(today=TODAY) == 0
    assert mail.outbox == []


def test_the_reminder_is_in_vietnamese(area):
    certificate(area, days_left=14)
    certification_send_expiry_reminders(today=TODAY)
    message = mail.outbox[0]
    assert "Chứng nhận" in message.subject or "chứng nhận" in message.subject
    assert "VG-1" in message.body


def test_daily_task_runs_the_reminders(area):
    certificate(area, days_left=5)
    # The task uses today's date; this certificate expires long before "today".
    Certification.objects.update(valid_until=datetime.date.today() + datetime.timedelta(days=5))
    assert certification_expiry_reminders_task.delay().get() == 1


def test_expired_certifications_never_count_as_valid(area):
    valid = certificate(area, days_left=1, number="valid")
    certificate(area, days_left=-1, number="expired")
    assert list(Certification.objects.valid(TODAY)) == [valid]
    assert not valid.is_valid(TODAY + datetime.timedelta(days=2))


def test_the_beat_schedule_runs_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["certification-expiry-reminders"]
    assert entry["task"] == certification_expiry_reminders_task.name
    assert entry["schedule"].hour == {6}
