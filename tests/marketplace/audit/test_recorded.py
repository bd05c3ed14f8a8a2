"""Each change the log is for leaves its event, with who, when and what
changed, made the way users make it: approvals, settlements, refunds, stock
adjustments (lots, the stock record form) and the plan's targets. A change
that fails leaves no event."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin as django_admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.test.factories import create_product, create_stockrecord

from catalog import services as catalog_services
from catalog.models import Lot
from cooperatives import services as cooperative_services
from cooperatives.models import Cooperative
from marketplace import roles
from marketplace.audit.models import AuditEvent
from marketplace.ledger.models import LedgerAccount
from marketplace.ledger.services import ledger_record_order, settlement_create
from reports.models import Target
from tests.factories import administrative_tree, approved_cooperative, user_with_role
from tests.marketplace.ledger.test_refund_views import refund_url

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def only_event(action) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [str(event) for event in AuditEvent.objects.all()]
    return events[0]


@pytest.fixture
def officer():
    return user_with_role(roles.PROVINCE_OFFICER, first_name="Hà", last_name="Vũ", email="ha@tinh.example")


def application(units, name="Hợp tác xã Chè Hồng Thái"):
    return Cooperative.objects.create(
        legal_name=name, slug=cooperative_services._unique_slug(name), registration_number=f"HT-{name[-4:]}",
        commune=units["02254"], address="Thôn 2", phone="0987000111", email="ht@htx.example",
        representative="Lý Văn B", status=Cooperative.Status.APPLIED, applied_at=timezone.now(),
    )  # fmt: skip


def test_an_approval_names_the_officer_and_the_status_change(officer):
    cooperative = application(administrative_tree())

    cooperative_services.cooperative_approve(cooperative=cooperative, approved_by=officer)

    event = only_event(Action.COOPERATIVE_APPROVED)
    assert event.actor == officer and event.actor_label == "Hà Vũ <ha@tinh.example>"
    assert event.subject_id == str(cooperative.pk) and "Chè Hồng Thái" in event.subject_label
    assert event.changes == {"status": ["applied", "approved"]}


def test_a_rejection_and_a_suspension_keep_their_reasons(officer):
    units = administrative_tree()
    rejected = application(units, "Hợp tác xã Một")
    cooperative_services.cooperative_reject(
        cooperative=rejected, rejected_by=officer, reason="Thiếu giấy phép"
    )
    approved = application(units, "Hợp tác xã Hai")
    cooperative_services.cooperative_approve(cooperative=approved, approved_by=officer)
    cooperative_services.cooperative_suspend(cooperative=approved, suspended_by=officer, reason="Hàng giả")

    assert only_event(Action.COOPERATIVE_REJECTED).changes == {
        "status": ["applied", "rejected"], "rejection_reason": ["", "Thiếu giấy phép"],
    }  # fmt: skip
    assert only_event(Action.COOPERATIVE_SUSPENDED).changes == {
        "status": ["approved", "suspended"], "rejection_reason": ["", "Hàng giả"],
    }  # fmt: skip


def test_a_refused_decision_leaves_no_event(officer):
    rejected = application(administrative_tree())
    cooperative_services.cooperative_reject(
        cooperative=rejected, rejected_by=officer, reason="Thiếu giấy phép"
    )

    with pytest.raises(ValidationError):
        cooperative_services.cooperative_approve(cooperative=rejected, approved_by=officer)

    assert not AuditEvent.objects.filter(action=Action.COOPERATIVE_APPROVED).exists()


def test_a_settlement_records_the_amount_paid_out(platform_admin, cooperatives, two_cooperative_order):
    son_tra, _phu_luu = cooperatives
    ledger_record_order(order=two_cooperative_order)
    account = LedgerAccount.objects.get(partner=son_tra.partner)

    settlement = settlement_create(account=account, reference="UNC 0042", created_by=platform_admin)

    event = only_event(Action.SETTLEMENT_RECORDED)
    assert event.actor == platform_admin and event.subject_id == str(settlement.pk)
    assert event.changes["amount"] == [None, settlement.amount] and settlement.amount > 0
    assert event.changes["reference"] == [None, "UNC 0042"]
    assert "Sơn Trà" in event.subject_label


def test_a_refund_through_the_page_is_recorded(client, platform_admin, cooperatives, paid_order):
    son_tra, _phu_luu = cooperatives
    client.force_login(platform_admin)

    response = client.post(
        refund_url(paid_order),
        {"action": "partner", "partner": son_tra.partner.pk, "amount": "100000", "reason": "Chè bị ẩm"},
    )

    assert response.status_code == 302
    event = only_event(Action.REFUND_ISSUED)
    assert event.actor == platform_admin and event.subject_id == str(paid_order.pk)
    assert event.changes["refunded"] == [None, 100_000]
    assert event.changes["refundable"] == [300_000, 200_000]
    assert event.changes["reason"] == [None, "Chè bị ẩm"]


def test_a_refund_stripe_refuses_leaves_no_event(client, platform_admin, cooperatives, paid_order):
    client.force_login(platform_admin)
    client.post(
        refund_url(paid_order),
        {"action": "partner", "partner": cooperatives[0].partner.pk, "amount": "999999999", "reason": "x"},
    )

    assert not AuditEvent.objects.filter(action=Action.REFUND_ISSUED).exists()


@pytest.fixture
def tea_shop():
    units = administrative_tree()
    staff = user_with_role(roles.COOPERATIVE_STAFF, email="thu@htx.example")
    cooperative = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"], staff=staff)
    tea = create_product(title="Chè Shan tuyết")
    tea.categories.add(create_from_breadcrumbs("Chè"))
    create_stockrecord(tea, price=Decimal(150000), num_in_stock=0, partner_name=cooperative.partner.name)
    return {"cooperative": cooperative, "tea": tea, "staff": staff}


def test_a_new_lot_and_its_recall_adjust_stock_on_the_record(tea_shop, officer):
    lot = catalog_services.lot_create(
        cooperative=tea_shop["cooperative"], product=tea_shop["tea"], quantity=40,
        produced_on=datetime.date(2026, 11, 1), unit="gói", created_by=tea_shop["staff"],
    )  # fmt: skip
    catalog_services.lot_recall(lot=lot, reason="Dư lượng thuốc", recalled_by=officer)

    added = only_event(Action.STOCK_ADJUSTED)
    assert added.actor == tea_shop["staff"] and added.subject_id == str(lot.pk)
    assert added.changes == {"lot_quantity": [None, 40], "stock_for_sale": [0, 40]}
    recalled = only_event(Action.LOT_RECALLED)
    assert recalled.actor == officer
    assert recalled.changes["status"] == [Lot.Status.OPEN, Lot.Status.RECALLED]
    assert recalled.changes["stock_for_sale"] == [40, 0]


def form_fields(form) -> dict:
    """What a browser would send for ``form`` as it stands."""
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.text
        else:
            data[name] = field.get("value", "")
    return data


def test_stock_changed_by_hand_in_the_dashboard_is_recorded(client, platform_admin, tea_shop):
    client.force_login(platform_admin)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": tea_shop["tea"].pk})
    page = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    form = page.find("form", id="create_update_product_form")
    data = form_fields(form)
    assert data["stockrecords-0-num_in_stock"] == "0"
    data["stockrecords-0-num_in_stock"] = "25"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    event = only_event(Action.STOCK_ADJUSTED)
    assert event.actor == platform_admin
    assert event.changes == {"num_in_stock": [0, 25]}
    assert "Chè Shan tuyết" in event.subject_label


def target_form(**fields):
    return {
        "indicator": "communes_selling_online", "threshold_percent": "40", "starts_on": "2026-01-01",
        "deadline": "2031-06-30", "source_document": "Kế hoạch số 99/KH-UBND", "note": "", **fields,
    }  # fmt: skip


def test_targets_added_and_changed_by_an_officer_are_recorded(client, officer):
    client.force_login(officer)
    client.post(reverse("reports:target-add"), target_form())
    target = Target.objects.get(source_document="Kế hoạch số 99/KH-UBND")
    edit = reverse("reports:target-edit", kwargs={"pk": target.pk})
    client.post(edit, target_form(threshold_percent="45.5"))

    created = only_event(Action.TARGET_CREATED)
    assert created.actor == officer and created.changes["threshold_percent"] == [None, "40.00"]
    changed = only_event(Action.TARGET_CHANGED)
    assert changed.changes == {"threshold_percent": ["40.00", "45.50"]}


def test_a_target_deleted_in_the_admin_is_recorded_with_what_it_was(platform_admin):
    target = Target.objects.create(
        indicator="communes_selling_online", threshold_percent=Decimal("40.00"),
        starts_on=datetime.date(2026, 1, 1), deadline=datetime.date(2031, 6, 30), source_document="KH 99",
    )  # fmt: skip
    request = RequestFactory().post("/")
    request.user = platform_admin

    django_admin.site._registry[Target].delete_model(request, target)

    assert not Target.objects.filter(pk=target.pk).exists()
    event = only_event(Action.TARGET_DELETED)
    assert event.changes["threshold_percent"] == ["40.00", None]
    assert event.changes["source_document"] == ["KH 99", None]
