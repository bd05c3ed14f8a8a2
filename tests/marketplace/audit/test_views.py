"""The audit log's pages in the dashboard: platform admins read and filter
it; every other role is refused; the menu shows it to admins only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from marketplace import roles
from marketplace.audit import services as audit
from marketplace.audit.models import AuditEvent
from reports.models import Target
from tests.factories import cooperative_staff_user, user_with_role

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event-list")


@pytest.fixture
def events(platform_admin):
    officer = user_with_role(roles.PROVINCE_OFFICER, email="ha@tinh.example")
    target = Target.objects.create(
        indicator="communes_selling_online", threshold_percent=Decimal("40.00"),
        starts_on=datetime.date(2026, 1, 1), deadline=datetime.date(2031, 6, 30), source_document="KH 99",
    )  # fmt: skip
    changed = audit.record(
        action=audit.Action.TARGET_CHANGED, actor=officer, subject=target,
        changes={"threshold_percent": ["40.00", "45.50"], "note": ["", "<script>alert(1)</script>"]},
    )  # fmt: skip
    created = audit.record(action=audit.Action.TARGET_CREATED, actor=platform_admin, subject=target)
    return {"officer": officer, "target": target, "changed": changed, "created": created}


OTHER_ROLES = {
    "buyer": lambda: user_with_role(roles.BUYER),
    "cooperative staff": cooperative_staff_user,
    "tourism officer": lambda: user_with_role(roles.TOURISM_OFFICER),
    "province officer": lambda: user_with_role(roles.PROVINCE_OFFICER),
}


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_is_refused(client, events, role):
    client.force_login(OTHER_ROLES[role]())

    for url in (LIST, reverse("audit:event-detail", kwargs={"pk": events["changed"].pk})):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            # Oscar's dashboard sends a non-staff user to log in instead.
            assert "login" in response["Location"]
        assert "45.50" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, events):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_admin_reads_who_changed_what(client, platform_admin, events):
    client.force_login(platform_admin)

    page = client.get(LIST).content.decode()
    assert "ha@tinh.example" in page and "lan@tinh.example" in page
    detail = client.get(reverse("audit:event-detail", kwargs={"pk": events["changed"].pk}))
    content = detail.content.decode()
    assert detail.status_code == 200
    assert "40.00" in content and "45.50" in content
    # What was written into a field is shown as text, never run.
    assert "<script>alert(1)</script>" not in content
    assert escape("<script>alert(1)</script>") in content


def test_the_filters_narrow_the_log(client, platform_admin, events):
    client.force_login(platform_admin)

    by_action = client.get(LIST, {"action": "target_changed"})
    assert [event.pk for event in by_action.context["events"]] == [events["changed"].pk]
    by_actor = client.get(LIST, {"actor": "ha@tinh"})
    assert [event.pk for event in by_actor.context["events"]] == [events["changed"].pk]
    today = timezone.localdate().isoformat()
    assert len(client.get(LIST, {"since": today, "until": today}).context["events"]) == 2
    assert len(client.get(LIST, {"until": "2020-01-01"}).context["events"]) == 0


@pytest.mark.parametrize(
    "query",
    [
        {"since": "2026-13-45"},
        {"since": "2026-12-01", "until": "2026-11-01"},
        {"action": "drop_table"},
        {"actor": "x" * 100_000},
    ],
)
def test_bad_filters_are_answered_with_their_reason_not_the_whole_log(client, platform_admin, events, query):
    client.force_login(platform_admin)

    response = client.get(LIST, query)

    assert response.status_code == 400
    assert list(response.context["events"]) == []


def test_hostile_filter_text_is_not_reflected_as_markup(client, platform_admin, events):
    client.force_login(platform_admin)

    response = client.get(LIST, {"subject": '"><script>alert(1)</script>', "actor": "' OR 1=1 --"})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert list(response.context["events"]) == []


def test_the_list_costs_the_same_queries_for_many_events(
    client, platform_admin, events, django_assert_max_num_queries
):
    for _index in range(30):
        audit_record_outside_request(events)
    client.force_login(platform_admin)

    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert response.context["paginator"].count == 32


def audit_record_outside_request(events):
    from django.db import transaction

    with transaction.atomic():
        audit.record(
            action=audit.Action.TARGET_CHANGED, actor=events["officer"], subject=events["target"],
            changes={"note": ["a", "b"]},
        )  # fmt: skip


def test_the_dashboard_menu_shows_the_log_to_admins_only(client, platform_admin, events):
    client.force_login(platform_admin)
    assert f'href="{LIST}"' in client.get(reverse("dashboard:index")).content.decode()

    client.force_login(cooperative_staff_user())
    assert f'href="{LIST}"' not in client.get(reverse("dashboard:index")).content.decode()


def test_the_django_admin_shows_the_log_read_only(client, platform_admin, events):
    client.force_login(platform_admin)

    assert client.get("/django-admin/audit/auditevent/").status_code == 200
    assert client.get("/django-admin/audit/auditevent/add/").status_code == 403
    delete = f"/django-admin/audit/auditevent/{events['changed'].pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.count() == 2
