"""The bench catalogue: what the province's cooperatives sell, as products
with their categories and stock records.

Titles combine the province's products and places, tones and all ("Cam
sành Hàm Yên loại 1", "Chè Shan tuyết Hồng Thái"), so searching finds many
things for common words as it would in production: cam sành is the most
common product and "Cam kết…" a common phrase of descriptions.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from oscar.core.loading import get_model

from .base import (
    BATCH_SIZE,
    MIN_PRODUCTS_PER_COOPERATIVE,
    SLUG_PREFIX,
    next_id,
    rows_write,
    sequences_reset,
    spread,
)


class ProductLine(NamedTuple):
    """Something the province's cooperatives sell."""

    name: str
    product_class: str  # slug of one of the classes of migration catalogue 0037
    category: str  # path of the category it is filed in
    feature: str  # what its description says
    weight: int  # how often it turns up: Hàm Yên's cam sành is everywhere


FRUIT, TEA, GRAIN = "Nông sản > Trái cây", "Nông sản > Chè", "Nông sản > Gạo và ngũ cốc"
HONEY, FOOD, SMOKED = "Thực phẩm > Mật ong", "Thực phẩm > Đặc sản chế biến", "Thực phẩm > Thịt gác bếp"
PRODUCT_LINES = tuple(ProductLine(*line) for line in (
    ("Cam sành", "fruit", FRUIT, "quả mọng nước, vỏ sần xanh, vị ngọt đậm", 12),
    ("Bưởi", "fruit", FRUIT, "múi vàng, ráo nước, vị ngọt thanh", 5),
    ("Quýt vàng", "fruit", FRUIT, "quả nhỏ, vỏ mỏng, thơm mùi tinh dầu", 2),
    ("Na dai", "fruit", FRUIT, "cùi dày, hạt nhỏ, ngọt sắc", 2),
    ("Chè Shan tuyết", "tea", TEA, "búp chè cổ thụ phủ lông tơ trắng, nước vàng sánh", 7),
    ("Chè xanh", "tea", TEA, "sao thủ công trên chảo gang, nước xanh, hậu ngọt", 4),
    ("Chè búp", "tea", TEA, "một tôm hai lá, hái buổi sáng sớm", 3),
    ("Mật ong bạc hà", "honey", HONEY, "ong nuôi trên cao nguyên đá, mật sánh màu hổ phách", 4),
    ("Mật ong hoa rừng", "honey", HONEY, "ong lấy mật từ hoa rừng tự nhiên", 3),
    ("Miến dong", "processed-food", FOOD, "sợi dai, trong, làm từ củ dong riềng", 5),
    ("Măng khô", "processed-food", FOOD, "măng nứa rừng luộc chín, phơi nắng", 4),
    ("Măng chua", "processed-food", FOOD, "muối chua theo cách của người Tày", 2),
    ("Gạo nếp", "rice-grain", GRAIN, "hạt tròn, dẻo thơm, hợp đồ xôi", 4),
    ("Gạo nếp cái hoa vàng", "rice-grain", GRAIN, "giống nếp cổ truyền", 2),
    ("Gạo Bao thai", "rice-grain", GRAIN, "cơm mềm, để nguội không cứng", 2),
    ("Lạc đỏ", "rice-grain", GRAIN, "hạt đỏ sẫm, béo, trồng trên nương", 2),
    ("Thịt trâu gác bếp", "processed-food", SMOKED, "tẩm mắc khén, hun khói bếp củi", 4),
    ("Lạp sườn gác bếp", "processed-food", SMOKED, "thịt lợn bản, hun khói", 2),
    ("Bánh gai", "processed-food", FOOD, "vỏ lá gai, nhân đỗ xanh dừa", 3),
    ("Rượu ngô men lá", "processed-food", "Thực phẩm > Đồ uống", "ủ bằng men lá rừng theo bài thuốc Dao", 2),
    ("Tinh bột sắn dây", "processed-food", FOOD, "lọc nhiều lần, trắng mịn", 2),
    ("Nấm hương rừng", "processed-food", "Nông sản > Lâm sản", "mũ dày, thơm, hái trên gỗ mục", 2),
    ("Mộc nhĩ", "processed-food", "Nông sản > Lâm sản", "tai mèo, giòn, phơi khô", 1),
    ("Ba kích tím", "processed-food", "Nông sản > Dược liệu", "củ ba kích rừng, ngâm rượu hoặc sấy", 1),
    ("Khăn thổ cẩm", "handicraft", "Thủ công > Thổ cẩm", "dệt tay trên khung cửi, hoa văn Tày", 2),
    ("Túi thổ cẩm", "handicraft", "Thủ công > Thổ cẩm", "may từ vải dệt tay của người Dao", 1),
    ("Giỏ mây tre đan", "handicraft", "Thủ công > Mây tre đan", "đan tay từ tre, nứa của bản", 1),
))  # fmt: skip
LINE_WEIGHTS = [line.weight for line in PRODUCT_LINES]
QUALIFIERS = ("", "", "", " loại 1", " hữu cơ", " đặc biệt", " túi quà", " thượng hạng")
# (sales unit, net weight in grams): the weight sets the delivery fee.
SALES_UNITS = (
    ("Túi 500 g", 500),
    ("Hộp 1 kg", 1000),
    ("Thùng 5 kg", 5000),
    ("Chai 500 ml", 650),
    ("Gói 200 g", 200),
    ("Chiếc", 300),
)
# Sentences any product description may carry, besides its own.
DESCRIPTION_SENTENCES = (
    "Cam kết không dùng chất bảo quản.",
    "Đóng gói cẩn thận, giao hàng toàn quốc.",
    "Bảo quản nơi khô ráo, thoáng mát.",
    "Hợp tác xã thu mua trực tiếp từ các hộ thành viên trong thôn.",
    "Sản xuất theo quy trình VietGAP.",
    "Thích hợp làm quà biếu dịp Tết.",
    "Cam kết đổi trả nếu sản phẩm không đúng mô tả.",
    "Mùa thu hoạch chính từ tháng Mười đến tháng Chạp.",
)
BENCH_NOTE = "<p><em>Dữ liệu bài đo hiệu năng</em>: sản phẩm giả định, không bán thật.</p>"
# One product in thirty is not listed (a draft, or taken off sale).
UNLISTED_SHARE = 1 / 30
# An OCOP rating is valid for 36 months (Decision 148/QĐ-TTg, 2023).
OCOP_VALIDITY_YEARS = 3


@dataclass
class BenchProduct:
    """A bench product with what lots, orders and its stock record need."""

    id: int
    code: str
    title: str
    owner: object  # cooperatives.BenchCooperative
    is_public: bool
    price: int
    weight_grams: int
    shelf_life_days: int
    raw_material_area: object | None
    record_id: int
    listed_at: datetime.datetime
    # Set by the later steps: what its open lots hold, what pending orders hold.
    available: int = 0
    allocated: int = 0


def categories_ensure() -> dict:
    """The category of every product line's path, made when missing."""
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    return {path: create_from_breadcrumbs(path) for path in sorted({line.category for line in PRODUCT_LINES})}


def line_pair(rng: random.Random) -> tuple[ProductLine, ProductLine]:
    """A cooperative's main product line and a second one."""
    main = rng.choices(PRODUCT_LINES, LINE_WEIGHTS)[0]
    second = main
    while second == main:
        second = rng.choices(PRODUCT_LINES, LINE_WEIGHTS)[0]
    return main, second


def _price(rng: random.Random) -> int:
    # Most products cost tens to hundreds of thousands of đồng; gift boxes
    # and handicrafts up to a million and a half.
    if rng.random() < 0.9:
        return rng.randrange(30_000, 600_000, 1_000)
    return rng.randrange(600_000, 1_500_000, 1_000)


def products_insert(
    *, count, cooperatives, communes, categories, rng: random.Random, now, progress
) -> list[BenchProduct]:
    """``count`` products shared out over the cooperatives, the first of
    each its main line; most grown in the cooperative's commune (on its
    raw-material area), some elsewhere in its district; four in five filed
    in a category, some OCOP-rated. Their stock records are written last
    (``stock_records_write``), once lots and pending orders are known."""
    from catalog.models import Product
    from catalog.validators import gtin_check_digit

    ProductClass = get_model("catalogue", "ProductClass")
    ProductCategory = get_model("catalogue", "ProductCategory")
    StockRecord = get_model("partner", "StockRecord")
    classes = {product_class.slug: product_class for product_class in ProductClass.objects.all()}
    communes_by_parent: dict[int, list] = {}
    for commune in communes:
        communes_by_parent.setdefault(commune.parent_id, []).append(commune)

    rows, products, filed = [], [], []
    record_id = next_id(StockRecord)
    index = 0
    for bench, share in zip(cooperatives, spread(count, len(cooperatives)), strict=True):
        cooperative = bench.cooperative
        for position in range(share):
            if position < 2:
                line = bench.lines[position]
            elif rng.random() < 0.5:
                line = rng.choice(bench.lines)
            else:
                line = rng.choices(PRODUCT_LINES, LINE_WEIGHTS)[0]
            # Mostly grown on the cooperative's own area, otherwise bought
            # in from another commune of its district.
            commune, area = cooperative.commune, bench.area
            if rng.random() < 0.3:
                commune = rng.choice(communes_by_parent[commune.parent_id])
                area = bench.area if commune == cooperative.commune else None
            place = commune.short_name if rng.random() < 0.5 else commune.parent.short_name
            title = f"{line.name} {place}{rng.choice(QUALIFIERS)}"
            rating = rng.choice([0, 0, 0, 0, 3, 3, 4, 5])
            rated_in = now.year - rng.randint(0, 2)
            extras = rng.sample(DESCRIPTION_SENTENCES, 2)
            if rating:
                extras.append(f"Sản phẩm đạt chứng nhận OCOP {rating} sao.")
            sales_unit, weight = rng.choice(SALES_UNITS)
            digits = f"893{index:09d}"
            code = f"{SLUG_PREFIX}{index:06d}"
            rows.append(
                Product(
                    code=code,
                    title=title,
                    slug=f"{SLUG_PREFIX}product-{index}",
                    structure=Product.STANDALONE,
                    product_class=classes[line.product_class],
                    description=(
                        f"<p>{line.name} của {cooperative.legal_name}, trồng và làm tại {commune.name}, "
                        f"{commune.parent.name}: {line.feature}.</p><p>{' '.join(extras)}</p>{BENCH_NOTE}"
                    ),
                    # The first few of a cooperative are always listed: an
                    # order takes up to five of them.
                    is_public=position < MIN_PRODUCTS_PER_COOPERATIVE or rng.random() >= UNLISTED_SHARE,
                    origin_commune=commune,
                    raw_material_area=area,
                    ocop_rating=rating,
                    ocop_certificate_number=f"{code.upper()}-OCOP" if rating else "",
                    ocop_year=rated_in if rating else None,
                    ocop_valid_until=datetime.date(rated_in + OCOP_VALIDITY_YEARS, 12, 31)
                    if rating
                    else None,
                    sales_unit=sales_unit,
                    net_weight_grams=weight,
                    season_months=[10, 11, 12] if line.product_class == "fruit" else [],
                    storage_instructions="Nơi khô ráo, thoáng mát",
                    shelf_life_days=365,
                    gtin=digits + str(gtin_check_digit(digits)) if index % 2 == 0 else "",
                )
            )
            # Listed some time after the cooperative's approval.
            listed_at = min(cooperative.approved_at + datetime.timedelta(days=rng.randint(1, 240)), now)
            products.append(
                BenchProduct(
                    id=0, code=code, title=title, owner=bench, is_public=rows[-1].is_public,
                    price=_price(rng), weight_grams=weight, shelf_life_days=365, raw_material_area=area,
                    record_id=record_id, listed_at=listed_at,
                )
            )  # fmt: skip
            filed.append(line.category if rng.random() < 0.8 else None)
            record_id += 1
            index += 1
    for start in range(0, len(rows), BATCH_SIZE):
        batch = Product.objects.bulk_create(rows[start : start + BATCH_SIZE])
        for product, bench_product in zip(batch, products[start : start + BATCH_SIZE], strict=True):
            bench_product.id = product.pk
        progress(len(batch))
    ProductCategory.objects.bulk_create(
        [
            ProductCategory(product_id=product.id, category=categories[path])
            for product, path in zip(products, filed, strict=True)
            if path
        ],
        batch_size=BATCH_SIZE,
    )
    return products


def stock_records_write(products: list[BenchProduct]) -> None:
    """One stock record per product with the ids orders already point at:
    in stock what its open lots hold plus what pending orders hold
    (``catalog.services.stock_record_sync``'s rule), dated when it was
    listed, since a report of a past period counts only what was listed by
    then."""
    StockRecord = get_model("partner", "StockRecord")
    rows = [
        {
            "id": product.record_id,
            "product_id": product.id,
            "partner_id": product.owner.cooperative.partner_id,
            "partner_sku": product.code,
            "price_currency": settings.OSCAR_DEFAULT_CURRENCY,
            "price": Decimal(product.price),
            "num_in_stock": product.available + product.allocated,
            "num_allocated": product.allocated,
            "low_stock_threshold": None,
            "date_created": product.listed_at,
            "date_updated": product.listed_at,
        }
        for product in products
    ]
    for start in range(0, len(rows), BATCH_SIZE):
        rows_write(StockRecord, rows[start : start + BATCH_SIZE])
    sequences_reset(StockRecord)
