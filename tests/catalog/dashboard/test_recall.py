"""A lot is recalled by its own cooperative's staff, or by a province officer
for any cooperative; either way it goes off sale at once."""

import datetime

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from catalog import services
from catalog.models import Lot
from tests.catalog.dashboard import ROLES, assert_refused_for, login_as

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")

REASON = "Dư lượng thuốc bảo vệ thực vật vượt ngưỡng"


def staff_recall_url(lot):
    return reverse("cooperative-catalog:lot-recall", kwargs={"pk": lot.pk})


def officer_recall_url(lot):
    return reverse("lot-review:recall", kwargs={"pk": lot.pk})


def assert_off_sale(lot, product, by):
    lot.refresh_from_db()
    assert lot.status == Lot.Status.RECALLED
    assert lot.recall_reason == REASON
    assert lot.recalled_by == by
    assert StockRecord.objects.get(product=product).net_stock_level == 0


def assert_on_sale(lot, product):
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPEN
    assert StockRecord.objects.get(product=product).net_stock_level == lot.quantity_available


# --- By the cooperative's staff ----------------------------------------------


def test_staff_recall_their_lot_and_it_goes_off_sale(staff_client, staff, lot, product, mailoutbox):
    response = staff_client.post(staff_recall_url(lot), {"reason": REASON})
    assert response.status_code == 302
    assert_off_sale(lot, product, staff)
    detail = staff_client.get(reverse("cooperative-catalog:lot-detail", kwargs={"pk": lot.pk}))
    assert REASON in detail.content.decode()


def test_a_recall_needs_a_reason(staff_client, lot, product):
    response = staff_client.post(staff_recall_url(lot), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert_on_sale(lot, product)


def test_a_recalled_lot_cannot_be_recalled_again(staff_client, staff, lot, product):
    services.lot_recall(lot=lot, reason=REASON, recalled_by=staff)
    response = staff_client.post(staff_recall_url(lot), {"reason": "Lần hai"})
    assert response.status_code == 200
    lot.refresh_from_db()
    assert lot.recall_reason == REASON


@pytest.mark.parametrize("role", [r for r in ROLES if r != "staff"])
def test_only_the_cooperative_s_staff_recall_from_its_dashboard(client, users, role, lot, product):
    login_as(client, users, role)
    response = client.post(staff_recall_url(lot), {"reason": REASON})
    if role == "other_staff":
        assert response.status_code == 404
    else:
        assert_refused_for(response, role)
    assert_on_sale(lot, product)


# --- By the province ----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_use_the_province_s_lot_pages(client, users, role, lot, product):
    login_as(client, users, role)
    for url in (reverse("lot-review:list"), officer_recall_url(lot)):
        response = client.get(url)
        if role == "province_officer":
            assert response.status_code == 200, url
        else:
            assert_refused_for(response, role)
    response = client.post(officer_recall_url(lot), {"reason": REASON})
    if role == "province_officer":
        assert response.status_code == 302
        assert_off_sale(lot, product, users[role])
    else:
        assert_refused_for(response, role)
        assert_on_sale(lot, product)


def test_a_platform_admin_may_recall_too(client, lot, product):
    from tests.factories import user_with_role

    admin = user_with_role("Platform admin")
    client.force_login(admin)
    assert client.post(officer_recall_url(lot), {"reason": REASON}).status_code == 302
    assert_off_sale(lot, product, admin)


def test_an_officer_needs_to_give_a_reason(client, users, lot, product):
    login_as(client, users, "province_officer")
    response = client.post(officer_recall_url(lot), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert_on_sale(lot, product)


def test_an_unknown_lot_is_not_found(client, users):
    login_as(client, users, "province_officer")
    assert client.get(reverse("lot-review:recall", kwargs={"pk": 999999})).status_code == 404


def test_officers_find_lots_by_code_or_cooperative(client, users, lot, other_lot):
    login_as(client, users, "province_officer")
    url = reverse("lot-review:list")
    assert list(client.get(url).context["lots"]) == [other_lot, lot]
    assert list(client.get(url, {"q": "sontra-26"}).context["lots"]) == [lot]
    assert list(client.get(url, {"q": "Cam Phù"}).context["lots"]) == [other_lot]
    assert list(client.get(url, {"q": "không có"}).context["lots"]) == []


def test_the_officers_list_is_paginated_and_keeps_the_search(client, users, cooperative, product, lot):
    for day in range(1, 27):
        services.lot_create(
            product=product, cooperative=cooperative, produced_on=datetime.date(2026, 9, day), quantity=1
        )
    login_as(client, users, "province_officer")
    response = client.get(reverse("lot-review:list"), {"q": "000123"})
    assert response.context["is_paginated"]
    assert len(response.context["lots"]) == 25
    assert "q=000123&amp;page=2" in response.content.decode()
    assert len(client.get(reverse("lot-review:list"), {"q": "000123", "page": 2}).context["lots"]) == 1


def test_a_search_with_a_script_is_shown_as_text(client, users, lot):
    login_as(client, users, "province_officer")
    response = client.get(reverse("lot-review:list"), {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
