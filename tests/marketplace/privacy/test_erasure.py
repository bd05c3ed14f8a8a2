"""Deleting one's account: only with the password and the typed e-mail,
only for buyers, all at once or not at all; the orders stay for the
accounts and the reports, with nothing left that names the buyer."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace import roles
from marketplace.privacy import services
from reports.periods import Period
from reports.selectors import cooperative_report, unit_report
from tests.factories import cooperative_staff_user, user_with_role

from .conftest import HOA, LAN, LAN_TRACES, PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()
Basket = get_model("basket", "Basket")
Email = get_model("communication", "Email")
FulfilmentGroup = get_model("order", "FulfilmentGroup")
LedgerEntry = get_model("ledger", "LedgerEntry")
Line = get_model("order", "Line")
Notification = get_model("communication", "Notification")
Order = get_model("order", "Order")
ProductAlert = get_model("customer", "ProductAlert")
ProductReview = get_model("reviews", "ProductReview")
UserAddress = get_model("address", "UserAddress")
UserSearch = get_model("analytics", "UserSearch")
Vote = get_model("reviews", "Vote")
WishList = get_model("wishlists", "WishList")


def delete(client, user, **data):
    client.force_login(user)
    return client.post(
        reverse("privacy:delete"), {"password": PASSWORD, "confirmation": user.email, **data}
    )


def accounting(order) -> dict:
    """What the accounts and the cooperatives read of an order."""
    order = Order.objects.get(pk=order.pk)
    return {
        "order": (order.number, order.total_incl_tax, order.total_excl_tax, order.shipping_incl_tax,
                  order.status, order.date_placed, order.payment_method_code),
        "lines": list(Line.objects.filter(order=order).order_by("pk").values_list(
            "partner_id", "title", "quantity", "line_price_incl_tax", "unit_price_incl_tax")),
        "groups": list(FulfilmentGroup.objects.filter(order=order).order_by("pk").values_list(
            "partner_id", "status", "merchandise_total", "shipping_charge", "refunded_total", "buyer_key",
            "payment_method_code")),
        "ledger": list(LedgerEntry.objects.filter(order=order).order_by("pk").values_list(
            "account_id", "kind", "amount", "settlement_id")),
        "where": (order.shipping_address.line3, order.shipping_address.line4, order.shipping_address.state,
                  order.shipping_address.country_id),
    }  # fmt: skip


def report_figures(shop) -> dict:
    today = timezone.localdate()
    period = Period.month(today.year, today.month)
    report = unit_report(unit=shop["units"]["province"], period=period)
    return {
        "activity": report.activity.as_dict(),
        "indicators": [(result.code, result.numerator, result.denominator) for result in report.indicators],
        "rows": [(row.unit.pk, row.activity.as_dict()) for row in report.rows],
        "cooperatives": [
            cooperative_report(cooperative=shop[name], period=period).activity.as_dict()
            for name in ("son_tra", "phu_luu")
        ],
    }


def personal_rows(user_pk) -> dict:
    return {
        "addresses": UserAddress.objects.filter(user_id=user_pk).count(),
        "wishlists": WishList.objects.filter(owner_id=user_pk).count(),
        "alerts": ProductAlert.objects.filter(user_id=user_pk).count(),
        "baskets": Basket.objects.filter(owner_id=user_pk).count(),
        "emails": Email.objects.filter(user_id=user_pk).count(),
        "notifications": Notification.objects.filter(recipient_id=user_pk).count(),
        "reviews": ProductReview.objects.filter(user_id=user_pk).count(),
        "votes": Vote.objects.filter(user_id=user_pk).count(),
        "searches": UserSearch.objects.filter(user_id=user_pk).count(),
        "orders": Order.objects.filter(user_id=user_pk).count(),
    }


def everything_in_the_database() -> str:
    """Every row of every table, as text."""
    chunks = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        chunks += [json.dumps(row, default=str, ensure_ascii=False) for row in model._base_manager.values()]
    return "\n".join(chunks)


def test_after_deletion_the_orders_stay_and_nothing_names_the_buyer(
    client, shop, lan, hoa, lan_votes_for_hoa
):
    user, order = lan["user"], lan["order"]
    accounts_before, hoa_before = accounting(order), accounting(hoa["order"])
    figures_before = report_figures(shop)
    assert all(trace in everything_in_the_database() for trace in LAN_TRACES)

    response = delete(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:index")
    # Signed out, and cannot sign in again.
    assert client.get(reverse("privacy:account")).status_code == 302
    assert not client.login(username=LAN["email"], password=PASSWORD)
    assert not User.objects.filter(pk=user.pk).exists()
    message = client.get(response["Location"]).content.decode()
    assert "accounting" in message or "kế toán" in message

    # The order, its lines, the cooperatives' parts and the ledger as they were.
    assert accounting(order) == accounts_before
    assert accounting(hoa["order"]) == hoa_before
    assert report_figures(shop) == figures_before
    order.refresh_from_db()
    assert order.user_id is None and order.guest_email == "" and order.email == ""
    address = order.shipping_address
    assert (address.first_name, address.line1, address.line2, str(address.phone_number or ""), address.notes,
            address.postcode) == ("", "—", "", "", "", "")  # fmt: skip
    kept = ("Xã Hồng Thái", "Huyện Na Hang", "Tỉnh Tuyên Quang")
    assert (address.line3, address.line4, address.state) == kept

    # Nothing of hers anywhere: not in the order's rows, nor in any table.
    assert set(personal_rows(user.pk).values()) == {0}
    database = everything_in_the_database()
    for trace in LAN_TRACES:
        assert trace not in database, trace
    # Hoa keeps everything; Lan's vote left her review's count.
    assert personal_rows(hoa["user"].pk) == {**personal_rows(hoa["user"].pk), "orders": 1, "addresses": 1}
    assert HOA["street"] in database
    hoa["review"].refresh_from_db()
    assert (hoa["review"].total_votes, hoa["review"].delta_votes) == (0, 0)
    # The product's rating no longer counts her review.
    shop["tea"].refresh_from_db()
    assert shop["tea"].rating is None


@pytest.mark.parametrize(
    "data",
    [
        {"password": "not-her-password"},
        {"password": ""},
        {"confirmation": "someone.else@example.vn"},
        {"confirmation": ""},
        {"password": "<script>alert(1)</script>", "confirmation": "<script>alert(1)</script>"},
        {"password": PASSWORD + "\x00"},
        {"confirmation": LAN["email"] + "\x00"},
        {"password": "x" * 1_000_000},
        {"confirmation": "x" * 1_000_000},
    ],
    ids=["wrong-password", "no-password", "wrong-email", "no-email", "script", "nul-password", "nul-email",
         "megabyte-password", "megabyte-email"],  # fmt: skip
)
def test_a_wrong_or_hostile_confirmation_deletes_nothing(client, lan, data):
    user = lan["user"]
    before = personal_rows(user.pk)

    response = delete(client, user, **data)

    assert response.status_code == 200
    assert response.context["form"].errors
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert PASSWORD not in page
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert personal_rows(user.pk) == before
    assert client.get(reverse("privacy:account")).status_code == 200


def test_the_e_mail_is_typed_in_any_case_and_spacing(client, lan):
    response = delete(client, lan["user"], confirmation=f"  {LAN['email'].upper()} ")
    assert response.status_code == 302
    assert not User.objects.filter(pk=lan["user"].pk).exists()


def test_deletion_is_a_post_only(client, lan):
    client.force_login(lan["user"])
    assert client.get(reverse("privacy:delete")).status_code == 405
    assert User.objects.filter(pk=lan["user"].pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, lan):
    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirmation": LAN["email"]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("customer:login"))
    assert User.objects.filter(pk=lan["user"].pk).exists()


def test_back_office_accounts_cannot_delete_themselves(client, shop):
    for role, user in {
        roles.COOPERATIVE_STAFF: cooperative_staff_user(shop["son_tra"].partner),
        roles.TOURISM_OFFICER: user_with_role(roles.TOURISM_OFFICER),
        roles.PROVINCE_OFFICER: user_with_role(roles.PROVINCE_OFFICER),
        roles.PLATFORM_ADMIN: user_with_role(roles.PLATFORM_ADMIN),
    }.items():
        user.set_password(PASSWORD)
        user.save()
        client.force_login(user)
        page = client.get(reverse("privacy:account"))
        assert page.status_code == 200
        assert "privacy-delete-form" not in page.content.decode(), role
        assert page.context["back_office"], role
        response = delete(client, user)
        assert response.status_code == 403, role
        assert User.objects.filter(pk=user.pk).exists(), role


def test_an_order_on_its_way_keeps_the_account(client, lan, place):
    order = place(lan["user"], LAN, delivered=False)
    before = personal_rows(lan["user"].pk)

    client.force_login(lan["user"])
    page = client.get(reverse("privacy:account"))
    assert page.context["blockers"] and "privacy-delete-form" not in page.content.decode()
    response = delete(client, lan["user"])

    assert response.status_code == 302 and response["Location"] == reverse("privacy:account")
    assert personal_rows(lan["user"].pk) == before
    order.shipping_address.refresh_from_db()
    assert order.shipping_address.line1 == LAN["street"]


def test_the_service_refuses_a_back_office_account(shop):
    staff = cooperative_staff_user(shop["son_tra"].partner)
    with pytest.raises(ValidationError):
        services.account_erase(user=staff)
    assert User.objects.filter(pk=staff.pk).exists()


@pytest.mark.parametrize(
    "step",
    ["_orders_anonymise", "_card_checkouts_forget", "_reviews_delete", "_vouchers_unlink", "_account_delete"],
)
def test_a_failure_midway_leaves_everything_as_it_was(monkeypatch, shop, lan, hoa, lan_votes_for_hoa, step):
    user, order = lan["user"], lan["order"]
    accounts_before, rows_before = accounting(order), personal_rows(user.pk)
    database_before = everything_in_the_database()
    real_step = getattr(services, step)

    def step_then_fail(**kwargs):
        real_step(**kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, step, step_then_fail)
    with pytest.raises(RuntimeError):
        services.account_erase(user=user)

    assert User.objects.filter(pk=user.pk).exists()
    assert accounting(order) == accounts_before
    assert personal_rows(user.pk) == rows_before
    assert everything_in_the_database() == database_before


def test_oscar_s_own_delete_profile_leads_to_the_privacy_page(client, lan):
    client.force_login(lan["user"])
    for method in (client.get, client.post):
        response = method(reverse("customer:profile-delete"), {"password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == reverse("privacy:account")
    assert User.objects.filter(pk=lan["user"].pk).exists()
