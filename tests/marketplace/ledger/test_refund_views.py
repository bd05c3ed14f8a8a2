"""The platform's refund page: a card order's money goes back through Stripe
(localstripe here, a real Stripe-compatible server) and the refund is booked
to the cooperatives' accounts."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from marketplace import roles
from marketplace.checkout.services import payment_source_add
from marketplace.ledger.models import LedgerEntry
from marketplace.ledger.services import ledger_record_order
from marketplace.order import services as order_services
from marketplace.payments import services as payments
from marketplace.payments.models import StripePayment, StripeRefund
from tests.factories import PartnerFactory, UserFactory, user_with_role
from tests.marketplace.payments.stripe_buyer import buyer_pays

pytestmark = pytest.mark.django_db

Kind = LedgerEntry.Kind
SON_TRA, PHU_LUU = "Hợp tác xã Sơn Trà", "Hợp tác xã Cam Phù Lưu"


def refund_url(order, language="en"):
    """The page in ``language``: English by default, so the tests read its
    English words (Vietnamese is served without a prefix)."""
    with translation.override(language):
        return reverse("ledger:order-refund", kwargs={"number": order.number})


def record_sales(order):
    return ledger_record_order(
        order=order, shipping_by_partner={g.partner: g.shipping_charge for g in order.fulfilment_groups.all()}
    )


@pytest.fixture
def paid_order(stripe_settings, two_cooperative_order):
    """The two-cooperative order (300.000 ₫ of tea from Sơn Trà, 135.000 ₫ of
    oranges from Phù Lưu) paid by card and captured, as checkout leaves it."""
    order = two_cooperative_order
    payment, _secret = payments.stripe_payment_start(order_number=order.number, total=order.total_incl_tax)
    buyer_pays(payment)
    payment = payments.stripe_payment_capture(payment=payments.stripe_payment_refresh(payment=payment))
    payment_source_add(
        order=order, provider_code="stripe", amount=order.total_incl_tax, reference=payment.intent_id
    )
    record_sales(order)
    return order


@pytest.fixture
def admin(client):
    client.force_login(user_with_role(roles.PLATFORM_ADMIN))
    return client


def refund_entries(partner=None):
    entries = LedgerEntry.objects.filter(kind__in=[Kind.REFUND, Kind.COMMISSION_REVERSAL])
    if partner is not None:
        entries = entries.filter(account__partner=partner)
    return sorted(entries.values_list("kind", "amount"))


def refunds_at_stripe(order) -> list[int]:
    intent_id = StripePayment.objects.get(order_number=order.number).intent_id
    refunds = payments.stripe_client().v1.refunds.list(params={"payment_intent": intent_id})
    return sorted(refund.amount for refund in refunds.data)


def assert_nothing_refunded(order):
    assert not StripeRefund.objects.exists()
    assert refund_entries() == []
    assert StripePayment.objects.get(order_number=order.number).amount_refunded == 0


def shares_of(response):
    return [(s["seller"], s["sold"], s["refunded"], s["left"]) for s in response.context["shares"]]


def test_the_page_shows_what_each_cooperative_sold_and_has_left(admin, paid_order):
    response = admin.get(refund_url(paid_order))
    assert response.status_code == 200
    assert shares_of(response) == [(SON_TRA, 300_000, 0, 300_000), (PHU_LUU, 135_000, 0, 135_000)]
    content = response.content.decode()
    for shown in (SON_TRA, PHU_LUU, "300.000\u00a0₫", "135.000\u00a0₫", "Refund everything (435.000\u00a0₫)"):
        assert shown in content
    assert content.count('name="action" value="partner"') == 2


def test_a_partial_refund_of_one_cooperative_goes_through_stripe_and_its_account(
    admin, cooperatives, paid_order
):
    son_tra, phu_luu = cooperatives
    response = admin.post(
        refund_url(paid_order),
        {
            "action": "partner",
            "partner": son_tra.partner.pk,
            "amount": "100000",
            "reason": "Hai gói chè bị ẩm",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "100.000\u00a0₫ refunded on order" in response.content.decode()
    refund = StripeRefund.objects.get()
    assert (refund.partner, refund.amount, refund.reason) == (son_tra.partner, 100_000, "Hai gói chè bị ẩm")
    # 5 % of the 100.000 ₫ refunded goes back to the cooperative.
    assert refund_entries(son_tra.partner) == [(Kind.COMMISSION_REVERSAL, 5_000), (Kind.REFUND, -100_000)]
    assert refund_entries(phu_luu.partner) == []
    assert refunds_at_stripe(paid_order) == [100_000]
    assert shares_of(response) == [(SON_TRA, 300_000, 100_000, 200_000), (PHU_LUU, 135_000, 0, 135_000)]
    # Each cooperative's part of the order keeps what was refunded of it (the province's reports read it).
    refunded = dict(paid_order.fulfilment_groups.values_list("partner_id", "refunded_total"))
    assert refunded == {son_tra.partner_id: 100_000, phu_luu.partner_id: 0}


def test_refunding_more_than_is_left_is_refused_and_nothing_recorded(admin, cooperatives, paid_order):
    son_tra, _ = cooperatives
    response = admin.post(
        refund_url(paid_order),
        {"action": "partner", "partner": son_tra.partner.pk, "amount": "300001", "reason": "Nhầm giá"},
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    content = response.content.decode()
    assert "The refund is more than this cooperative sold in the order." in content
    # The typed amount comes back in its row, to be corrected.
    assert 'value="300001"' in content
    assert_nothing_refunded(paid_order)
    assert refunds_at_stripe(paid_order) == []


def test_a_full_refund_gives_back_each_cooperative_s_remainder(admin, cooperatives, paid_order):
    son_tra, phu_luu = cooperatives
    partial = {"action": "partner", "partner": son_tra.partner.pk, "amount": "100000", "reason": "Một gói ẩm"}
    assert admin.post(refund_url(paid_order), partial).status_code == 302
    response = admin.post(
        refund_url(paid_order), {"action": "full", "reason": "<b>Khách huỷ cả đơn</b>"}, follow=True
    )
    assert response.status_code == 200
    assert "335.000\u00a0₫ refunded on order" in response.content.decode()
    refunds = StripeRefund.objects.order_by("pk").values_list("partner", "amount")
    assert list(refunds) == [
        (son_tra.partner.pk, 100_000),
        (son_tra.partner.pk, 200_000),
        (phu_luu.partner.pk, 135_000),
    ]
    assert refunds_at_stripe(paid_order) == [100_000, 135_000, 200_000]
    assert StripePayment.objects.get(order_number=paid_order.number).amount_refunded == 435_000
    assert refund_entries(phu_luu.partner) == [(Kind.COMMISSION_REVERSAL, 6_750), (Kind.REFUND, -135_000)]
    assert shares_of(response) == [(SON_TRA, 300_000, 300_000, 0), (PHU_LUU, 135_000, 135_000, 0)]
    content = response.content.decode()
    assert "Refund everything" not in content and 'value="partner"' not in content
    # The reason is shown among the refunds made, as text.
    assert "<b>Khách" not in content and "&lt;b&gt;Khách huỷ cả đơn&lt;/b&gt;" in content
    response = admin.post(refund_url(paid_order), {"action": "full", "reason": "Lần nữa"})
    assert "Nothing is left to refund on this order." in response.content.decode()
    assert StripeRefund.objects.count() == 3


def test_a_refund_stripe_refuses_is_shown_and_not_recorded(admin, cooperatives, paid_order):
    son_tra, _ = cooperatives
    # An intent Stripe does not know: it answers 404, as it would for a
    # payment made on another account.
    StripePayment.objects.filter(order_number=paid_order.number).update(intent_id="pi_not_at_stripe")
    response = admin.post(
        refund_url(paid_order),
        {"action": "partner", "partner": son_tra.partner.pk, "amount": "1000", "reason": "Thử"},
    )
    assert response.status_code == 200
    assert "Stripe refused the refund: " in response.content.decode()
    assert_nothing_refunded(paid_order)
    assert shares_of(response)[0] == (SON_TRA, 300_000, 0, 300_000)


def test_a_cash_order_is_refunded_in_person_not_here(admin, cooperatives, two_cooperative_order):
    son_tra, _ = cooperatives
    order = two_cooperative_order
    payment_source_add(order=order, provider_code="cod", amount=order.total_incl_tax)
    # Sơn Trà delivered and took the cash: its sale is in its account.
    group = order.fulfilment_groups.get(partner=son_tra.partner)
    for to_status, extra in [
        ("confirmed", {}),
        ("packed", {}),
        ("shipped", {"carrier": "GHN", "tracking_number": "GHN1"}),
        ("delivered", {"cash_received": True}),
    ]:
        group = order_services.fulfilment_group_advance(group=group, to_status=to_status, by=None, **extra)
    page = admin.get(refund_url(order)).content.decode()
    assert "paid in cash on delivery" in page and 'name="action"' not in page
    response = admin.post(
        refund_url(order),
        {"action": "partner", "partner": son_tra.partner.pk, "amount": "1000", "reason": "x"},
    )
    assert response.status_code == 200
    assert (
        "Cash is given back by the cooperative in person, not through the site." in response.content.decode()
    )
    assert refund_entries() == [] and not StripeRefund.objects.exists()


HOSTILE = {
    "negative amount": {"amount": "-5"},
    "zero amount": {"amount": "0"},
    "decimal amount": {"amount": "1.5"},
    "exponent amount": {"amount": "1e5"},
    "huge amount": {"amount": "99999999999999"},
    "5000 digits": {"amount": "9" * 5000},
    "text amount": {"amount": "một trăm nghìn"},
    "NUL in amount": {"amount": "100\x00"},
    "no amount": {"amount": ""},
    "NUL in reason": {"reason": "Hàng\x00hỏng"},
    "huge reason": {"reason": "x" * 1_000_000},
    "no reason": {"reason": "   "},
    "unknown cooperative": {"partner": "999999"},
    "text cooperative": {"partner": "Sơn Trà"},
    "no cooperative": {"partner": ""},
    "unknown action": {"action": "everything"},
    "amount with a full refund": {"action": "full", "amount": "1000"},
}


@pytest.mark.parametrize("change", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_refused_and_nothing_is_refunded(admin, cooperatives, paid_order, change):
    son_tra, _ = cooperatives
    data = {
        "action": "partner",
        "partner": son_tra.partner.pk,
        "amount": "1000",
        "reason": "Hàng hỏng",
        **change,
    }
    response = admin.post(refund_url(paid_order), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "data-refund-errors" in response.content.decode()
    assert_nothing_refunded(paid_order)


def test_another_order_s_cooperative_cannot_be_refunded_on_this_one(admin, paid_order):
    data = {"action": "partner", "partner": PartnerFactory().pk, "amount": "1000", "reason": "x"}
    response = admin.post(refund_url(paid_order), data)
    assert "partner" in response.context["form"].errors
    assert_nothing_refunded(paid_order)


# Access is tried on an order whose sales are booked, with no Stripe
# payment: every refusal comes before the order is even looked at.
@pytest.fixture
def booked_order(two_cooperative_order):
    record_sales(two_cooperative_order)
    return two_cooperative_order


def test_anonymous_visitors_are_sent_to_log_in(client, cooperatives, booked_order):
    son_tra, _ = cooperatives
    for response in (
        client.get(refund_url(booked_order, language="vi")),
        client.post(
            refund_url(booked_order, language="vi"),
            {"action": "partner", "partner": son_tra.partner.pk, "amount": "1000", "reason": "x"},
        ),
    ):
        assert response.status_code == 302 and "login" in response["Location"]
    assert refund_entries() == []


@pytest.mark.parametrize(
    "role", [roles.BUYER, roles.COOPERATIVE_STAFF, roles.TOURISM_OFFICER, roles.PROVINCE_OFFICER, "own staff"]
)
def test_only_platform_staff_may_refund(client, cooperatives, booked_order, role):
    son_tra, _ = cooperatives
    user = son_tra.partner.users.get() if role == "own staff" else user_with_role(role)
    client.force_login(user)
    url = refund_url(booked_order, language="vi")
    assert client.get(url).status_code == 403
    data = {"action": "full", "reason": "x"}
    assert client.post(url, data).status_code == 403
    assert refund_entries() == []


def test_seeing_the_ledger_is_not_enough_to_refund(client, booked_order):
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_ledgeraccount"))
    client.force_login(reader)
    assert client.get(refund_url(booked_order, language="vi")).status_code == 403


def test_platform_staff_open_the_page_from_the_order_and_unknown_orders_are_not_found(admin, booked_order):
    assert admin.get(refund_url(booked_order, language="vi")).status_code == 200
    order_page = admin.get(reverse("dashboard:order-detail", kwargs={"number": booked_order.number}))
    assert (
        reverse("ledger:order-refund", kwargs={"number": booked_order.number}) in order_page.content.decode()
    )
    assert reverse("dashboard:order-list") in admin.get(reverse("ledger:statement-list")).content.decode()
    missing = reverse("ledger:order-refund", kwargs={"number": "no-such-order"})
    assert admin.get(missing).status_code == 404
