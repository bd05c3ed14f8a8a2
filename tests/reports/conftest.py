"""A small province built by hand, where every indicator's value is known.

Edition 2025-03-01, province 08 with three districts:
- Na Hang (072): five xã (N1…N5) and one thị trấn (the town, not a commune
  the plan counts);
- Hàm Yên (074): five xã (H1…H5);
- Lâm Bình (071): no commune at all.
So the plan counts 10 communes and 3 districts.

Cooperatives (approved 2024-06-01 unless said):
- ``tea`` in N1: lists tea with a traceable lot, sells in 2025 → online;
- ``honey`` in N2: lists honey, sells nothing;
- ``orange`` in H1: lists oranges, sells in 2025, suspended on 2025-06-15;
- ``town`` in the town: lists rice, sells (counts in activity only);
- ``applied`` in H2: applied only, never approved.

Orders, all in the shop through Oscar's OrderCreator (dates local time):
- O1 2025-03-10, cash, buyer Lan: 2 tea (200,000);
- O2 2025-05-05, card, a guest: 1 tea + 1 orange (100,000 + 50,000);
- O3 2025-07-01, cash, Lan: 1 tea, cancelled → excluded;
- O4 2025-08-01, card, buyer Minh: 1 rice (80,000), 30,000 refunded → 50,000;
- O5 2025-04-01, card, Minh: 1 orange (50,000), refunded in full → excluded;
- O6 2024-12-31 23:30, cash, Lan: 1 tea, the year before.
So for 2025: 3 orders, 3 buyers, GMV 400,000, two paid by card, one cash.

Linkage models: ``tea_model`` (tea, N1, with a raw-material area, tea
category, signed 2024) is digital (lots and sales); ``honey_model`` (honey,
N2, with an area, declares a farm diary) is not; ``expired_model``
(orange, H1, with an area) expired in 2024. Pilots: an e-commerce pilot in
N1 since 2024-09-01 and a stopped one in H3.
"""

import datetime
import itertools
import shutil
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import ShippingAddressFactory, create_order

from catalog import services as catalog_services
from cooperatives.models import (
    AdministrativeUnit,
    Cooperative,
    CooperativeStatusChange,
    LinkageModel,
    PilotProgramme,
    RawMaterialArea,
)
from marketplace import roles
from tests.factories import approved_cooperative, user_with_role

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
Lot = get_model("catalogue", "Lot")
StockRecord = get_model("partner", "StockRecord")
FulfilmentGroup = get_model("order", "FulfilmentGroup")
Order = get_model("order", "Order")

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
EDITION = "2025-03-01"
APPROVED_ON = datetime.datetime(2024, 6, 1, 9, tzinfo=ZONE)
SUSPENDED_ON = datetime.datetime(2025, 6, 15, 9, tzinfo=ZONE)

_numbers = itertools.count(700001)


def local(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=ZONE)


@dataclass
class World:
    units: dict
    cooperatives: dict
    products: dict
    orders: dict
    linkage_models: dict
    pilots: dict
    buyers: dict


def _unit(code, name, unit_type, level, parent=None, **fields):
    return AdministrativeUnit.objects.create(
        edition=EDITION, code=code, name=f"{unit_type} {name}", short_name=name, unit_type=unit_type,
        level=level, parent=parent, **fields,
    )  # fmt: skip


def build_units() -> dict:
    province = _unit("08", "Tuyên Quang", "Tỉnh", "province")
    units = {"province": province}
    units["na_hang"] = _unit("072", "Na Hang", "Huyện", "district", province)
    units["ham_yen"] = _unit("074", "Hàm Yên", "Huyện", "district", province)
    units["lam_binh"] = _unit("071", "Lâm Bình", "Huyện", "district", province)
    for index in range(1, 6):
        units[f"N{index}"] = _unit(f"0220{index}", f"Na Hang {index}", "Xã", "commune", units["na_hang"])
        units[f"H{index}"] = _unit(f"0230{index}", f"Hàm Yên {index}", "Xã", "commune", units["ham_yen"])
    units["town"] = _unit("02200", "Na Hang", "Thị trấn", "commune", units["na_hang"])
    return units


def approved_since(cooperative: Cooperative, at: datetime.datetime) -> Cooperative:
    """Move the cooperative's approval (and application) back to ``at``."""
    CooperativeStatusChange.objects.filter(cooperative=cooperative).update(at=at)
    Cooperative.objects.filter(pk=cooperative.pk).update(approved_at=at, applied_at=at)
    return cooperative


def listed_product(cooperative, title, price, *, category=None, stocked_at=None):
    product_class, _ = ProductClass.objects.get_or_create(name="Nông sản", defaults={"track_stock": True})
    product = Product.objects.create(title=title, product_class=product_class, structure="standalone")
    if category is not None:
        product.categories.add(category)
    record = StockRecord.objects.create(
        product=product, partner=cooperative.partner, partner_sku=f"SKU-{product.pk}", price=Decimal(price),
        num_in_stock=1000,
    )  # fmt: skip
    StockRecord.objects.filter(pk=record.pk).update(date_created=stocked_at or APPROVED_ON)
    return product


def place_order(items, *, placed_at, payment="cod", user=None, guest_email=None):
    """An order through Oscar's OrderCreator (so its fulfilment groups are
    made as in the shop), placed at ``placed_at``."""
    basket = Basket.objects.create()
    basket.strategy = Default()
    for product, quantity in items:
        basket.add_product(product, quantity)
    Country.objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"printable_name": "Việt Nam", "name": "Việt Nam"}
    )
    address = ShippingAddressFactory(
        country=Country.objects.get(iso_3166_1_a2="VN"), first_name="Lan", last_name="Nguyễn",
        line1="Thôn 1", line4="Na Hang", phone_number="+84912345678",
    )  # fmt: skip
    extra = {"guest_email": guest_email} if guest_email else {"user": user}
    order = create_order(basket=basket, shipping_address=address, number=str(next(_numbers)), **extra)
    Order.objects.filter(pk=order.pk).update(date_placed=placed_at, payment_method_code=payment)
    # As checkout's payment_source_add does: the groups keep the method too.
    FulfilmentGroup.objects.filter(order=order).update(created_at=placed_at, payment_method_code=payment)
    order.refresh_from_db()
    return order


def refund(order, cooperative, amount):
    FulfilmentGroup.objects.filter(order=order, partner=cooperative.partner).update(refunded_total=amount)


def cancel(order, cooperative):
    FulfilmentGroup.objects.filter(order=order, partner=cooperative.partner).update(
        status=FulfilmentGroup.Status.CANCELLED
    )


def build_world() -> World:
    units = build_units()
    root = Category.add_root(name="Nông sản")
    tea_category = root.add_child(name="Chè")
    honey_category = root.add_child(name="Mật ong")

    tea = approved_since(approved_cooperative(legal_name="HTX Chè Na Hang", commune=units["N1"]), APPROVED_ON)
    honey = approved_since(approved_cooperative(legal_name="HTX Mật ong", commune=units["N2"]), APPROVED_ON)
    orange = approved_since(
        approved_cooperative(legal_name="HTX Cam Hàm Yên", commune=units["H1"]), APPROVED_ON
    )
    town = approved_since(
        approved_cooperative(legal_name="HTX Gạo Thị trấn", commune=units["town"]), APPROVED_ON
    )
    from cooperatives import services

    services.cooperative_suspend(cooperative=orange, suspended_by=None, reason="Giấy phép hết hạn")
    CooperativeStatusChange.objects.filter(cooperative=orange, status="suspended").update(at=SUSPENDED_ON)
    applied = Cooperative.objects.create(
        legal_name="HTX Mới", slug="htx-moi", registration_number="NEW-1", commune=units["H2"],
        address="Thôn 2", phone="0912345678", email="moi@htx.example", representative="Lê Văn C",
    )  # fmt: skip

    products = {
        "tea": listed_product(tea, "Chè Shan tuyết", "100000", category=tea_category),
        "honey": listed_product(honey, "Mật ong bạc hà", "120000", category=honey_category),
        "orange": listed_product(orange, "Cam sành", "50000"),
        "rice": listed_product(town, "Gạo nếp", "80000"),
    }
    catalog_services.lot_create(
        product=products["tea"], cooperative=tea, produced_on=datetime.date(2025, 1, 10), quantity=500,
        best_before=datetime.date(2026, 1, 10), code="TEA-250110",
    )  # fmt: skip
    Lot.objects.filter(code="TEA-250110").update(created_at=local(2025, 1, 10, 8))

    lan = user_with_role(roles.BUYER, email="lan@example.vn")
    minh = user_with_role(roles.BUYER, email="minh@example.vn")
    orders = {
        "O1": place_order([(products["tea"], 2)], placed_at=local(2025, 3, 10, 10), user=lan),
        "O2": place_order(
            [(products["tea"], 1), (products["orange"], 1)],
            placed_at=local(2025, 5, 5, 10),
            payment="stripe",
            guest_email="khach@example.vn",
        ),  # fmt: skip
        "O3": place_order([(products["tea"], 1)], placed_at=local(2025, 7, 1, 10), user=lan),
        "O4": place_order(
            [(products["rice"], 1)], placed_at=local(2025, 8, 1, 10), payment="stripe", user=minh
        ),
        "O5": place_order(
            [(products["orange"], 1)], placed_at=local(2025, 4, 1, 10), payment="stripe", user=minh
        ),
        "O6": place_order([(products["tea"], 1)], placed_at=local(2024, 12, 31, 23, 30), user=lan),
    }
    cancel(orders["O3"], tea)
    refund(orders["O4"], town, 30000)
    refund(orders["O5"], orange, 50000)

    def area(cooperative, commune):
        return RawMaterialArea.objects.create(
            cooperative=cooperative, name=f"Vùng {cooperative.legal_name}", commune=commune,
            area_hectares=Decimal("12.5"), main_crop="chè",
        )  # fmt: skip

    def model(cooperative, description, *, signed_on, expires_on=None, category=None, areas=(), tools=()):
        linkage = LinkageModel.objects.create(
            enterprise_name="Công ty Nông sản", product_description=description, signed_on=signed_on,
            expires_on=expires_on, product_category=category, declared_digital_tools=list(tools),
        )  # fmt: skip
        linkage.cooperatives.add(cooperative)
        linkage.raw_material_areas.add(*areas)
        return linkage

    linkage_models = {
        "tea_model": model(
            tea,
            "Chè búp tươi",
            signed_on=datetime.date(2024, 3, 1),
            category=tea_category,
            areas=[area(tea, units["N1"])],
        ),  # fmt: skip
        "honey_model": model(
            honey,
            "Mật ong",
            signed_on=datetime.date(2024, 3, 1),
            category=honey_category,
            areas=[area(honey, units["N2"])],
            tools=["farm_diary"],
        ),  # fmt: skip
        "expired_model": model(
            orange,
            "Cam",
            signed_on=datetime.date(2022, 1, 1),
            expires_on=datetime.date(2024, 12, 31),
            areas=[area(orange, units["H1"])],
        ),  # fmt: skip
    }
    pilots = {
        "n1": PilotProgramme.objects.create(
            commune=units["N1"],
            kind=PilotProgramme.Kind.ECOMMERCE_COMMUNE,
            started_on=datetime.date(2024, 9, 1),
        ),
        "h3": PilotProgramme.objects.create(
            commune=units["H3"],
            kind=PilotProgramme.Kind.ECOMMERCE_COMMUNE,
            started_on=datetime.date(2024, 9, 1),
            status=PilotProgramme.Status.STOPPED,
        ),  # fmt: skip
    }
    return World(
        units=units,
        cooperatives={"tea": tea, "honey": honey, "orange": orange, "town": town, "applied": applied},
        products=products,
        orders=orders,
        linkage_models=linkage_models,
        pilots=pilots,
        buyers={"lan": lan, "minh": minh},
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def poppler(tool: str) -> str:
    """The path of a poppler tool (pdftoppm, pdftotext, pdfinfo); the test is
    skipped, saying why, where Debian's poppler-utils is missing."""
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (Debian's poppler-utils) is not installed; CI installs it")
    return path
