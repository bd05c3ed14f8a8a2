"""The cooperative's order pages, tried by every role, and the buyer's
order page."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace import roles
from marketplace.ledger.models import LedgerEntry
from marketplace.order import services
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

FulfilmentGroup = get_model("order", "FulfilmentGroup")
Status = FulfilmentGroup.Status
LIST = reverse("cooperative-orders:group-list")


def detail(group):
    return reverse("cooperative-orders:group-detail", kwargs={"pk": group.pk})


@pytest.fixture
def order(place):
    return place()


@pytest.fixture
def group_a(shop, order):
    return order.fulfilment_groups.get(partner=shop["a"].partner)


@pytest.fixture
def group_b(shop, order):
    return order.fulfilment_groups.get(partner=shop["b"].partner)


def test_anonymous_visitors_are_sent_to_log_in(client, group_a):
    for url in (LIST, detail(group_a)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(detail(group_a), {"to_status": "confirmed"}).status_code == 302
    group_a.refresh_from_db()
    assert group_a.status == Status.NEW


@pytest.mark.parametrize("role", [roles.BUYER, roles.PROVINCE_OFFICER, roles.PLATFORM_ADMIN])
def test_users_of_no_cooperative_are_refused(client, shop, group_a, role):
    client.force_login(shop["buyer"] if role == roles.BUYER else user_with_role(role))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(group_a)).status_code == 403
    assert client.post(detail(group_a), {"to_status": "confirmed"}).status_code == 403
    group_a.refresh_from_db()
    assert group_a.status == Status.NEW


def test_the_list_shows_the_cooperative_s_own_groups_and_totals(client, shop, order):
    client.force_login(shop["staff_a"])
    response = client.get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert order.number in content
    # 4 × 150.000 ₫ of its own; the oranges of the other cooperative are not counted.
    assert "600.000" in content
    assert "90.000" not in content and "690.000" not in content
    assert [group.item_count for group in response.context["groups"]] == [4]


def test_the_list_filters_by_status(client, shop, place):
    first, second = place(), place()
    services.fulfilment_group_advance(
        group=first.fulfilment_groups.get(partner=shop["a"].partner), to_status=Status.CONFIRMED, by=None
    )
    client.force_login(shop["staff_a"])
    response = client.get(LIST, {"status": "confirmed"})
    assert [group.order.number for group in response.context["groups"]] == [first.number]
    response = client.get(LIST, {"status": "new"})
    assert [group.order.number for group in response.context["groups"]] == [second.number]
    # An unknown status is ignored, never a 500.
    assert client.get(LIST, {"status": "<script>"}).status_code == 200


def test_the_detail_shows_what_shipping_needs_and_nothing_more(client, shop, group_a):
    client.force_login(shop["staff_a"])
    response = client.get(detail(group_a))
    assert response.status_code == 200
    content = response.content.decode()
    for shown in ("Chè Shan tuyết Sơn Trà", "SONTRA-260901", "SONTRA-261001", "Lan Nguyễn", "+84912345678",
                  "Thôn Hồng Ba", "600.000"):  # fmt: skip
        assert shown in content
    for hidden in ("lan.buyer@example.vn", "Cam sành Phù Lưu", "90.000", "690.000"):
        assert hidden not in content


def test_another_cooperative_s_group_is_not_found(client, shop, group_a, group_b, order):
    client.force_login(shop["staff_b"])
    assert client.get(detail(group_a)).status_code == 404
    for to_status in ("confirmed", "cancelled"):
        response = client.post(detail(group_a), {"to_status": to_status, "note": "x"})
        assert response.status_code == 404
    group_a.refresh_from_db()
    assert group_a.status == Status.NEW
    content = client.get(LIST).content.decode() + client.get(detail(group_b)).content.decode()
    assert "Chè Shan tuyết" not in content and "SONTRA-" not in content and "600.000" not in content


def test_staff_move_their_group_along(client, shop, group_a):
    client.force_login(shop["staff_a"])
    for to_status, extra in [
        ("confirmed", {}),
        ("packed", {}),
        ("shipped", {"carrier": "Viettel Post", "tracking_number": "VTP123456789"}),
        ("delivered", {}),
    ]:
        response = client.post(detail(group_a), {"to_status": to_status, **extra})
        assert response.status_code == 302, response.content.decode()[-2000:]
        group_a.refresh_from_db()
        assert group_a.status == to_status
    assert list(group_a.events.values_list("by", flat=True)) == [shop["staff_a"].pk] * 4


def test_staff_cancel_with_a_reason(client, shop, group_a):
    client.force_login(shop["staff_a"])
    response = client.post(detail(group_a), {"to_status": "cancelled"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(detail(group_a), {"to_status": "cancelled", "note": "Mưa lũ, không giao được"})
    assert response.status_code == 302
    group_a.refresh_from_db()
    assert group_a.status == Status.CANCELLED and group_a.cancel_reason == "Mưa lũ, không giao được"


def test_a_move_the_status_does_not_allow_is_a_form_error(client, shop, group_a):
    client.force_login(shop["staff_a"])
    response = client.post(detail(group_a), {"to_status": "delivered"})
    assert response.status_code == 200 and response.context["form"].errors
    group_a.refresh_from_db()
    assert group_a.status == Status.NEW


def test_shipping_without_tracking_number_is_a_form_error(client, shop, group_a):
    services.fulfilment_group_advance(group=group_a, to_status=Status.CONFIRMED, by=None)
    services.fulfilment_group_advance(group=group_a, to_status=Status.PACKED, by=None)
    client.force_login(shop["staff_a"])
    response = client.post(detail(group_a), {"to_status": "shipped", "carrier": "GHN"})
    assert response.status_code == 200
    assert "tracking_number" in response.context["form"].errors
    group_a.refresh_from_db()
    assert group_a.status == Status.PACKED


@pytest.fixture
def packed_a(group_a):
    services.fulfilment_group_advance(group=group_a, to_status=Status.CONFIRMED, by=None)
    return services.fulfilment_group_advance(group=group_a, to_status=Status.PACKED, by=None)


def test_script_in_carrier_and_tracking_is_shown_as_text(client, shop, packed_a, order):
    client.force_login(shop["staff_a"])
    script = "<script>alert(1)</script>"
    response = client.post(
        detail(packed_a), {"to_status": "shipped", "carrier": script, "tracking_number": f"VTP{script}"}
    )
    assert response.status_code == 302
    for page in (client.get(detail(packed_a)), client.get(LIST)):
        assert script not in page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(detail(packed_a)).content.decode()
    client.force_login(shop["buyer"])
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert script not in page and "&lt;script&gt;" in page


def test_script_in_the_cancel_reason_is_shown_as_text(client, shop, group_a, order):
    client.force_login(shop["staff_a"])
    script = '<img src=x onerror="alert(1)">'
    assert client.post(detail(group_a), {"to_status": "cancelled", "note": script}).status_code == 302
    assert script not in client.get(detail(group_a)).content.decode()
    client.force_login(shop["buyer"])
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert script not in page and "&lt;img" in page


@pytest.mark.parametrize(
    "data",
    [
        {"to_status": "shipped", "carrier": "x" * 1_000_000, "tracking_number": "1"},
        {"to_status": "shipped", "carrier": "GHN", "tracking_number": "1" * 1_000_000},
        {"to_status": "shipped", "carrier": "GH\x00N", "tracking_number": "1"},
        {"to_status": "shipped", "carrier": "GHN", "tracking_number": "1\x002"},
    ],
    ids=["huge carrier", "huge tracking", "NUL carrier", "NUL tracking"],
)
def test_hostile_shipping_input_is_a_form_error(client, shop, packed_a, data):
    client.force_login(shop["staff_a"])
    response = client.post(detail(packed_a), data)
    assert response.status_code == 200 and response.context["form"].errors
    packed_a.refresh_from_db()
    assert packed_a.status == Status.PACKED and packed_a.carrier == ""


@pytest.mark.parametrize("note", ["x" * 1_000_000, "Hết\x00hàng"], ids=["huge", "NUL"])
def test_hostile_cancel_reason_is_a_form_error(client, shop, group_a, note):
    client.force_login(shop["staff_a"])
    response = client.post(detail(group_a), {"to_status": "cancelled", "note": note})
    assert response.status_code == 200 and response.context["form"].errors
    group_a.refresh_from_db()
    assert group_a.status == Status.NEW


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_few_queries_however_many_groups(
    client, shop, place, count, django_assert_max_num_queries
):
    for _ in range(count):
        place([(shop["oranges"], 1)])
    client.force_login(shop["staff_b"])
    # Session, user, cooperative, notifications, permissions, count and one
    # page of groups: 10. The rest is the dashboard menu, which looks up the
    # cooperative once per "My cooperative" entry (cooperative_staff_access
    # does not cache it). None of it grows with the number of groups.
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert len(response.context["groups"]) == min(count, 25)


def test_oscar_s_order_pages_are_for_platform_staff_only(client, shop, order):
    pages = [
        reverse("dashboard:order-list"),
        reverse("dashboard:order-detail", kwargs={"number": order.number}),
        reverse("dashboard:order-shipping-address", kwargs={"number": order.number}),
    ]
    client.force_login(shop["staff_a"])
    assert [client.get(url).status_code for url in pages] == [403, 403, 403]
    client.force_login(user_with_role(roles.PLATFORM_ADMIN))
    assert [client.get(url).status_code for url in pages] == [200, 200, 200]


def test_the_cooperative_s_menu_lists_its_orders(shop):
    from oscar.apps.dashboard.menu import get_nodes

    def url_names(nodes):
        for node in nodes:
            yield node.url_name
            yield from url_names(node.children)

    menu = set(url_names(get_nodes(shop["staff_a"])))
    assert "cooperative-orders:group-list" in menu
    assert "dashboard:order-list" not in menu


def in_english(url):
    """The same page under /en/: the words the tests look for are the English ones."""
    return url if url.startswith("/en/") else f"/en{url}"


def _shipped(group):
    services.fulfilment_group_advance(group=group, to_status=Status.CONFIRMED, by=None)
    services.fulfilment_group_advance(group=group, to_status=Status.PACKED, by=None)
    return services.fulfilment_group_advance(
        group=group, to_status=Status.SHIPPED, by=None, carrier="GHN", tracking_number="GHN123"
    )


def _paid_by(order, code):
    order.payment_method_code = code
    order.save(update_fields=["payment_method_code"])


@pytest.fixture
def shipped_cash_a(order, group_a):
    """Cooperative A's part of a cash order, on its way: 4 × 150.000 ₫ of tea
    and a 30.000 ₫ delivery fee, so the buyer owes A 630.000 ₫ at the door."""
    _paid_by(order, "cod")
    FulfilmentGroup.objects.filter(pk=group_a.pk).update(shipping_charge=30_000)
    return _shipped(group_a)


def ledger_of(partner):
    return dict(LedgerEntry.objects.filter(account__partner=partner).values_list("kind", "amount"))


def test_a_cash_order_s_page_asks_for_the_cash_with_its_amount(client, shop, shipped_cash_a):
    client.force_login(shop["staff_a"])
    content = client.get(in_english(detail(shipped_cash_a))).content.decode()
    assert "Cash on delivery" in content
    assert 'name="cash_received"' in content
    # Its own lines and delivery fee; never the other cooperative's oranges.
    assert "Cash received from the buyer (amount 630.000\u00a0₫)" in content
    assert "690.000" not in content and "720.000" not in content


# Django's checkbox reads any other value, "0" included, as ticked: the box
# itself only ever sends "on".
@pytest.mark.parametrize("ticked", [None, "", "false", "False"], ids=["absent", "empty", "false", "False"])
def test_a_cash_order_is_not_delivered_without_the_cash(client, shop, shipped_cash_a, ticked):
    client.force_login(shop["staff_a"])
    data = (
        {"to_status": "delivered"} if ticked is None else {"to_status": "delivered", "cash_received": ticked}
    )
    response = client.post(in_english(detail(shipped_cash_a)), data)
    assert response.status_code == 200
    assert "cash_received" in response.context["form"].errors
    assert "confirm that the buyer paid you in cash" in response.content.decode()
    shipped_cash_a.refresh_from_db()
    assert shipped_cash_a.status == Status.SHIPPED and shipped_cash_a.cash_received_at is None
    assert not LedgerEntry.objects.exists()


def test_ticking_the_cash_delivers_and_enters_this_cooperative_s_ledger_only(client, shop, shipped_cash_a):
    client.force_login(shop["staff_b"])
    response = client.post(detail(shipped_cash_a), {"to_status": "delivered", "cash_received": "on"})
    assert response.status_code == 404
    client.force_login(shop["staff_a"])
    response = client.post(detail(shipped_cash_a), {"to_status": "delivered", "cash_received": "on"})
    assert response.status_code == 302
    shipped_cash_a.refresh_from_db()
    assert shipped_cash_a.status == Status.DELIVERED and shipped_cash_a.cash_received_at is not None
    # The platform's 5 % of 630.000 ₫; cooperative B has delivered nothing yet.
    assert ledger_of(shop["a"].partner) == {
        LedgerEntry.Kind.SALE: 630_000,
        LedgerEntry.Kind.COMMISSION: -31_500,
    }
    assert ledger_of(shop["b"].partner) == {}
    content = client.get(in_english(detail(shipped_cash_a))).content.decode()
    assert "Cash received" in content and 'name="cash_received"' not in content


def test_a_card_order_s_group_is_delivered_without_the_cash_box(client, shop, order, group_a):
    _paid_by(order, "stripe")
    _shipped(group_a)
    client.force_login(shop["staff_a"])
    content = client.get(in_english(detail(group_a))).content.decode()
    assert "Card (Visa, Mastercard, JCB), paid online at checkout" in content
    assert 'name="cash_received"' not in content and "Cash on delivery" not in content
    assert client.post(detail(group_a), {"to_status": "delivered"}).status_code == 302
    group_a.refresh_from_db()
    assert group_a.status == Status.DELIVERED and group_a.cash_received_at is None
    # A card order's sale entered the ledger when the payment was captured, not now.
    assert not LedgerEntry.objects.exists()


def test_the_list_shows_how_each_order_is_paid(client, shop, place):
    cash, card = place([(shop["oranges"], 1)]), place([(shop["oranges"], 2)])
    _paid_by(cash, "cod")
    _paid_by(card, "stripe")
    client.force_login(shop["staff_b"])
    response = client.get(in_english(LIST))
    methods = {group.order.number: group.payment_method_name for group in response.context["groups"]}
    assert methods == {cash.number: "Cash on delivery", card.number: "Card (Visa, Mastercard, JCB)"}
    content = response.content.decode()
    assert 'data-payment-method="cod"><span class="badge badge-warning">Cash on delivery' in content
    assert 'data-payment-method="stripe">Card (Visa, Mastercard, JCB)' in content


def test_the_buyer_follows_each_cooperative_s_parcel(client, shop, order, group_a):
    services.fulfilment_group_advance(group=group_a, to_status=Status.CONFIRMED, by=None)
    services.fulfilment_group_advance(group=group_a, to_status=Status.PACKED, by=None)
    services.fulfilment_group_advance(
        group=group_a, to_status=Status.SHIPPED, by=None, carrier="VNPost", tracking_number="EE123456789VN"
    )
    client.force_login(shop["buyer"])
    with __import__("django").utils.translation.override("en"):
        response = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert response.status_code == 200
    content = response.content.decode()
    for shown in ("Hợp tác xã Sơn Trà", "Hợp tác xã Cam Phù Lưu", "VNPost", "EE123456789VN"):
        assert shown in content
    groups = {group.partner_id: group for group in response.context["order"].fulfilment_groups.all()}
    assert groups[shop["a"].partner_id].status == Status.SHIPPED
    assert groups[shop["b"].partner_id].status == Status.NEW


def test_another_buyer_cannot_open_the_order_page(client, shop, order):
    client.force_login(user_with_role(roles.BUYER))
    response = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert response.status_code == 404


def test_a_guest_follows_the_parcels_from_the_link_in_the_email(
    client, shop, place, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(guest_email="khach@example.vn")
    to_guest = next(message for message in mailoutbox if message.to == ["khach@example.vn"])
    link = reverse(
        "customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()}
    )
    assert link in to_guest.body
    # Oscar asks for the order's e-mail address before it shows the page.
    response = client.post(client.get(link)["Location"], {"email": "khach@example.vn"}, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hợp tác xã Sơn Trà" in content and "Hợp tác xã Cam Phù Lưu" in content
