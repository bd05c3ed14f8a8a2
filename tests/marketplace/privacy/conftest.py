"""A buyer with something in every table that keeps personal data: orders
from two cooperatives (delivered, paid, in the ledger), an address book,
a wish list, a stock alert, a review and a vote, e-mails, a notification,
a basket and browsing records; and a second buyer who must stay untouched."""

import itertools
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import ShippingAddressFactory, create_order, create_product, create_stockrecord

from marketplace import roles
from marketplace.ledger.services import ledger_record_order
from tests.factories import administrative_tree, approved_cooperative, user_with_role

Basket = get_model("basket", "Basket")
BillingAddress = get_model("order", "BillingAddress")
Country = get_model("address", "Country")
Email = get_model("communication", "Email")
FulfilmentGroup = get_model("order", "FulfilmentGroup")
Notification = get_model("communication", "Notification")
ProductAlert = get_model("customer", "ProductAlert")
ProductReview = get_model("reviews", "ProductReview")
UserAddress = get_model("address", "UserAddress")
UserProductView = get_model("analytics", "UserProductView")
UserSearch = get_model("analytics", "UserSearch")
Vote = get_model("reviews", "Vote")
WishList = get_model("wishlists", "WishList")

PASSWORD = "mua-hang-an-toan-2026"

# What identifies the buyer; none of it may survive the erasure anywhere.
LAN = {
    "first_name": "Thị Lan",
    "last_name": "Nguyễn",
    "email": "lan.buyer@example.vn",
    "phone": "+84987654321",
    "street": "Thôn Hồng Ba 17",
    "note": "Gọi chị Thị Lan trước khi giao",
}
LAN_TRACES = ("Thị Lan", "lan.buyer", "987654321", "Hồng Ba")

HOA = {
    "first_name": "Thị Hoa",
    "last_name": "Trần",
    "email": "hoa.buyer@example.vn",
    "phone": "+84961112233",
    "street": "Bản Khuổi Phầy 9",
    "note": "",
}

_numbers = itertools.count(710001)


@pytest.fixture
def shop(db):
    units = administrative_tree()
    son_tra = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"])
    phu_luu = approved_cooperative(legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"])
    tea = create_product(title="Chè Shan tuyết Sơn Trà")
    create_stockrecord(tea, price=Decimal("150000"), num_in_stock=100, partner_name=son_tra.partner.name)
    oranges = create_product(title="Cam sành Phù Lưu")
    create_stockrecord(oranges, price=Decimal("45000"), num_in_stock=100, partner_name=phu_luu.partner.name)
    vn, _ = Country.objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"printable_name": "Việt Nam", "name": "Việt Nam"}
    )
    return {"units": units, "son_tra": son_tra, "phu_luu": phu_luu, "tea": tea, "oranges": oranges, "vn": vn}


def _buyer(person):
    user = user_with_role(
        roles.BUYER, email=person["email"], first_name=person["first_name"], last_name=person["last_name"]
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def place(shop):
    """An order of ``user`` delivered to ``person``'s address in Hồng Thái,
    Na Hang, both cooperatives' parts delivered and in their ledgers."""

    def place(user, person, *, delivered=True, quantities=(2, 3)):
        basket = Basket.objects.create(owner=user)
        basket.strategy = Default()
        basket.add_product(shop["tea"], quantities[0])
        basket.add_product(shop["oranges"], quantities[1])
        address = ShippingAddressFactory(
            country=shop["vn"], first_name=person["first_name"], last_name=person["last_name"],
            line1=person["street"], line3="Xã Hồng Thái", line4="Huyện Na Hang", state="Tỉnh Tuyên Quang",
            postcode="22000", phone_number=person["phone"], notes=person["note"],
        )  # fmt: skip
        billing = BillingAddress.objects.create(
            country=shop["vn"], first_name=person["first_name"], last_name=person["last_name"],
            line1=person["street"], line3="Xã Hồng Thái", line4="Huyện Na Hang", state="Tỉnh Tuyên Quang",
        )  # fmt: skip
        order = create_order(
            basket=basket, user=user, shipping_address=address, billing_address=billing,
            number=str(next(_numbers)),
        )  # fmt: skip
        if delivered:
            FulfilmentGroup.objects.filter(order=order).update(
                status=FulfilmentGroup.Status.DELIVERED, delivered_at=timezone.now()
            )
            ledger_record_order(order=order)
        return order

    return place


@pytest.fixture
def lan(shop, place):
    """Lan, a buyer with data in every table, and her order."""
    user = _buyer(LAN)
    order = place(user, LAN)
    UserAddress.objects.create(
        user=user, country=shop["vn"], first_name=LAN["first_name"], last_name=LAN["last_name"],
        line1=LAN["street"], line3="Xã Hồng Thái", line4="Huyện Na Hang", phone_number=LAN["phone"],
    )  # fmt: skip
    wishlist = WishList.objects.create(owner=user, name="Quà Tết gửi Thôn Hồng Ba")
    wishlist.add(shop["tea"])
    ProductAlert.objects.create(user=user, product=shop["oranges"])
    Email.objects.create(
        user=user, email=LAN["email"], subject="Đơn hàng của chị Lan", body_text="Cảm ơn chị Thị Lan."
    )
    Notification.objects.create(
        recipient=user, subject="Chào chị Lan", body="Đơn hàng đã giao tới Thôn Hồng Ba 17."
    )
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    basket.add_product(shop["oranges"], 1)
    ProductReview.objects.create(
        product=shop["tea"], user=user, score=5, title="Chè rất thơm",
        body="Lan ở Hồng Ba uống hàng ngày.", status=ProductReview.APPROVED,
    )  # fmt: skip
    UserProductView.objects.create(user=user, product=shop["tea"])
    UserSearch.objects.create(user=user, query="chè Hồng Ba")
    return {"user": user, "order": order}


@pytest.fixture
def hoa(shop, place):
    """Hoa, another buyer, with an order, an address and a review Lan voted on."""
    user = _buyer(HOA)
    order = place(user, HOA, quantities=(1, 1))
    UserAddress.objects.create(
        user=user, country=shop["vn"], first_name=HOA["first_name"], last_name=HOA["last_name"],
        line1=HOA["street"], line3="Xã Phù Lưu", line4="Huyện Hàm Yên", phone_number=HOA["phone"],
    )  # fmt: skip
    review = ProductReview.objects.create(
        product=shop["oranges"], user=user, score=4, title="Cam ngọt", body="Ngọt.",
        status=ProductReview.APPROVED,
    )  # fmt: skip
    return {"user": user, "order": order, "review": review}


@pytest.fixture
def lan_votes_for_hoa(lan, hoa):
    Vote.objects.create(review=hoa["review"], user=lan["user"], delta=Vote.UP)
    hoa["review"].refresh_from_db()
    return hoa["review"]
