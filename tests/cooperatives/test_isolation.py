"""Staff of one cooperative can never see or change another's data.

The test walks Django's URL resolver over every dashboard and cooperative
URL, so a URL added later is covered automatically: a new URL with arguments
must be given its arguments in ``OBJECT_URLS`` or ``PLATFORM_URLS`` below, or
the walk fails and says which.
"""

import datetime
import hashlib
import re
from decimal import Decimal

import pytest
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from oscar.core.loading import get_model
from oscar.test.factories import (
    CountryFactory,
    ShippingAddressFactory,
    create_order,
    create_product,
    create_stockrecord,
)

from catalog import services as catalog_services
from cooperatives.models import Certification, Cooperative, CooperativeDocument, LinkageModel, RawMaterialArea
from marketplace.audit.models import AuditEvent
from tests.factories import administrative_tree, approved_cooperative

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Line = get_model("order", "Line")
Order = get_model("order", "Order")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

PREFIXES = ("/shop/dashboard/", "/cooperatives/")


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name


def covered_url_names():
    names = set()
    for route, name in walk(get_resolver().url_patterns):
        if ("/" + route.lstrip("^")).startswith(PREFIXES):
            names.add(name)
    return sorted(names)


def url_arguments(name):
    """The names of a URL's arguments, from its pattern."""
    resolver = get_resolver()
    possibilities = resolver.reverse_dict.getlist(name.split(":")[-1])
    for route, name_ in walk(resolver.url_patterns):
        if name_ == name:
            return set(
                re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
                and [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]
            )
    return set(possibilities)


@pytest.fixture
def world():
    units = administrative_tree()
    a = approved_cooperative(legal_name="Hợp tác xã Sơn Trà", commune=units["02254"])
    b = approved_cooperative(legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"])
    staff_a = a.partner.users.get()
    staff_b = b.partner.users.get()

    area_a = RawMaterialArea.objects.create(
        cooperative=a, name="Đồi chè Hồng Ba", commune=units["02254"], area_hectares=Decimal("12.5"),
        main_crop="Chè Shan tuyết", latitude=Decimal("22.35"), longitude=Decimal("105.38"),
    )  # fmt: skip
    certification_a = Certification.objects.create(
        raw_material_area=area_a, scheme="vietgap", certificate_number="VG-SONTRA-01", issuer="Sở NN&PTNT",
        valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2099, 12, 31),
    )  # fmt: skip
    linkage_a = LinkageModel.objects.create(
        enterprise_name="Công ty Chè Hà Nội Sơn Trà", product_description="Chè búp tươi Sơn Trà",
        signed_on=datetime.date(2024, 3, 1),
    )  # fmt: skip
    linkage_a.cooperatives.add(a)
    linkage_a.raw_material_areas.add(area_a)
    document_a = CooperativeDocument.objects.create(cooperative=a, file="cooperatives/documents/a.pdf")

    product_a = create_product(title="Chè Shan tuyết Sơn Trà")
    stockrecord_a = create_stockrecord(
        product_a, price=Decimal("150000"), num_in_stock=20, partner_name=a.partner.name
    )
    product_b = create_product(title="Cam sành Phù Lưu")
    create_stockrecord(product_b, price=Decimal("45000"), num_in_stock=50, partner_name=b.partner.name)
    lot_a = catalog_services.lot_create(
        product=product_a, cooperative=a, produced_on=datetime.date(2026, 10, 1), quantity=20,
        raw_material_area=area_a, code="SONTRA-261001",
    )  # fmt: skip

    basket = Basket.objects.create()
    basket.strategy = get_class_default_strategy()
    basket.add_product(product_a)
    shipping_address = ShippingAddressFactory(
        country=CountryFactory(iso_3166_1_a2="VN", printable_name="Việt Nam"),
        first_name="Lan", last_name="Nguyễn", line1="Thôn Hồng Ba", line4="Na Hang",
        phone_number="+84912345678",
    )  # fmt: skip
    order_a = create_order(basket=basket, number="100001", shipping_address=shipping_address)
    note_a = order_a.notes.create(message="Giao trước Tết Sơn Trà")
    basket_b = Basket.objects.create()
    basket_b.strategy = get_class_default_strategy()
    basket_b.add_product(product_b)
    order_b = create_order(basket=basket_b, number="100002")

    return {
        "a": a, "b": b, "staff_a": staff_a, "staff_b": staff_b, "area_a": area_a,
        "certification_a": certification_a, "linkage_a": linkage_a, "document_a": document_a,
        "product_a": product_a, "stockrecord_a": stockrecord_a, "order_a": order_a,
        "line_a": order_a.lines.get(), "note_a": note_a, "order_b": order_b, "lot_a": lot_a,
        "group_a": order_a.fulfilment_groups.get(),
    }  # fmt: skip


def ledger_account_of(cooperative):
    from marketplace.ledger.models import LedgerAccount

    return LedgerAccount.objects.get_or_create(partner=cooperative.partner)[0]


def get_class_default_strategy():
    from oscar.apps.partner.strategy import Default

    return Default()


# URLs of one cooperative's objects: its staff may use them, others may not.
OBJECT_URLS = {
    "cooperative-dashboard:area-update": lambda w: {"pk": w["area_a"].pk},
    "cooperative-dashboard:area-delete": lambda w: {"pk": w["area_a"].pk},
    "cooperative-dashboard:certification-create": lambda w: {"area_pk": w["area_a"].pk},
    "cooperative-dashboard:certification-delete": lambda w: {"pk": w["certification_a"].pk},
    "cooperative-dashboard:linkage-model-update": lambda w: {"pk": w["linkage_a"].pk},
    "cooperative-catalog:product-update": lambda w: {"pk": w["product_a"].pk},
    "cooperative-catalog:lot-detail": lambda w: {"pk": w["lot_a"].pk},
    "cooperative-catalog:lot-event-create": lambda w: {"pk": w["lot_a"].pk},
    "cooperative-catalog:lot-recall": lambda w: {"pk": w["lot_a"].pk},
    "cooperative-catalog:lot-label": lambda w: {"pk": w["lot_a"].pk},
    "cooperative-catalog:lot-label-sheet": lambda w: {"pk": w["lot_a"].pk},
    "cooperative-orders:group-detail": lambda w: {"pk": w["group_a"].pk},
}

# URLs with arguments that no cooperative's staff may use at all (platform
# staff and province officers only), given A's objects where they apply.
PLATFORM_URLS = {
    "ledger:settle": lambda w: {"pk": ledger_account_of(w["a"]).pk},
    # A's approval, as the audit log recorded it (platform admins only).
    "audit:event-detail": lambda w: {"pk": AuditEvent.objects.filter(subject_id=str(w["a"].pk)).first().pk},
    "ledger:order-refund": lambda w: {"number": w["order_a"].number},
    "cooperatives:review-detail": lambda w: {"pk": w["a"].pk},
    "cooperatives:review-approve": lambda w: {"pk": w["a"].pk},
    "cooperatives:review-reject": lambda w: {"pk": w["a"].pk},
    "cooperatives:review-suspend": lambda w: {"pk": w["a"].pk},
    "cooperatives:review-document": lambda w: {"pk": w["document_a"].pk},
    "lot-review:recall": lambda w: {"pk": w["lot_a"].pk},
    "dashboard:partner-manage": lambda w: {"pk": w["a"].partner.pk},
    "dashboard:partner-delete": lambda w: {"pk": w["a"].partner.pk},
    "dashboard:partner-user-create": lambda w: {"partner_pk": w["a"].partner.pk},
    "dashboard:partner-user-select": lambda w: {"partner_pk": w["a"].partner.pk},
    "dashboard:partner-user-link": lambda w: {"partner_pk": w["a"].partner.pk, "user_pk": w["staff_b"].pk},
    "dashboard:partner-user-unlink": lambda w: {"partner_pk": w["a"].partner.pk, "user_pk": w["staff_a"].pk},
    "dashboard:partner-user-update": lambda w: {"partner_pk": w["a"].partner.pk, "user_pk": w["staff_a"].pk},
    "dashboard:user-detail": lambda w: {"pk": w["staff_a"].pk},
    "dashboard:user-password-reset": lambda w: {"pk": w["staff_a"].pk},
    "dashboard:user-alert-delete": lambda w: {"pk": 1},
    "dashboard:user-alert-update": lambda w: {"pk": 1},
    # Oscar's order pages show a whole order, every cooperative's lines and
    # the buyer's e-mail: platform staff only (marketplace.dashboard.orders).
    # Cooperatives fulfil their own share in cooperative-orders.
    "dashboard:order-detail": lambda w: {"number": w["order_a"].number},
    "dashboard:order-detail-note": lambda w: {"number": w["order_a"].number, "note_id": w["note_a"].pk},
    "dashboard:order-line-detail": lambda w: {"number": w["order_a"].number, "line_id": w["line_a"].pk},
    "dashboard:order-shipping-address": lambda w: {"number": w["order_a"].number},
    # Oscar's product pages are for platform staff only: cooperatives keep
    # their products in their own tools (marketplace.dashboard.catalogue).
    "dashboard:catalogue-product": lambda w: {"pk": w["product_a"].pk},
    "dashboard:catalogue-product-delete": lambda w: {"pk": w["product_a"].pk},
    "dashboard:catalogue-product-create": lambda w: {
        "product_class_slug": w["product_a"].get_product_class().slug
    },
    "dashboard:catalogue-product-create-child": lambda w: {"parent_pk": w["product_a"].pk},
    "dashboard:catalogue-category-detail-list": lambda w: {"pk": 1},
    "dashboard:catalogue-category-create-child": lambda w: {"parent": 1},
    "dashboard:catalogue-category-update": lambda w: {"pk": 1},
    "dashboard:catalogue-category-delete": lambda w: {"pk": 1},
    "dashboard:catalogue-class-update": lambda w: {"pk": w["product_a"].get_product_class().pk},
    "dashboard:catalogue-class-delete": lambda w: {"pk": w["product_a"].get_product_class().pk},
    "dashboard:catalogue-attribute-option-group-update": lambda w: {"pk": "1"},
    "dashboard:catalogue-attribute-option-group-delete": lambda w: {"pk": "1"},
    "dashboard:catalogue-option-update": lambda w: {"pk": "1"},
    "dashboard:catalogue-option-delete": lambda w: {"pk": "1"},
    "dashboard:page-update": lambda w: {"pk": "1"},
    "dashboard:page-delete": lambda w: {"pk": "1"},
    "dashboard:offer-metadata": lambda w: {"pk": 1},
    "dashboard:offer-condition": lambda w: {"pk": 1},
    "dashboard:offer-benefit": lambda w: {"pk": 1},
    "dashboard:offer-restrictions": lambda w: {"pk": 1},
    "dashboard:offer-delete": lambda w: {"pk": 1},
    "dashboard:offer-detail": lambda w: {"pk": 1},
    "dashboard:range-update": lambda w: {"pk": 1},
    "dashboard:range-delete": lambda w: {"pk": 1},
    "dashboard:range-products": lambda w: {"pk": 1},
    "dashboard:range-reorder": lambda w: {"pk": 1},
    "dashboard:reviews-update": lambda w: {"pk": 1},
    "dashboard:reviews-delete": lambda w: {"pk": 1},
    "dashboard:voucher-update": lambda w: {"pk": 1},
    "dashboard:voucher-delete": lambda w: {"pk": 1},
    "dashboard:voucher-stats": lambda w: {"pk": 1},
    "dashboard:voucher-set-update": lambda w: {"pk": 1},
    "dashboard:voucher-set-detail": lambda w: {"pk": 1},
    "dashboard:voucher-set-download": lambda w: {"pk": 1},
    "dashboard:voucher-set-delete": lambda w: {"pk": 1},
    "dashboard:comms-update": lambda w: {"slug": "ORDER_PLACED"},
    "dashboard:shipping-method-detail": lambda w: {"pk": 1},
    "dashboard:shipping-method-edit": lambda w: {"pk": 1},
    "dashboard:shipping-method-delete": lambda w: {"pk": 1},
    "dashboard:shipping-method-band-edit": lambda w: {"method_pk": 1, "pk": 1},
    "dashboard:shipping-method-band-delete": lambda w: {"method_pk": 1, "pk": 1},
}

# Pages with arguments that hold nobody's data: every cooperative's staff may
# use them for their own cooperative, and the public ones anyone may read.
SHARED_URLS = {
    "cooperatives:detail": lambda w: {"slug": w["a"].slug},
}

# Strings only cooperative A's data contains.
A_SECRETS = ("Đồi chè Hồng Ba", "VG-SONTRA-01", "Chè búp tươi Sơn Trà", "Chè Shan tuyết Sơn Trà", "100001",
             "Giao trước Tết Sơn Trà")  # fmt: skip


def a_snapshot(w):
    """Everything of cooperative A, serialised: any change by B shows here."""
    a = w["a"]
    querysets = [
        Cooperative.objects.filter(pk=a.pk),
        Partner.objects.filter(pk=a.partner_id),
        RawMaterialArea.objects.filter(cooperative=a),
        Certification.objects.filter(raw_material_area__cooperative=a),
        LinkageModel.objects.filter(cooperatives=a),
        CooperativeDocument.objects.filter(cooperative=a),
        Product.objects.filter(stockrecords__partner=a.partner),
        StockRecord.objects.filter(partner=a.partner),
        Order.objects.filter(lines__partner=a.partner).distinct(),
        Line.objects.filter(partner=a.partner),
        w["order_a"].notes.all(),
    ]
    data = "".join(serializers.serialize("json", qs.order_by("pk")) for qs in querysets)
    data += repr(sorted(a.partner.users.values_list("pk", flat=True)))
    return hashlib.sha256(data.encode()).hexdigest()


HOSTILE_POST = {
    "name": "Đã bị sửa", "title": "Đã bị sửa", "legal_name": "Đã bị sửa", "message": "Đã bị sửa",
    "certificate_number": "X", "enterprise_name": "X", "status": "rejected", "rejection_reason": "x",
    "reason": "x", "num_in_stock": "0",
}  # fmt: skip


def test_every_url_with_arguments_is_in_the_isolation_table():
    unknown = [
        name
        for name in covered_url_names()
        if url_arguments(name) and name not in OBJECT_URLS | PLATFORM_URLS | SHARED_URLS
    ]
    assert unknown == [], f"Add these URLs to the isolation tables of {__file__}: {unknown}"


def test_staff_of_another_cooperative_can_neither_see_nor_change_its_objects(client, world):
    before = a_snapshot(world)
    client.force_login(world["staff_b"])
    failures = []
    for name, arguments in {**OBJECT_URLS, **PLATFORM_URLS}.items():
        url = reverse(name, kwargs=arguments(world))
        for method in ("get", "post"):
            response = getattr(client, method)(url, HOSTILE_POST if method == "post" else None)
            # 405: a read-only view refuses any POST before it looks anything
            # up, so it neither reveals nor changes anything.
            allowed = (403, 404, 405) if method == "post" else (403, 404)
            if response.status_code not in allowed:
                failures.append(f"{method.upper()} {url} -> {response.status_code}")
    assert failures == []
    assert a_snapshot(world) == before


def test_lists_of_another_cooperative_show_none_of_its_data(client, world):
    client.force_login(world["staff_b"])
    for name in covered_url_names():
        if url_arguments(name) or name in ("dashboard:logout",):
            continue
        response = client.get(reverse(name))
        if response.status_code == 200:
            content = response.content.decode()
            leaked = [secret for secret in A_SECRETS if secret in content]
            assert leaked == [], f"{name} shows cooperative A's {leaked} to B's staff"


def test_staff_of_the_cooperative_use_its_object_urls(client, world):
    client.force_login(world["staff_a"])
    for name, arguments in OBJECT_URLS.items():
        url = reverse(name, kwargs=arguments(world))
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} -> {response.status_code}"


@pytest.mark.parametrize("name", sorted(OBJECT_URLS) + ["cooperative-dashboard:profile", "dashboard:index"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    url = reverse(name, kwargs=OBJECT_URLS[name](world)) if name in OBJECT_URLS else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_suspended_cooperative_s_staff_lose_its_tools(client, world):
    from cooperatives import services

    services.cooperative_suspend(cooperative=world["a"], suspended_by=None, reason="Kiểm tra chất lượng")
    client.force_login(world["staff_a"])
    assert client.get(reverse("cooperative-dashboard:profile")).status_code == 403
    url = reverse("cooperative-dashboard:area-update", kwargs={"pk": world["area_a"].pk})
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "name",
    ["dashboard:catalogue-product-list", "dashboard:catalogue-product-lookup", "dashboard:stock-alert-list"],
)
def test_cooperative_staff_keep_products_in_their_own_tools_not_oscar_s(client, world, name):
    from oscar.apps.dashboard.menu import get_nodes

    client.force_login(world["staff_a"])
    assert client.get(reverse(name)).status_code == 403

    def url_names(nodes):
        for node in nodes:
            yield node.url_name
            yield from url_names(node.children)

    menu = set(url_names(get_nodes(world["staff_a"])))
    assert "dashboard:catalogue-product-list" not in menu
    assert "cooperative-catalog:product-list" in menu
