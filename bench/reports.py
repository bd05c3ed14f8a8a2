"""How fast the province overview of the reports answers at the province's
expected size: the real map (122 rural communes in 7 districts), 300
cooperatives, 10,000 products, 200,000 orders with 600,000 lines over the
last 18 months.

Run from the project's root, against a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/choque_bench_reports \\
        .venv/bin/python bench/reports.py --cooperatives 300 --products 10000 --orders 200000 --lines 600000

The database's name must contain "bench": it is created when missing, and
with --reset dropped and created again. A database that holds cooperatives,
products or orders the benchmark did not make is refused. Data of an
earlier run of the same size is reused.

The administrative units of the reports' map edition are loaded with
load_administrative_units; cooperatives (each approved, with its shop
partner and the status change a report reads), products, stock records,
lots, raw-material areas, linkage models and pilots are bulk-inserted,
and orders, their lines and fulfilment groups copied in with COPY, in
batches. For this year and last year, ``reports.selectors.unit_report``
of the province is timed, and the overview page ``/reports/?period=YEAR``
through Django's test Client as a platform admin (no web server, no
network: the view, templates and SQL). ``--explain`` prints PostgreSQL's
EXPLAIN ANALYZE of every statement of the report instead of timing.
"""

import argparse
import datetime
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

from catalog_pages import database_prepare, django_setup, timed, timings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/choque_bench_reports"
# Rows per INSERT or COPY round: a few thousand keep memory small and round trips few.
BATCH_SIZE = 5000
# Marks of the rows this benchmark makes.
PREFIX = "BENCH-"
CODE_PREFIX = "bench-"
# Orders are spread over the last 18 months.
HISTORY_DAYS = 548
UNITS_FILE = ROOT / "cooperatives" / "data" / "tuyen_quang_units.json"
# The limit for the overview of one year, server time.
TARGET_MS = 500

# (product line, category under "Nông sản") of what the cooperatives sell.
PRODUCT_LINES = (
    ("Cam sành", "Trái cây"),
    ("Bưởi", "Trái cây"),
    ("Chè Shan tuyết", "Chè"),
    ("Chè xanh", "Chè"),
    ("Mật ong bạc hà", "Mật ong"),
    ("Gạo nếp", "Gạo"),
    ("Miến dong", "Đặc sản"),
    ("Măng khô", "Đặc sản"),
    ("Thịt trâu gác bếp", "Đặc sản"),
    ("Ba kích tím", "Dược liệu"),
)
DIGITAL_TOOLS = ("farm_diary", "ecommerce", "traceability", "sensors", "erp")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cooperatives", type=int, default=300)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--lines", type=int, default=600_000)
    parser.add_argument("--lots", type=int, default=5_000)
    parser.add_argument("--linkage-models", type=int, default=60)
    parser.add_argument("--pilots", type=int, default=14)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of every count, for quick runs")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per operation")
    parser.add_argument("--reset", action="store_true", help="drop and create the bench database first")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the report's SQL, do not time"
    )
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    names = ("cooperatives", "products", "orders", "lines", "lots", "linkage_models", "pilots")
    counts = {name: max(1, round(getattr(args, name) * args.scale)) for name in names}
    if not counts["orders"] <= counts["lines"] <= 5 * counts["orders"]:
        parser.error("orders have one to five lines each")
    if counts["products"] < counts["cooperatives"]:
        parser.error("need at least one product per cooperative")

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    database_prepare(url, reset=args.reset)
    # The settings the issue names, whatever the environment says.
    os.environ["REPORTS_PROVINCE_CODE"] = "08"
    os.environ["REPORTS_EDITION"] = "2025-03-01"
    django_setup(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    refuse_foreign_data()
    units_load()
    found = bench_counts()
    if found != counts:
        if any(found.values()):
            sys.exit(f"The bench database holds data of another size ({found}): run again with --reset.")
        bench_data_insert(counts, random.Random(args.seed))
    snapshots_ensure()
    periods = periods_measured()
    if args.explain:
        explain(periods[0][1])
        return 0
    started_load = os.getloadavg()
    results = reports_measure(periods, args.requests)
    report(results, counts, args, started_load)
    return 0


def snapshots_ensure() -> None:
    """The monthly snapshots of every closed month, as the beat task keeps
    them in production (the trend reads closed months from them); months
    already stored are kept."""
    from tqdm import tqdm

    from reports import services

    months = services.snapshot_months()
    with tqdm(total=len(months), desc="Monthly snapshots", unit="month") as bar:
        services.snapshots_backfill(months=months, progress=bar.update)


def refuse_foreign_data() -> None:
    from django.db.models import Q
    from oscar.core.loading import get_model

    from catalog.models import Product
    from cooperatives.models import Cooperative

    Order = get_model("order", "Order")
    foreign = (
        Cooperative.objects.exclude(registration_number__startswith=PREFIX).exists()
        or Product.objects.filter(Q(code__isnull=True) | ~Q(code__startswith=CODE_PREFIX)).exists()
        or Order.objects.exclude(number__startswith=PREFIX).exists()
    )
    if foreign:
        sys.exit(
            "Refusing to run: the database holds cooperatives, products or orders the bench did not make."
        )


def bench_counts() -> dict[str, int]:
    from oscar.core.loading import get_model

    from catalog.models import Lot, Product
    from cooperatives.models import Cooperative, LinkageModel, PilotProgramme

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    return {
        "cooperatives": Cooperative.objects.filter(registration_number__startswith=PREFIX).count(),
        "products": Product.objects.filter(code__startswith=CODE_PREFIX).count(),
        "orders": Order.objects.filter(number__startswith=PREFIX).count(),
        "lines": Line.objects.filter(order__number__startswith=PREFIX).count(),
        "lots": Lot.objects.filter(code__startswith=PREFIX).count(),
        "linkage_models": LinkageModel.objects.filter(enterprise_name__startswith=PREFIX).count(),
        "pilots": PilotProgramme.objects.filter(note__startswith=PREFIX).count(),
    }


def units_load() -> None:
    """The province's units of the reports' map edition, as an operator
    loads them (safe to run again: nothing changes the second time)."""
    import io

    from django.conf import settings
    from django.core.management import call_command

    call_command(
        "load_administrative_units",
        str(UNITS_FILE),
        edition=settings.REPORTS_EDITION,
        province=settings.REPORTS_PROVINCE_CODE,
        verbosity=0,
        stdout=io.StringIO(),
    )


def _moment(rng: random.Random, first: datetime.datetime, last: datetime.datetime) -> datetime.datetime:
    return first + datetime.timedelta(seconds=rng.uniform(0, (last - first).total_seconds()))


def _spread(total: int, over: int) -> list[int]:
    share, extra = divmod(total, over)
    return [share + (1 if index < extra else 0) for index in range(over)]


def bench_data_insert(counts: dict[str, int], rng: random.Random) -> None:
    """Every bench row, in one transaction: a run stopped half-way leaves
    nothing behind, so the next run starts again rather than reusing half."""
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    now = timezone.now().replace(microsecond=0)
    small = counts["cooperatives"] * 3 + counts["products"] * 2 + counts["lots"]
    small += counts["linkage_models"] + counts["pilots"]
    big = counts["orders"] + counts["lines"]
    with transaction.atomic():
        with tqdm(total=small, desc="Cooperatives, products, lots", unit="row") as bar:
            cooperatives = cooperatives_insert(counts["cooperatives"], rng, bar.update)
            catalogue = products_insert(counts["products"], cooperatives, rng, now, bar.update)
            lots_insert(counts["lots"], cooperatives, catalogue, rng, now, bar.update)
            linkage_insert(counts["linkage_models"], counts["pilots"], cooperatives, rng, bar.update)
        with tqdm(total=big, desc="Orders and lines", unit="row") as bar:
            orders_insert(counts["orders"], counts["lines"], cooperatives, catalogue, rng, now, bar.update)
    # Fresh statistics, as autovacuum would have them in production.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def cooperatives_insert(count: int, rng: random.Random, progress) -> list:
    """``count`` approved cooperatives, each with its shop partner, the
    status change a report reads, and a raw-material area. Most rural
    communes have one or more; a few have none, so indicator 1 is not 100%."""
    from oscar.core.loading import get_model

    from cooperatives.models import (
        AdministrativeUnit,
        Cooperative,
        CooperativeStatusChange,
        RawMaterialArea,
    )
    from reports.selectors import province_unit

    Partner = get_model("partner", "Partner")
    province = province_unit()
    communes = list(
        AdministrativeUnit.objects.filter(
            pk__in=province.descendant_ids(), level=AdministrativeUnit.Level.COMMUNE
        ).order_by("code")
    )
    rural = [c for c in communes if c.unit_type == "Xã"]
    # About 85% of the rural communes, and the wards and towns.
    places = rng.sample(rural, round(0.85 * len(rural))) + [c for c in communes if c.unit_type != "Xã"]
    first = datetime.datetime(2021, 1, 4, 8, tzinfo=datetime.UTC)
    last = datetime.datetime(2025, 5, 30, 8, tzinfo=datetime.UTC)

    cooperatives = []
    for index in range(count):
        # Every chosen commune gets one before any gets a second.
        commune = places[index] if index < len(places) else rng.choice(places)
        line = PRODUCT_LINES[index % len(PRODUCT_LINES)][0]
        name = f"Hợp tác xã {line} {commune.short_name} {index}"
        approved_at = _moment(rng, first, last)
        cooperatives.append(
            Cooperative(
                legal_name=name,
                slug=f"bench-htx-{index}",
                registration_number=f"{PREFIX}{index:06d}",
                commune=commune,
                address=f"Thôn {rng.randint(1, 12)}, {commune.name}",
                phone="0912345678",
                email=f"bench-htx-{index}@htx.example",
                representative="Nguyễn Văn A",
                main_products=line,
                status=Cooperative.Status.APPROVED,
                applied_at=approved_at - datetime.timedelta(days=rng.randint(7, 60)),
                approved_at=approved_at,
                partner=Partner(code=f"bench-htx-{index}", name=name[:128]),
            )
        )
    partners = Partner.objects.bulk_create([c.partner for c in cooperatives], batch_size=BATCH_SIZE)
    for cooperative, partner in zip(cooperatives, partners, strict=True):
        cooperative.partner = partner
    progress(count)
    # bulk_create skips Cooperative.save(), which records status changes:
    # the reports read the approval from them, so they are written here.
    Cooperative.objects.bulk_create(cooperatives, batch_size=BATCH_SIZE)
    CooperativeStatusChange.objects.bulk_create(
        [
            CooperativeStatusChange(cooperative=c, status=Cooperative.Status.APPROVED, at=c.approved_at)
            for c in cooperatives
        ],
        batch_size=BATCH_SIZE,
    )
    progress(count)
    areas = RawMaterialArea.objects.bulk_create(
        [
            RawMaterialArea(
                cooperative=c,
                name=f"Vùng nguyên liệu {c.main_products} {c.commune.short_name}",
                commune=c.commune,
                area_hectares=Decimal(rng.randrange(50, 3000)) / 10,
                main_crop=c.main_products,
            )
            for c in cooperatives
        ],
        batch_size=BATCH_SIZE,
    )
    for cooperative, area in zip(cooperatives, areas, strict=True):
        cooperative.bench_area = area
    progress(count)
    return cooperatives


def _categories() -> dict[str, object]:
    """The categories of the product lines, under "Nông sản"."""
    from oscar.core.loading import get_model

    Category = get_model("catalogue", "Category")
    root = Category.get_root_nodes().filter(name="Nông sản").first() or Category.add_root(name="Nông sản")
    found = {}
    for name in sorted({category for _line, category in PRODUCT_LINES}):
        found[name] = root.get_children().filter(name=name).first() or root.add_child(name=name)
        root.refresh_from_db()
    return found


def products_insert(count, cooperatives, rng: random.Random, now, progress) -> dict:
    """``count`` products shared out over the cooperatives, each with a
    stock record listed some time after the cooperative's approval; one in
    thirty is not public. Returns what orders need: per cooperative, its
    public products as (product id, stock record id, title, sku, price)."""
    from django.conf import settings
    from oscar.core.loading import get_model

    from catalog.models import Product

    ProductClass = get_model("catalogue", "ProductClass")
    ProductCategory = get_model("catalogue", "ProductCategory")
    StockRecord = get_model("partner", "StockRecord")
    product_class, _ = ProductClass.objects.get_or_create(name="Nông sản", defaults={"track_stock": True})
    categories = _categories()

    products, owners, lines = [], [], []
    index = 0
    for cooperative_index, share in enumerate(_spread(count, len(cooperatives))):
        cooperative = cooperatives[cooperative_index]
        for position in range(share):
            # The first is the cooperative's main product, the others anything.
            line, category = rng.choice(PRODUCT_LINES)
            if position == 0:
                line = cooperative.main_products
                category = dict(PRODUCT_LINES)[line]
            title = f"{line} {cooperative.commune.short_name} {index}"
            products.append(
                Product(
                    code=f"{CODE_PREFIX}{index:06d}",
                    title=title,
                    slug=f"bench-product-{index}",
                    structure=Product.STANDALONE,
                    product_class=product_class,
                    description=f"<p>{title}: sản phẩm của bài đo báo cáo.</p>",
                    is_public=rng.random() > 1 / 30,
                    origin_commune=cooperative.commune,
                    raw_material_area=cooperative.bench_area,
                    sales_unit="Hộp 500 g",
                )
            )
            owners.append(cooperative)
            lines.append(category)
            index += 1
    Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
    ProductCategory.objects.bulk_create(
        [ProductCategory(product=p, category=categories[c]) for p, c in zip(products, lines, strict=True)],
        batch_size=BATCH_SIZE,
    )
    progress(count)

    # COPY: date_created is auto_now_add, which bulk_create would set to now,
    # and a report of a past period counts only what was listed by then.
    rows = []
    catalogue: dict[int, list[tuple]] = {c.pk: [] for c in cooperatives}
    record_id = _next_id(StockRecord)
    for product, owner in zip(products, owners, strict=True):
        price = Decimal(rng.randrange(30_000, 600_000, 1_000))
        listed_at = min(owner.approved_at + datetime.timedelta(days=rng.randint(1, 240)), now)
        rows.append(
            {
                "id": record_id,
                "product_id": product.pk,
                "partner_id": owner.partner_id,
                "partner_sku": product.code,
                "price_currency": settings.OSCAR_DEFAULT_CURRENCY,
                "price": price,
                "num_in_stock": rng.choice([20, 50, 120, 300, 1000]),
                "num_allocated": 0,
                "low_stock_threshold": None,
                "date_created": listed_at,
                "date_updated": listed_at,
            }
        )
        if product.is_public:
            catalogue[owner.pk].append((product.pk, record_id, product.title, product.code, price))
        record_id += 1
    _copy(StockRecord, rows)
    _sequences_reset(StockRecord)
    progress(count)
    return catalogue


def lots_insert(count, cooperatives, catalogue, rng: random.Random, now, progress) -> None:
    """Lots of the products of two cooperatives in three: the traceable lots
    that make a linkage model digital."""
    from catalog.models import Lot

    with_lots = [c for c in cooperatives if c.pk % 3 and catalogue[c.pk]]
    lots = []
    for index in range(count):
        cooperative = with_lots[index % len(with_lots)]
        product_id = rng.choice(catalogue[cooperative.pk])[0]
        produced_on = (now - datetime.timedelta(days=rng.randint(5, 700))).date()
        quantity = rng.randint(20, 500)
        lots.append(
            Lot(
                code=f"{PREFIX}{index:07d}",
                product_id=product_id,
                cooperative=cooperative,
                raw_material_area=cooperative.bench_area,
                produced_on=produced_on,
                best_before=produced_on + datetime.timedelta(days=365),
                quantity=quantity,
                quantity_available=quantity,
                unit="hộp",
                created_at=datetime.datetime.combine(produced_on, datetime.time(9), tzinfo=datetime.UTC),
            )
        )
    Lot.objects.bulk_create(lots, batch_size=BATCH_SIZE)
    progress(count)


def linkage_insert(count, pilots, cooperatives, rng: random.Random, progress) -> None:
    """Linkage models of one to three cooperatives of a district, most tied
    to their raw-material areas, some expired; and pilot communes, two per
    district, one of them stopped or only planned now and then."""
    from cooperatives.models import LinkageModel, PilotProgramme

    categories = _categories()
    by_district: dict[int, list] = {}
    for cooperative in cooperatives:
        by_district.setdefault(cooperative.commune.parent_id, []).append(cooperative)
    districts = sorted(by_district)
    models, members, areas = [], [], []
    for index in range(count):
        group = by_district[districts[index % len(districts)]]
        chosen = rng.sample(group, min(len(group), rng.choice([1, 1, 2, 3])))
        line = chosen[0].main_products
        signed_on = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randint(0, 1750))
        expired = rng.random() < 0.15
        models.append(
            LinkageModel(
                enterprise_name=f"{PREFIX}Công ty Nông sản {index}",
                product_category=categories[dict(PRODUCT_LINES)[line]],
                product_description=line,
                signed_on=signed_on,
                expires_on=signed_on + datetime.timedelta(days=rng.randint(200, 500)) if expired else None,
                volume_agreed=Decimal(rng.randint(5, 500)),
                volume_unit="tấn",
                declared_digital_tools=rng.sample(DIGITAL_TOOLS, rng.randint(1, 3))
                if rng.random() < 0.4
                else [],
            )
        )
        members.append(chosen)
        areas.append([c.bench_area for c in chosen] if rng.random() < 0.75 else [])
    LinkageModel.objects.bulk_create(models)
    LinkageModel.cooperatives.through.objects.bulk_create(
        [
            LinkageModel.cooperatives.through(linkagemodel_id=model.pk, cooperative_id=c.pk)
            for model, chosen in zip(models, members, strict=True)
            for c in chosen
        ]
    )
    LinkageModel.raw_material_areas.through.objects.bulk_create(
        [
            LinkageModel.raw_material_areas.through(linkagemodel_id=model.pk, rawmaterialarea_id=area.pk)
            for model, chosen in zip(models, areas, strict=True)
            for area in chosen
        ]
    )
    progress(count)

    communes = sorted({c.commune for c in cooperatives}, key=lambda u: u.code)
    statuses = [PilotProgramme.Status.ACTIVE] * 4 + [
        PilotProgramme.Status.STOPPED,
        PilotProgramme.Status.PLANNED,
    ]
    programmes = []
    for index, commune in enumerate(rng.sample(communes, min(pilots, len(communes)))):
        smart = index % 3 == 2
        programmes.append(
            PilotProgramme(
                commune=commune,
                kind=PilotProgramme.Kind.SMART_COMMUNE if smart else PilotProgramme.Kind.ECOMMERCE_COMMUNE,
                field=PilotProgramme.Field.RURAL_TOURISM if smart else "",
                started_on=datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 1200)),
                status=rng.choice(statuses),
                note=f"{PREFIX}thí điểm của bài đo",
            )
        )
    PilotProgramme.objects.bulk_create(programmes)
    progress(pilots)


def _buyers(count: int) -> list[int]:
    """Ids of ``count`` buyer accounts (without a usable password)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = [
        User(username=f"bench-buyer-{index}", email=f"bench-buyer-{index}@example.vn", password="!")
        for index in range(count)
    ]
    return [user.pk for user in User.objects.bulk_create(users, batch_size=BATCH_SIZE)]


def _line_counts(orders: int, lines: int, rng: random.Random) -> list[int]:
    """One to five lines per order, ``lines`` in all."""
    counts = [rng.randint(1, 5) for _ in range(orders)]
    difference = lines - sum(counts)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(orders)
        if 1 <= counts[index] + step <= 5:
            counts[index] += step
            difference -= step
    return counts


def orders_insert(count, line_total, cooperatives, catalogue, rng: random.Random, now, progress) -> None:
    """Orders over the last 18 months, as checkout leaves them: lines of one
    to three cooperatives, one fulfilment group per cooperative with its
    products' total in đồng. About 3% of groups are cancelled and 2%
    refunded (half of them in full); 55% of orders are paid in cash on
    delivery, the rest by card; seven in ten by a signed-in buyer."""
    from oscar.core.loading import get_model

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    FulfilmentGroup = get_model("order", "FulfilmentGroup")
    Status = FulfilmentGroup.Status
    buyers = _buyers(max(1, count // 10))
    # Some cooperatives never sell; among the others, a few sell a lot. An
    # order takes at most five of a seller's products, each once.
    sellers = [c for c in cooperatives if len(catalogue[c.pk]) >= 5 and rng.random() < 0.85]
    weights = [rng.paretovariate(1.5) for _ in sellers]
    first = now - datetime.timedelta(days=HISTORY_DAYS)
    line_counts = _line_counts(count, line_total, rng)
    order_id, line_id, group_id = _next_id(Order), _next_id(Line), _next_id(FulfilmentGroup)

    orders, lines, groups = [], [], []
    for index, line_count in enumerate(line_counts):
        placed = _moment(rng, first, now)
        wanted = min(line_count, rng.choices([1, 2, 3], [75, 20, 5])[0])
        chosen = []
        while len(chosen) < wanted:
            seller = rng.choices(sellers, weights)[0]
            if seller not in chosen:
                chosen.append(seller)
        # Each cooperative of the order gets a line, the others go anywhere among them.
        owners = chosen + [rng.choice(chosen) for _ in range(line_count - wanted)]
        picks = [
            (owner, item) for owner in chosen for item in rng.sample(catalogue[owner.pk], owners.count(owner))
        ]
        totals: dict[int, int] = {}
        for owner, (product_id, record_id, title, sku, price) in picks:
            quantity = rng.choice((1, 1, 1, 2, 2, 3, 5))
            amount = price * quantity
            totals[owner.partner_id] = totals.get(owner.partner_id, 0) + int(amount)
            lines.append(
                {
                    "id": line_id,
                    "order_id": order_id,
                    "partner_id": owner.partner_id,
                    "partner_name": owner.partner.name,
                    "partner_sku": sku,
                    "partner_line_reference": "",
                    "partner_line_notes": "",
                    "stockrecord_id": record_id,
                    "product_id": product_id,
                    "title": title,
                    "upc": None,
                    "quantity": quantity,
                    "line_price_incl_tax": amount,
                    "line_price_excl_tax": amount,
                    "line_price_before_discounts_incl_tax": amount,
                    "line_price_before_discounts_excl_tax": amount,
                    "unit_price_incl_tax": price,
                    "unit_price_excl_tax": price,
                    "tax_code": None,
                    "status": "",
                    "num_allocated": quantity,
                    "allocation_cancelled": False,
                }
            )
            line_id += 1
        signed_in = rng.random() < 0.7
        user_id = rng.choice(buyers) if signed_in else None
        guest_email = "" if signed_in else f"khach{rng.randrange(4 * count)}@example.vn"
        payment = "cod" if rng.random() < 0.55 else "stripe"
        buyer_key = FulfilmentGroup.buyer_key_of(user_id=user_id, guest_email=guest_email)
        shipping = 0
        for partner_id, merchandise in sorted(totals.items()):
            in_person = rng.random() < 0.1
            fee = 0 if in_person else 30_000
            shipping += fee
            roll = rng.random()
            cancelled = roll < 0.03
            refunded = merchandise if roll > 0.99 else (merchandise // 3000 * 1000 if roll > 0.98 else 0)
            age = (now - placed).days
            status = (
                Status.CANCELLED
                if cancelled
                else Status.DELIVERED
                if age > 10
                else rng.choice([Status.NEW, Status.CONFIRMED, Status.SHIPPED])
            )
            groups.append(
                {
                    "id": group_id,
                    "order_id": order_id,
                    "partner_id": partner_id,
                    "status": status,
                    "carrier": "" if status in (Status.NEW, Status.CONFIRMED, Status.CANCELLED) else "VNPost",
                    "tracking_number": "",
                    "cancel_reason": "Người mua đổi ý" if cancelled else "",
                    "shipping_charge": fee,
                    "merchandise_total": merchandise,
                    "refunded_total": 0 if cancelled else refunded,
                    "payment_method_code": payment,
                    "buyer_key": buyer_key,
                    "collect_in_person": in_person,
                    "cash_received_at": None,
                    "created_at": placed,
                    "confirmed_at": None,
                    "packed_at": None,
                    "shipped_at": None,
                    "delivered_at": placed + datetime.timedelta(days=4)
                    if status == Status.DELIVERED
                    else None,
                    "cancelled_at": placed + datetime.timedelta(hours=5) if cancelled else None,
                    "buyer_placed_email_at": placed,
                    "seller_new_email_at": placed,
                    "buyer_shipped_email_at": None,
                    "buyer_cancelled_email_at": None,
                }
            )
            group_id += 1
        total = Decimal(sum(totals.values()) + shipping)
        orders.append(
            {
                "id": order_id,
                "number": f"{PREFIX}{index:08d}",
                "site_id": None,
                "basket_id": None,
                "user_id": user_id,
                "billing_address_id": None,
                "currency": "VND",
                "total_incl_tax": total,
                "total_excl_tax": total,
                "shipping_incl_tax": Decimal(shipping),
                "shipping_excl_tax": Decimal(shipping),
                "shipping_tax_code": None,
                "shipping_address_id": None,
                "shipping_method": "Giao hàng tận nơi",
                "shipping_code": "standard",
                "status": "",
                "guest_email": guest_email,
                "date_placed": placed,
                "analytics_tracked": False,
                "payment_method_code": payment,
            }
        )
        order_id += 1
        if len(orders) == BATCH_SIZE or index == count - 1:
            _copy(Order, orders)
            _copy(Line, lines)
            _copy(FulfilmentGroup, groups)
            progress(len(orders) + len(lines))
            orders, lines, groups = [], [], []
    _sequences_reset(Order, Line, FulfilmentGroup)


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def _sequences_reset(*models) -> None:
    """Id sequences past the ids COPY wrote, so later inserts get new ones."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


def _copy(model, rows: list[dict]) -> None:
    """COPY ``rows`` (column → value, ids included) into ``model``'s table."""
    if not rows:
        return
    from django.db import connection
    from psycopg import sql

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _superuser():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username="bench-admin").first()
    return user or User.objects.create_superuser("bench-admin", "bench-admin@example.vn", None)


def periods_measured() -> list[tuple[str, object, str]]:
    """(label, period, query of the overview page): this year, the page's
    default and the one with the most orders, and last year."""
    from reports.periods import Period

    today = datetime.date.today()
    return [(str(year), Period.year(year), f"period={year}") for year in (today.year, today.year - 1)]


def reports_measure(periods, requests: int) -> dict:
    """Each period's report as a selector call and as the overview page;
    one warm-up each."""
    from django.test import Client

    from reports import selectors

    client = Client(raise_request_exception=False)
    client.force_login(_superuser())
    # Found once, as the page's view finds it before asking for the report.
    province = selectors.province_unit()
    results = {}
    for label, period, query in periods:

        def call(period=period):
            return selectors.unit_report(unit=province, period=period)

        found = call()
        times, queries = [], set()
        for _ in range(requests):
            elapsed, count, found = timed(call)
            times.append(elapsed)
            queries.add(count)
        results[("unit_report()", label)] = {"times": times, "queries": queries, "report": found}

        path = f"/reports/?{query}"
        warm = client.get(path)
        if warm.status_code != 200 or b"<html" not in warm.content[:2000].lower():
            results[("overview page", label)] = {"status": warm.status_code}
            continue
        times, queries, statuses = [], set(), set()
        for _ in range(requests):
            elapsed, count, response = timed(client.get, path)
            times.append(elapsed)
            queries.add(count)
            statuses.add(response.status_code)
        results[("overview page", label)] = {
            "times": times,
            "queries": queries,
            "status": ",".join(map(str, sorted(statuses))),
            "bytes": len(response.content),
        }
    return results


def _queries(counts: set) -> str:
    return str(min(counts)) if min(counts) == max(counts) else f"{min(counts)}–{max(counts)}"


def report(results: dict, counts: dict, args, started_load) -> None:
    out = sys.stdout
    load = os.getloadavg()
    out.write(
        f"\n{counts['cooperatives']} cooperatives, {counts['products']} products, {counts['orders']} orders "
        f"with {counts['lines']} lines, {counts['lots']} lots, {counts['linkage_models']} linkage models, "
        f"{counts['pilots']} pilots; {args.requests} timed requests each after one warm-up; load average "
        f"{started_load[0]:.2f} at the start, {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end\n\n"
    )
    out.write("| operation | period | median | p95 | target | SQL queries |\n|---|---|---:|---:|---:|---:|\n")
    for (name, label), row in results.items():
        if "times" not in row:
            out.write(f"| {name} | {label} | – | – | – | not measured: HTTP {row['status']}, no page yet |\n")
            continue
        summary = timings(row["times"])
        verdict = "" if summary["p95"] < TARGET_MS else " (missed)"
        extra = f" (HTTP {row['status']}, {row['bytes'] // 1024} kB)" if "status" in row else ""
        out.write(
            f"| {name} | {label} | {summary['median']:.1f} | {summary['p95']:.1f} | < {TARGET_MS}{verdict} "
            f"| {_queries(row['queries'])}{extra} |\n"
        )
    for (_name, label), row in results.items():
        if "report" not in row:
            continue
        found = row["report"]
        activity = found.activity
        out.write(
            f"\n{label}: {activity.orders} orders, {activity.buyers} buyers, GMV {activity.gmv:,} đ, "
            f"{activity.online_orders} paid online, {len(found.rows)} district rows, "
            f"{len(found.cooperatives)} cooperative rows, {len(found.linkage_models)} linkage models, "
            f"{len(found.pilots)} pilots; indicators: "
            + ", ".join(
                f"{result.code} {result.numerator}/{result.denominator}" for result in found.indicators
            )
            + "\n"
        )


def explain(period) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement of the province's
    report for ``period``, slowest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import selectors

    province = selectors.province_unit()
    selectors.unit_report(unit=province, period=period)
    with CaptureQueriesContext(connection) as captured:
        selectors.unit_report(unit=province, period=period)
    statements = sorted(captured.captured_queries, key=lambda statement: -float(statement["time"]))
    out = sys.stdout
    with connection.cursor() as cursor:
        for statement in statements:
            sql = statement["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(line for (line,) in cursor.fetchall())
            out.write(f"\n-- {float(statement['time']) * 1000:.1f} ms\n{sql}\n\n{plan}\n")


if __name__ == "__main__":
    sys.exit(main())
