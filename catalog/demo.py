"""Demo products of Tuyên Quang, each sold by the demo cooperative of its
district (cooperatives/demo.py), with two lots whose trace logs run from the
field to the inspection.

Names, communes and OCOP stars come from
cooperatives/data/tuyen_quang_ocop_and_destinations.json (its sources are
linked in each description). A star rating is set only where that file gives
stars for the cooperative that sells the product: the 4-star "Cam sành Hàm
Yên" of the file belongs to Ham Yen King JSC, a company, so the oranges of
the demo cooperative Sơn Nữ carry no rating. Prices, GTINs, lots, trace
events and attribute values are invented for the demo and every description
says so. The glutinous rice of Lâm Bình is invented outright, like its
cooperative, so the rice-and-grain class has a product.

Safe to run again: a product that already exists is left exactly as it is,
with its lots, events, image and stock record.
"""

import datetime
import io
import json
import math
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from oscar.core.loading import get_model
from oscar.core.utils import slugify
from PIL import Image, ImageDraw, ImageFont

from cooperatives.models import AdministrativeUnit, Cooperative
from marketplace.sanitize import sanitize_rich_text

from . import services
from .models import Lot, Product
from .validators import gtin_check_digit

ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
AttributeOption = get_model("catalogue", "AttributeOption")
StockRecord = get_model("partner", "StockRecord")

DATA_FILE = Path(settings.BASE_DIR) / "cooperatives" / "data" / "tuyen_quang_ocop_and_destinations.json"
LOCAL_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Vietnam's GS1 prefix, then the company number 0000, plainly a placeholder:
# the demo cooperatives are no GS1 members.
GTIN_PREFIX = "893" + "0000"
# An OCOP certificate is valid for 36 months (the OCOP rules of Decision
# 148/QĐ-TTg, 2023); the demo counts them from the rating decision.
OCOP_VALIDITY_YEARS = 3

DEMO_NOTE = (
    "<p><em>Dữ liệu demo.</em> Tên sản phẩm, nơi sản xuất và hạng OCOP lấy từ nguồn công khai; giá, mã "
    "GTIN, lô hàng và nhật ký truy xuất là dữ liệu minh hoạ.</p>"
)
INVENTED_NOTE = (
    "<p><em>Dữ liệu demo.</em> Sản phẩm này được tạo ra để minh hoạ sàn Chợ Quê; mọi thông tin đều là "
    "dữ liệu giả định.</p>"
)

# Card colours of the generated images, by product class.
CLASS_COLOURS = {
    "fruit": ((244, 162, 54), (255, 236, 200)),
    "tea": ((46, 125, 70), (220, 240, 222)),
    "honey": ((214, 150, 20), (255, 244, 205)),
    "rice-grain": ((176, 150, 92), (248, 242, 226)),
    "processed-food": ((120, 84, 60), (241, 229, 218)),
    "handicraft": ((110, 90, 150), (232, 226, 244)),
}


@dataclass(frozen=True)
class Step:
    """One trace event of a lot, placed in days (and an hour of local time)
    from the lot's harvest or production date."""

    kind: str
    days: int
    hour: int
    note: str
    in_field: bool = True
    input_product: str = ""
    pre_harvest_interval_days: int | None = None


@dataclass(frozen=True)
class Ocop:
    decision: str
    decided_on: datetime.date


@dataclass(frozen=True)
class DemoProduct:
    code: str
    title: str
    product_class: str
    cooperative: str  # registration number of the demo cooperative
    area: str  # name of one of its raw-material areas
    data_name: str | None  # the entry of the reference file, None if invented
    price: int  # whole đồng
    sales_unit: str
    lot_unit: str
    net_weight_grams: int
    season_months: tuple[int, ...]
    storage: str
    shelf_life_days: int
    about: str
    attributes: dict
    steps: tuple[Step, ...]
    lot_quantities: tuple[int, int]
    # Days between the harvests of the older and the newer lot.
    lot_gap_days: int = 20
    # The newest lot is this many days old at least, so that its last
    # events (up to four days after the harvest) are already in the past.
    newest_lot_age_days: int = 5
    gtin_item: int | None = None
    ocop: Ocop | None = None
    lot_prefix: str = ""

    @property
    def gtin(self) -> str:
        if self.gtin_item is None:
            return ""
        digits = f"{GTIN_PREFIX}{self.gtin_item:05d}"
        return digits + str(gtin_check_digit(digits))

    def lot_code(self, number: int) -> str:
        return f"DEMO-{self.lot_prefix}-{number:02d}"

    def past_lot_code(self, produced_on: datetime.date) -> str:
        # Dated, unlike the two lots on sale: a past harvest has a lot of its own.
        return f"DEMO-{self.lot_prefix}-{produced_on:%y%m%d}"

    @property
    def days_to_sale(self) -> int:
        """Days from a lot's harvest to its first day on sale: the day after
        its last trace event (packing, inspection)."""
        return max(step.days for step in self.steps) + 1


QD_321_2024 = Ocop("321/QĐ-UBND", datetime.date(2024, 8, 6))
QD_426_2024 = Ocop("426/QĐ-UBND", datetime.date(2024, 11, 25))

DEMO_PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct(
        code="demo-cam-sanh-ham-yen",
        lot_prefix="CSHY",
        title="Cam sành Hàm Yên",
        product_class="fruit",
        cooperative="DEMO-08-074-002",
        area="Vùng cam sành Nhân Mục",
        data_name="Cam sành (HTX Cam sành Sơn Nữ)",
        price=175_000,
        sales_unit="Thùng 5 kg",
        lot_unit="thùng",
        net_weight_grams=5000,
        season_months=(10, 11, 12, 1),
        storage="Nơi thoáng mát, tránh ánh nắng trực tiếp",
        shelf_life_days=30,
        about=(
            "<p>Cam sành vỏ sần, múi mọng, vị ngọt đậm, trồng trên đồi đất đỏ xã Nhân Mục theo hướng hữu "
            "cơ. Cam sành Hàm Yên là chỉ dẫn địa lý được bảo hộ của Tuyên Quang.</p>"
        ),
        attributes={"variety": "Cam sành", "size_grade": "fruit_size_grade_1", "sugar_content_brix": 11.5},
        gtin_item=1,
        lot_quantities=(120, 200),
        steps=(
            Step("planting", -240, 7, "Vườn cam trồng năm 2017; lô quả này tính từ đợt ra hoa vụ xuân."),
            Step("care", -200, 8, "Bón thúc nuôi quả sau đậu quả.", input_product="Phân hữu cơ vi sinh"),
            Step(
                "care",
                -45,
                7,
                "Phun phòng nhện đỏ, sâu vẽ bùa theo quy trình VietGAP.",
                input_product="Dầu khoáng SK Enspray 99EC",
                pre_harvest_interval_days=14,
            ),
            Step("harvest", 0, 7, "Thu hái quả chín vàng, cắt cuống sát quả."),
            Step("packing", 1, 9, "Phân loại quả loại 1, đóng thùng carton 5 kg.", in_field=False),
            Step(
                "inspection",
                1,
                15,
                "Kiểm tra cảm quan và test nhanh dư lượng thuốc bảo vệ thực vật: đạt.",
                in_field=False,
            ),
        ),
    ),
    DemoProduct(
        code="demo-buoi-soi-ha",
        lot_prefix="BSH",
        title="Bưởi Soi Hà",
        product_class="fruit",
        cooperative="DEMO-08-075-003",
        area="Vùng bưởi thôn Soi Hà",
        data_name="Bưởi Soi Hà (bưởi đường)",
        price=90_000,
        sales_unit="2 quả (khoảng 2,5 kg)",
        lot_unit="cặp",
        net_weight_grams=2500,
        season_months=(9, 10, 11, 12),
        storage="Nơi thoáng mát; để 1–2 tuần sau thu hoạch bưởi ngọt hơn",
        shelf_life_days=60,
        about=(
            "<p>Bưởi đường thôn Soi Hà, xã Xuân Vân: múi vàng, ráo nước, ngọt thanh. Bưởi Soi Hà được bảo "
            "hộ chỉ dẫn địa lý số 00109 (2021).</p>"
        ),
        attributes={
            "variety": "Bưởi đường Soi Hà",
            "size_grade": "fruit_size_grade_2",
            "sugar_content_brix": 10.5,
        },
        lot_quantities=(80, 150),
        steps=(
            Step("planting", -210, 7, "Bưởi ra hoa; lô quả này tính từ đợt hoa tháng Ba."),
            Step("care", -150, 8, "Bón phân nuôi quả.", input_product="Phân chuồng ủ hoai mục"),
            Step(
                "care",
                -40,
                7,
                "Phun phòng ruồi vàng đục quả.",
                input_product="Bả protein Sofri Protein 10DD",
                pre_harvest_interval_days=7,
            ),
            Step("harvest", 0, 8, "Thu hái quả đủ độ chín, để nguyên cuống."),
            Step("packing", 1, 9, "Lau quả, dán tem chỉ dẫn địa lý, đóng túi lưới.", in_field=False),
            Step("inspection", 1, 14, "Kiểm tra cảm quan, khối lượng quả: đạt.", in_field=False),
        ),
    ),
    DemoProduct(
        code="demo-che-shan-tuyet-hong-thai",
        lot_prefix="CSTHT",
        title="Chè Shan tuyết Hồng Thái 1 tôm 1 lá",
        product_class="tea",
        cooperative="DEMO-08-072-001",
        area="Vùng chè Shan tuyết thôn Hồng Ba",
        data_name="Chè Shan tuyết Hồng Thái 1 tôm 1 lá",
        price=350_000,
        sales_unit="Hộp 200 g",
        lot_unit="hộp",
        net_weight_grams=200,
        season_months=(3, 4, 5, 6, 7, 8, 9, 10),
        storage="Đậy kín, nơi khô ráo, tránh mùi lạ",
        shelf_life_days=540,
        about=(
            "<p>Búp chè Shan tuyết cổ thụ trên núi cao xã Hồng Thái, hái một tôm một lá, sao thủ công. "
            "Nước xanh vàng, hương cốm, vị chát dịu, hậu ngọt.</p>"
        ),
        attributes={
            "tea_type": "Chè xanh Shan tuyết",
            "leaf_grade": "1 tôm 1 lá",
            "brewing_instructions": "5 g chè, 150 ml nước 85 °C, tráng chè rồi hãm 2–3 phút.",
        },
        gtin_item=2,
        ocop=QD_426_2024,
        lot_quantities=(150, 250),
        steps=(
            Step("planting", -50, 7, "Đốn phớt, bắt đầu lứa búp mới trên cây chè cổ thụ."),
            Step("care", -40, 8, "Bón phân hữu cơ quanh gốc.", input_product="Phân hữu cơ hoai mục"),
            Step(
                "care",
                -20,
                7,
                "Phun phòng rầy xanh bằng chế phẩm thảo mộc.",
                input_product="Dịch tỏi, gừng, ớt tự ủ",
                pre_harvest_interval_days=3,
            ),
            Step("harvest", 0, 6, "Hái búp 1 tôm 1 lá buổi sáng sớm."),
            Step("processing", 0, 14, "Làm héo, diệt men, vò và sao khô trên chảo gang.", in_field=False),
            Step("packing", 1, 9, "Đóng hộp 200 g, hút ẩm.", in_field=False),
            Step("inspection", 1, 15, "Kiểm tra độ ẩm (dưới 5%) và cảm quan: đạt.", in_field=False),
        ),
    ),
    DemoProduct(
        code="demo-che-xanh-ngoc-thuy",
        lot_prefix="CXNT",
        title="Chè xanh Ngọc Thúy Nõn",
        product_class="tea",
        cooperative="DEMO-08-075-001",
        area="Vùng chè Mỹ Bằng",
        data_name="Chè xanh Ngọc Thúy / Trà Ngọc Thúy (Ngọc Thúy tea, Ngọc Thúy green tea)",
        price=180_000,
        sales_unit="Gói 200 g",
        lot_unit="gói",
        net_weight_grams=200,
        season_months=(3, 4, 5, 6, 7, 8, 9, 10),
        storage="Đậy kín, nơi khô ráo",
        shelf_life_days=365,
        about="<p>Chè xanh giống Ngọc Thúy trồng ở xã Mỹ Bằng, chỉ lấy phần búp nõn.</p>",
        attributes={
            "tea_type": "Chè xanh",
            "leaf_grade": "Nõn",
            "brewing_instructions": "3–5 g chè, nước 80–85 °C, hãm 2 phút.",
        },
        gtin_item=3,
        ocop=QD_321_2024,
        lot_quantities=(200, 300),
        steps=(
            Step("planting", -45, 7, "Đốn tạo tán, bắt đầu lứa búp."),
            Step("care", -35, 8, "Bón thúc.", input_product="Phân NPK 12-5-10"),
            Step(
                "care",
                -15,
                7,
                "Phun trừ bọ cánh tơ.",
                input_product="Chế phẩm sinh học Bacillus thuringiensis",
                pre_harvest_interval_days=5,
            ),
            Step("harvest", 0, 6, "Hái búp non."),
            Step("processing", 0, 15, "Làm héo, diệt men bằng máy, vò, sấy khô.", in_field=False),
            Step("packing", 1, 9, "Đóng gói 200 g.", in_field=False),
            Step("inspection", 1, 14, "Kiểm tra độ ẩm và cảm quan: đạt.", in_field=False),
        ),
    ),
    DemoProduct(
        code="demo-mat-ong-huong-rung",
        lot_prefix="MOHR",
        title="Mật ong Hương rừng",
        product_class="honey",
        cooperative="DEMO-08-070-001",
        area="Vùng nuôi ong xã An Khang",
        data_name="Mật ong Hương rừng (wild-flavoured honey) / Mật ong Tuyên Quang",
        price=280_000,
        sales_unit="Chai 500 ml",
        lot_unit="chai",
        net_weight_grams=700,
        season_months=(3, 4, 5),
        storage="Đậy kín, nơi khô mát; mật kết tinh vẫn dùng được",
        shelf_life_days=730,
        about="<p>Mật ong đàn ong nội nuôi theo VietGAP, lấy mật từ hoa rừng và hoa vải vùng An Khang.</p>",
        attributes={"flower_source": "Hoa rừng, hoa vải", "moisture_percent": 19.5},
        gtin_item=4,
        ocop=QD_321_2024,
        lot_quantities=(100, 160),
        lot_gap_days=25,
        steps=(
            Step("planting", -40, 7, "Đặt các đàn ong tại vùng hoa, bắt đầu vụ mật."),
            Step(
                "care",
                -35,
                8,
                "Trị ve Varroa trước vụ mật; ngừng trước khi quay mật.",
                input_product="Axit formic 65%",
                pre_harvest_interval_days=21,
            ),
            Step("harvest", 0, 7, "Quay mật các cầu đã vít nắp."),
            Step("processing", 1, 9, "Lọc và hạ thủy phần mật.", in_field=False),
            Step("packing", 2, 9, "Đóng chai 500 ml.", in_field=False),
            Step("inspection", 2, 14, "Đo độ ẩm mật (19,5%) và kiểm tra cảm quan: đạt.", in_field=False),
        ),
    ),
    DemoProduct(
        code="demo-banh-gai-chiem-hoa",
        lot_prefix="BGCH",
        title="Bánh gai Chiêm Hóa",
        product_class="processed-food",
        cooperative="DEMO-08-073-001",
        area="Vùng trồng gai và lúa nếp Vĩnh Lộc",
        data_name="Bánh gai Chiêm Hóa",
        price=120_000,
        sales_unit="Hộp 10 chiếc",
        lot_unit="hộp",
        net_weight_grams=1000,
        season_months=(),
        storage="Nơi thoáng mát; bảo quản ngăn mát tủ lạnh sau khi mở",
        shelf_life_days=7,
        about="<p>Bánh gai lá gai, gạo nếp cái hoa vàng, nhân đỗ xanh, dừa và lạc, gói lá chuối khô.</p>",
        attributes={
            "ingredients": "Lá gai, gạo nếp, đỗ xanh, dừa, lạc, đường, mỡ lợn",
            "preservatives": False,
        },
        gtin_item=5,
        ocop=QD_321_2024,
        lot_quantities=(60, 90),
        lot_gap_days=2,
        # Fresh cakes keep a week: the lots on sale were made in the last days.
        newest_lot_age_days=1,
        steps=(
            Step("planting", -120, 7, "Trồng dặm cây gai lấy lá."),
            Step("care", -90, 8, "Bón phân cho cây gai.", input_product="Phân chuồng ủ hoai mục"),
            Step("harvest", -30, 7, "Cắt lá gai, luộc và phơi khô."),
            Step("processing", 0, 5, "Giã lá gai với bột nếp, gói nhân, hấp bánh 4 giờ.", in_field=False),
            Step("packing", 0, 14, "Để nguội, đóng hộp 10 chiếc.", in_field=False),
            Step("inspection", 0, 16, "Kiểm tra cảm quan, độ chín của bánh: đạt.", in_field=False),
        ),
    ),
    DemoProduct(
        code="demo-bot-san-day-thuc-son",
        lot_prefix="BSDTS",
        title="Bột sắn dây Thục Sơn",
        product_class="processed-food",
        cooperative="DEMO-08-076-001",
        area="Vùng sắn dây Sơn Dương",
        data_name="Bột sắn dây Thục Sơn",
        price=90_000,
        sales_unit="Túi 500 g",
        lot_unit="túi",
        net_weight_grams=500,
        season_months=(12, 1, 2, 3),
        storage="Nơi khô ráo, buộc kín miệng túi",
        shelf_life_days=365,
        about="<p>Tinh bột sắn dây lọc nhiều lần bằng nước sạch, phơi khô tự nhiên.</p>",
        attributes={"ingredients": "100% củ sắn dây", "preservatives": False},
        gtin_item=6,
        # The reference file gives 3 stars "c. 2021" without a decision:
        # the rating is shown as invented and has since expired.
        ocop=Ocop("DEMO-OCOP-2021", datetime.date(2021, 12, 31)),
        lot_quantities=(150, 220),
        lot_gap_days=30,
        steps=(
            Step("planting", -300, 7, "Trồng sắn dây trên nương."),
            Step("care", -240, 8, "Bón lót và làm giàn.", input_product="Phân hữu cơ vi sinh"),
            Step("harvest", 0, 7, "Đào củ sắn dây già."),
            Step("processing", 1, 8, "Rửa, nghiền, lọc và lắng tinh bột nhiều lần.", in_field=False),
            Step("processing", 3, 8, "Phơi khô bột dưới nắng.", in_field=False),
            Step("packing", 4, 9, "Đóng túi 500 g.", in_field=False),
            Step("inspection", 4, 14, "Kiểm tra độ ẩm và tạp chất: đạt.", in_field=False),
        ),
    ),
    DemoProduct(
        code="demo-gao-nep-lang-can",
        lot_prefix="GNLC",
        title="Gạo nếp Lăng Can",
        product_class="rice-grain",
        cooperative="DEMO-08-071-001",
        area="Cánh đồng lúa nếp Lăng Can",
        data_name=None,
        price=150_000,
        sales_unit="Túi 5 kg",
        lot_unit="túi",
        net_weight_grams=5000,
        season_months=(10, 11),
        storage="Nơi khô ráo, thoáng mát",
        shelf_life_days=180,
        about="<p>Gạo nếp nương hạt tròn, dẻo thơm, trồng vụ mùa trên ruộng bậc thang Lăng Can.</p>",
        attributes={"variety": "Nếp nương", "milling": "Xát dối (còn cám)"},
        gtin_item=7,
        lot_quantities=(100, 180),
        steps=(
            Step("planting", -125, 7, "Cấy lúa nếp vụ mùa."),
            Step("care", -100, 8, "Bón thúc đẻ nhánh.", input_product="Phân NPK 5-10-3"),
            Step(
                "care",
                -45,
                7,
                "Phun trừ sâu cuốn lá.",
                input_product="Chế phẩm sinh học Bacillus thuringiensis",
                pre_harvest_interval_days=7,
            ),
            Step("harvest", 0, 7, "Gặt lúa chín."),
            Step("processing", 3, 8, "Phơi thóc và xay xát.", in_field=False),
            Step("packing", 4, 9, "Đóng túi 5 kg.", in_field=False),
            Step("inspection", 4, 14, "Kiểm tra độ ẩm hạt và tạp chất: đạt.", in_field=False),
        ),
    ),
)


def demo_products_count() -> int:
    """How many products demo_products_ensure handles (for a progress bar)."""
    return len(DEMO_PRODUCTS)


def reference_products() -> dict[str, dict]:
    """The reference file's products by name."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return {entry["name"]: entry for entry in json.load(handle)["products"]}


@transaction.atomic
def demo_products_ensure(*, on_progress: Callable[[int], None] | None = None) -> list[tuple[Product, bool]]:
    """The demo products with their stock records, images, lots and trace
    logs; returns each product with whether it was created. Needs the demo
    cooperatives (cooperatives.demo.demo_cooperatives_ensure) and the product
    classes of migration 0037."""
    references = reference_products()
    classes = {product_class.slug: product_class for product_class in ProductClass.objects.all()}
    # One "today" for the whole run, so a run across midnight stays consistent.
    today = timezone.localdate()
    results = []
    for spec in DEMO_PRODUCTS:
        existing = Product.objects.filter(code=spec.code).first()
        if existing is not None:
            results.append((existing, False))
        else:
            cooperative = Cooperative.objects.filter(registration_number=spec.cooperative).first()
            if cooperative is None:
                raise ValueError(
                    f"The demo cooperative {spec.cooperative} is missing: load the demo cooperatives first."
                )
            reference = references[spec.data_name] if spec.data_name else None
            results.append((_product_create(spec, cooperative, reference, classes, today), True))
        if on_progress:
            on_progress(1)
    return results


def _lot_with_trace_log(spec, product, cooperative, area, produced_on, quantity, code) -> Lot:
    lot = services.lot_create(
        product=product,
        cooperative=cooperative,
        produced_on=produced_on,
        quantity=quantity,
        unit=spec.lot_unit,
        best_before=produced_on + datetime.timedelta(days=spec.shelf_life_days),
        raw_material_area=area,
        code=code,
    )
    _trace_log_create(lot, spec, cooperative, area)
    return lot


def demo_past_lot_create(*, spec: DemoProduct, produced_on: datetime.date, quantity: int) -> Lot:
    """A lot of a demo product harvested before the two on sale, with its
    trace log, for the demo's past orders to have been sold from
    (marketplace/order/demo.py). Recorded, as a cooperative would, once its
    last event was done."""
    product = Product.objects.get(code=spec.code)
    cooperative = Cooperative.objects.get(registration_number=spec.cooperative)
    area = cooperative.raw_material_areas.select_related("commune").get(name=spec.area)
    lot = _lot_with_trace_log(
        spec, product, cooperative, area, produced_on, quantity, spec.past_lot_code(produced_on)
    )
    last = max(spec.steps, key=lambda step: (step.days, step.hour))
    recorded = datetime.datetime.combine(
        produced_on + datetime.timedelta(days=last.days), datetime.time(last.hour + 1), tzinfo=LOCAL_TIME_ZONE
    )
    Lot.objects.filter(pk=lot.pk).update(created_at=recorded)
    lot.created_at = recorded
    return lot


def demo_trace_path() -> str | None:
    """The trace page of the first demo lot, for the newcomer to open."""
    lot = Lot.objects.filter(code=DEMO_PRODUCTS[0].lot_code(1)).first()
    if lot is None:
        return None
    # In the default language, whatever language the caller left active.
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("trace:lot", kwargs={"code": lot.code})


def _description(spec: DemoProduct, reference: dict | None) -> str:
    if reference is None:
        return sanitize_rich_text(INVENTED_NOTE + spec.about)
    links = ", ".join(
        f'<a href="{escape(url)}">{escape(url.split("/")[2])}</a>' for url in reference["sources"]
    )
    caution = " Một số thông tin trong nguồn chưa được xác minh." if reference.get("uncertain") else ""
    return sanitize_rich_text(f"{spec.about}{DEMO_NOTE}<p>Nguồn: {links}.{caution}</p>")


def _ocop_fields(spec: DemoProduct, reference: dict | None) -> dict:
    stars = (reference or {}).get("ocop_stars")
    if not stars or spec.ocop is None:
        return {}
    decided_on = spec.ocop.decided_on
    valid_until = decided_on.replace(year=decided_on.year + OCOP_VALIDITY_YEARS) - datetime.timedelta(days=1)
    return {
        "ocop_rating": stars,
        "ocop_certificate_number": spec.ocop.decision,
        "ocop_year": decided_on.year,
        "ocop_valid_until": valid_until,
    }


def _product_create(spec: DemoProduct, cooperative, reference, classes, today) -> Product:
    area = cooperative.raw_material_areas.select_related("commune").get(name=spec.area)
    commune_code = ((reference or {}).get("location") or {}).get("commune_code")
    origin = area.commune
    if commune_code and commune_code != origin.code:
        origin = AdministrativeUnit.objects.get(edition=origin.edition, code=commune_code)
    product = Product(
        code=spec.code,
        title=spec.title,
        slug=slugify(spec.title),
        structure=Product.STANDALONE,
        product_class=classes[spec.product_class],
        description=_description(spec, reference),
        is_public=True,
        origin_commune=origin,
        raw_material_area=area,
        sales_unit=spec.sales_unit,
        net_weight_grams=spec.net_weight_grams,
        season_months=list(spec.season_months),
        storage_instructions=spec.storage,
        shelf_life_days=spec.shelf_life_days,
        gtin=spec.gtin,
        **_ocop_fields(spec, reference),
    )
    for code, value in spec.attributes.items():
        if code == "size_grade":
            value = AttributeOption.objects.get(code=value)
        setattr(product.attr, code, value)
    product.full_clean()
    product.save()
    _image_create(product, spec)
    StockRecord.objects.create(
        product=product,
        partner=cooperative.partner,
        partner_sku=spec.code,
        price_currency=settings.OSCAR_DEFAULT_CURRENCY,
        price=Decimal(spec.price),
        num_in_stock=0,
    )
    newer = _latest_in_season(spec.season_months, today - datetime.timedelta(days=spec.newest_lot_age_days))
    older = _latest_in_season(spec.season_months, newer - datetime.timedelta(days=spec.lot_gap_days))
    for number, (produced_on, quantity) in enumerate(
        zip((older, newer), spec.lot_quantities, strict=True), start=1
    ):
        _lot_with_trace_log(spec, product, cooperative, area, produced_on, quantity, spec.lot_code(number))
    return product


def _latest_in_season(months: tuple[int, ...], on_or_before: datetime.date) -> datetime.date:
    # Products sold all year have no season months.
    day = on_or_before
    while months and day.month not in months:
        day -= datetime.timedelta(days=1)
    return day


def _trace_log_create(lot: Lot, spec: DemoProduct, cooperative, area) -> None:
    field_place = f"{area.name}, {area.commune.name}"
    for step in spec.steps:
        local = datetime.datetime.combine(
            lot.produced_on + datetime.timedelta(days=step.days),
            datetime.time(step.hour),
            tzinfo=LOCAL_TIME_ZONE,
        )
        # Passed in UTC, the form the database gives back: the event's hash
        # covers the time's ISO text, which would otherwise read "+07:00"
        # when written and "+00:00" when verified.
        moment = local.astimezone(datetime.UTC)
        services.trace_event_append(
            lot=lot,
            kind=step.kind,
            occurred_at=moment,
            place=field_place if step.in_field else cooperative.address,
            actor=f"Tổ sản xuất {area.name}" if step.in_field else cooperative.legal_name,
            note=step.note,
            input_product=step.input_product,
            pre_harvest_interval_days=step.pre_harvest_interval_days,
        )


def product_card_image(title: str, product_class: str) -> bytes:
    """A square PNG card standing for a product's photo: the class's colours,
    a few round shapes and the product's initial. Drawn, not downloaded, so
    the demo needs no network and holds no third-party photo."""
    strong, pale = CLASS_COLOURS.get(product_class, ((90, 90, 90), (235, 235, 235)))
    size = 600
    image = Image.new("RGB", (size, size), pale)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, 20, size - 20, size - 20), radius=48, outline=strong, width=12)
    # Dots around the centre, turned by the title so each product's card
    # differs but stays the same run after run.
    turn = sum(title.encode("utf-8")) % 72
    for index in range(5):
        angle = math.radians(turn + index * 72)
        x, y = size / 2 + 210 * math.cos(angle), size / 2 + 210 * math.sin(angle)
        radius = 28 + 8 * index
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=strong)
    draw.ellipse((150, 150, size - 150, size - 150), fill=(255, 255, 255), outline=strong, width=10)
    font = ImageFont.load_default(size=200)
    draw.text((size // 2, size // 2), title[:1].upper(), fill=strong, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _image_create(product: Product, spec: DemoProduct) -> None:
    image = ProductImage(product=product, code=spec.code, caption=spec.title, display_order=0)
    # Saved through the field's storage (default_storage), so it works on
    # object storage too.
    image.original.save(
        f"{spec.code}.png", ContentFile(product_card_image(spec.title, spec.product_class)), save=False
    )
    image.save()
