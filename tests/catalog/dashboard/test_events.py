"""Staff add events to a lot's trace log; nothing ever edits or deletes one."""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from catalog import services
from catalog.models import TraceEvent
from tests.catalog.dashboard import ROLES, assert_refused_for, image_bomb, login_as, not_an_image, png

pytestmark = pytest.mark.django_db

VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


def event_data(**changes):
    data = {
        "kind": "care",
        "occurred_at": "2026-10-05T08:30",
        "place": "Đồi chè Hồng Ba",
        "actor": "Tổ sản xuất số 2",
        "note": "Bón phân hữu cơ vi sinh",
        "input_product": "Phân hữu cơ Sông Gianh",
        "pre_harvest_interval_days": "7",
    }
    data.update(changes)
    return data


def event_url(lot):
    return reverse("cooperative-catalog:lot-event-create", kwargs={"pk": lot.pk})


def plant(lot):
    return services.trace_event_append(
        lot=lot, kind="planting", occurred_at=datetime.datetime(2026, 3, 1, 7, 0, tzinfo=VIETNAM),
        place="Đồi chè Hồng Ba", actor="Tổ sản xuất số 2",
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_who_may_add_an_event(client, users, role, lot):
    login_as(client, users, role)
    response = client.post(event_url(lot), event_data())
    if role == "staff":
        assert response.status_code == 302
        assert TraceEvent.objects.filter(lot=lot).count() == 1
    else:
        if role == "other_staff":
            assert response.status_code == 404
        else:
            assert_refused_for(response, role)
        assert not TraceEvent.objects.exists()


def test_an_event_is_appended_in_local_time_and_shown_on_the_lot_page(staff_client, lot):
    response = staff_client.post(event_url(lot), event_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("cooperative-catalog:lot-detail", kwargs={"pk": lot.pk})
    event = TraceEvent.objects.get()
    assert event.sequence == 1
    assert event.occurred_at == datetime.datetime(2026, 10, 5, 8, 30, tzinfo=VIETNAM)
    assert (event.input_product, event.pre_harvest_interval_days) == ("Phân hữu cơ Sông Gianh", 7)
    response = staff_client.get(reverse("cooperative-catalog:lot-detail", kwargs={"pk": lot.pk}))
    assert response.context["verification"].verified
    assert list(response.context["events"]) == [event]
    assert "Bón phân hữu cơ vi sinh" in response.content.decode()


def test_a_correction_follows_the_event_it_corrects(staff_client, lot):
    staff_client.post(event_url(lot), event_data())
    staff_client.post(event_url(lot), event_data(kind="correction", note="Nhầm liều lượng ở bước 1"))
    first, second = TraceEvent.objects.order_by("sequence")
    assert (first.sequence, second.sequence, second.kind) == (1, 2, "correction")
    assert second.previous_hash == first.hash
    assert services.trace_chain_verify(lot=lot).verified


def test_a_note_with_a_script_is_shown_as_text(staff_client, lot):
    staff_client.post(event_url(lot), event_data(note='<script>alert("x")</script><b onmouseover=x>'))
    content = staff_client.get(reverse("cooperative-catalog:lot-detail", kwargs={"pk": lot.pk})).content
    assert b'<script>alert("x")' not in content
    assert b"&lt;script&gt;" in content


def test_an_event_in_the_future_is_refused(staff_client, lot):
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    response = staff_client.post(event_url(lot), event_data(occurred_at=tomorrow.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"]
    assert not TraceEvent.objects.exists()


def test_an_event_before_planting_is_refused(staff_client, lot):
    plant(lot)
    response = staff_client.post(event_url(lot), event_data(occurred_at="2026-02-01T08:00"))
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"]
    assert TraceEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "tampering"}, "kind"),
        ({"occurred_at": "hôm qua"}, "occurred_at"),
        ({"place": ""}, "place"),
        ({"actor": ""}, "actor"),
        ({"pre_harvest_interval_days": "-1"}, "pre_harvest_interval_days"),
    ],
)
def test_invalid_events_are_refused(staff_client, lot, changes, field):
    response = staff_client.post(event_url(lot), event_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not TraceEvent.objects.exists()


def test_a_photo_is_kept_with_the_event(staff_client, lot):
    response = staff_client.post(event_url(lot), event_data(photo=png()))
    assert response.status_code == 302
    event = TraceEvent.objects.get()
    assert event.photo.name.endswith(".png")
    assert services.trace_chain_verify(lot=lot).verified


@pytest.mark.parametrize("upload", [not_an_image, image_bomb], ids=["not-an-image", "bomb"])
def test_a_bad_photo_is_refused_and_nothing_is_saved(staff_client, lot, upload):
    response = staff_client.post(event_url(lot), event_data(photo=upload()))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not TraceEvent.objects.exists()


@pytest.mark.parametrize("name", ["lot-event-update", "lot-event-delete", "event-update", "event-delete"])
def test_there_is_no_page_to_change_or_delete_an_event(name):
    with pytest.raises(NoReverseMatch):
        reverse(f"cooperative-catalog:{name}", kwargs={"pk": 1})
