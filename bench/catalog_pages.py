"""How fast the catalogue list, a product page and a trace page answer with
a catalogue of the province's expected size (10,000 products, 20,000 lots,
200,000 trace events).

Run from the project's root, against a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/choque_bench \\
        .venv/bin/python bench/catalog_pages.py --products 10000 --lots 20000 --events 200000

The database's name must contain "bench": it is created when missing, and
with --reset dropped and created again. A database that holds products the
benchmark did not make (codes not starting with "bench-", other than the
demo's) is refused. Data of an earlier run of the same size is reused.

The demo (load_demo) is loaded first, for its cooperatives and product
classes; the bench rows are then bulk-inserted, events with their hash
chain computed here, so every trace page verifies. Each page is requested
with Django's test Client (no web server, no network), so the times are
the server's own: view, templates and SQL.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/choque_bench"
# Rows per INSERT: a trace event has 13 columns, so 2,000 rows stay far below
# PostgreSQL's 65,535 parameters per statement while keeping round trips few.
BATCH_SIZE = 2000
CODE_PREFIX = "bench-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--lots", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of every count, for quick runs")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--reset", action="store_true", help="drop and create the bench database first")
    parser.add_argument("--seed", type=int, default=20251)
    args = parser.parse_args()
    counts = {
        name: max(1, round(getattr(args, name) * args.scale)) for name in ("products", "lots", "events")
    }
    if counts["lots"] < counts["products"] or counts["events"] < counts["lots"]:
        parser.error("need at least one lot per product and one event per lot")

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    database_prepare(url, reset=args.reset)
    django_setup(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    refuse_foreign_data()
    if bench_counts() != counts:
        if bench_counts()["products"]:
            sys.exit("The bench database holds data of another size: run again with --reset.")
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        bench_data_insert(counts, random.Random(args.seed))
    results = pages_measure(args.requests, random.Random(args.seed))
    report(results, counts, args)
    return 0


def database_prepare(url: str, *, reset: bool) -> None:
    """Create the bench database (PostgreSQL) when missing; refuse any
    database whose name does not say it is for benchmarks."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to use the database {name!r}: its name must contain 'bench'.")
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("The benchmark runs on PostgreSQL only (the production database).")
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    # The test settings: locmem cache and e-mail, eager tasks, no debug
    # toolbar or query log distorting the times.
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="choque-bench-media-"))
    # WhiteNoise looks for collected static files, which the pages measured do not need.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


def refuse_foreign_data() -> None:
    from catalog.demo import DEMO_PRODUCTS
    from catalog.models import Product

    ours = {spec.code for spec in DEMO_PRODUCTS}
    foreign = Product.objects.exclude(code__startswith=CODE_PREFIX).exclude(code__in=ours)
    if foreign.exists():
        sys.exit("Refusing to run: the database holds products the benchmark did not make.")


def bench_counts() -> dict[str, int]:
    from catalog.models import Lot, Product, TraceEvent

    return {
        "products": Product.objects.filter(code__startswith=CODE_PREFIX).count(),
        "lots": Lot.objects.filter(product__code__startswith=CODE_PREFIX).count(),
        "events": TraceEvent.objects.filter(lot__product__code__startswith=CODE_PREFIX).count(),
    }


def _spread(total: int, over: int) -> list[int]:
    """``total`` items shared out as evenly as possible over ``over`` owners."""
    share, extra = divmod(total, over)
    return [share + (1 if index < extra else 0) for index in range(over)]


def bench_data_insert(counts: dict[str, int], rng: random.Random) -> None:
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone
    from oscar.core.loading import get_model
    from tqdm import tqdm

    from catalog.models import Lot, Product, TraceEvent
    from catalog.validators import gtin_check_digit
    from cooperatives.models import Cooperative

    ProductClass = get_model("catalogue", "ProductClass")
    StockRecord = get_model("partner", "StockRecord")
    classes = list(ProductClass.objects.order_by("slug"))
    cooperatives = list(Cooperative.objects.approved().select_related("partner").order_by("pk"))
    areas = {c.pk: list(c.raw_material_areas.select_related("commune").order_by("pk")) for c in cooperatives}
    words = ["Cam sành", "Bưởi", "Chè Shan tuyết", "Mật ong", "Gạo nếp", "Bánh gai", "Măng khô", "Miến dong"]
    kinds = ["planting", "care", "care", "harvest", "processing", "packing", "inspection", "shipping"]
    now = timezone.now().replace(microsecond=0)
    total = sum(counts.values())

    with tqdm(total=total, desc="Bench rows", unit="row") as bar, transaction.atomic():
        products, owners = [], []
        for index in range(counts["products"]):
            cooperative = cooperatives[index % len(cooperatives)]
            area = areas[cooperative.pk][index % len(areas[cooperative.pk])]
            rating = rng.choice([0, 0, 0, 3, 4, 5])
            digits = f"8930001{index:05d}"
            title = f"{words[index % len(words)]} {cooperative.commune.name} {index}"
            products.append(
                Product(
                    code=f"{CODE_PREFIX}{index:06d}",
                    title=title,
                    slug=f"bench-product-{index}",
                    structure=Product.STANDALONE,
                    product_class=classes[index % len(classes)],
                    description=f"<p>{title}: sản phẩm của bài đo hiệu năng.</p>",
                    is_public=True,
                    origin_commune=area.commune,
                    raw_material_area=area,
                    ocop_rating=rating,
                    ocop_certificate_number=f"BENCH-{index}" if rating else "",
                    ocop_year=2024 if rating else None,
                    ocop_valid_until=datetime.date(2027, 8, 5) if rating else None,
                    sales_unit="Hộp 500 g",
                    net_weight_grams=500,
                    season_months=[10, 11, 12],
                    storage_instructions="Nơi khô ráo",
                    shelf_life_days=365,
                    gtin=digits + str(gtin_check_digit(digits)) if index % 2 == 0 else "",
                )
            )
            owners.append((cooperative, area))
        for start in range(0, len(products), BATCH_SIZE):
            Product.objects.bulk_create(products[start : start + BATCH_SIZE])
            bar.update(len(products[start : start + BATCH_SIZE]))

        lots, in_stock = [], [0] * len(products)
        lot_index = 0
        for product_index, lot_count in enumerate(_spread(counts["lots"], len(products))):
            cooperative, area = owners[product_index]
            for _ in range(lot_count):
                produced_on = (now - datetime.timedelta(days=rng.randint(5, 300))).date()
                quantity = rng.randint(20, 500)
                in_stock[product_index] += quantity
                lots.append(
                    Lot(
                        code=f"BENCH-{lot_index:07d}",
                        product=products[product_index],
                        cooperative=cooperative,
                        raw_material_area=area,
                        produced_on=produced_on,
                        best_before=produced_on + datetime.timedelta(days=365),
                        quantity=quantity,
                        quantity_available=quantity,
                        unit="hộp",
                        created_at=now,
                    )
                )
                lot_index += 1
        for start in range(0, len(lots), BATCH_SIZE):
            Lot.objects.bulk_create(lots[start : start + BATCH_SIZE])
            bar.update(len(lots[start : start + BATCH_SIZE]))

        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product=product,
                    partner=owners[index][0].partner,
                    partner_sku=product.code,
                    price_currency=settings.OSCAR_DEFAULT_CURRENCY,
                    price=Decimal(rng.randrange(30_000, 600_000, 1_000)),
                    num_in_stock=in_stock[index],
                )
                for index, product in enumerate(products)
            ],
            batch_size=BATCH_SIZE,
        )

        batch = []
        for lot, event_count in zip(lots, _spread(counts["events"], len(lots)), strict=True):
            previous_hash = ""
            # Events a day apart, the last one the day the lot was produced.
            start = datetime.datetime.combine(lot.produced_on, datetime.time(1), tzinfo=datetime.UTC)
            start -= datetime.timedelta(days=event_count - 1)
            for sequence in range(1, event_count + 1):
                event = TraceEvent(
                    lot=lot,
                    sequence=sequence,
                    kind=kinds[(sequence - 1) % len(kinds)],
                    occurred_at=start + datetime.timedelta(days=sequence - 1),
                    place=lot.raw_material_area.name,
                    actor=lot.cooperative.legal_name,
                    note="Bước ghi nhận của bài đo hiệu năng.",
                    input_product="Phân hữu cơ vi sinh" if sequence % len(kinds) == 2 else "",
                    recorded_at=now,
                    previous_hash=previous_hash,
                )
                # The same hash trace_event_append would store: the chain verifies.
                event.hash = event.compute_hash()
                previous_hash = event.hash
                batch.append(event)
                if len(batch) == BATCH_SIZE:
                    TraceEvent.objects.bulk_create(batch)
                    bar.update(len(batch))
                    batch = []
        if batch:
            TraceEvent.objects.bulk_create(batch)
            bar.update(len(batch))
    # Fresh statistics, as autovacuum would have them in production.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def pages_measure(requests: int, rng: random.Random) -> dict[str, dict]:
    from django.test import Client
    from django.urls import reverse

    from catalog.models import Lot, Product

    product_ids = list(Product.objects.filter(code__startswith=CODE_PREFIX).values_list("pk", "slug"))
    lot_codes = list(Lot.objects.filter(code__startswith="BENCH-").values_list("code", flat=True))

    def product_path(pk, slug):
        return reverse("catalogue:detail", kwargs={"product_slug": slug, "pk": pk})

    pages = {
        "catalogue list": lambda: "/shop/catalogue/",
        "catalogue list, page 5": lambda: "/shop/catalogue/?page=5",
        "product detail": lambda: product_path(*rng.choice(product_ids)),
        "trace page": lambda: f"/trace/{rng.choice(lot_codes)}/",
    }
    client = Client()
    results = {}
    for name, next_path in pages.items():
        # Warm-up: templates compiled, caches filled.
        warm = client.get(next_path())
        if name == "trace page" and b'data-chain="verified"' not in warm.content:
            sys.exit("The trace page does not verify the bench lot's chain: the bench data is wrong.")
        times, queries, statuses = [], [], set()
        for _ in range(requests):
            elapsed, query_count, response = timed(client.get, next_path())
            times.append(elapsed)
            queries.append(query_count)
            statuses.add(response.status_code)
        results[name] = {
            **timings(times),
            "queries": (min(queries), max(queries)),
            "statuses": sorted(statuses),
        }
    return results


def timed(call, *args, **kwargs) -> tuple[float, int, object]:
    """Milliseconds ``call(*args, **kwargs)`` took, the SQL queries it ran
    and what it returned."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        returned = call(*args, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(captured.captured_queries), returned


def timings(times: list[float]) -> dict[str, float]:
    """The median and the 95th percentile (nearest rank) of ``times``."""
    ordered = sorted(times)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    }


def report(results: dict, counts: dict, args) -> None:
    out = sys.stdout
    out.write(
        f"\n{counts['products']} products, {counts['lots']} lots, {counts['events']} trace events; "
        f"{args.requests} requests per page\n\n"
    )
    out.write(f"{'page':<24}{'median ms':>11}{'p95 ms':>9}{'SQL queries':>13}  status\n")
    for name, result in results.items():
        low, high = result["queries"]
        queries = str(low) if low == high else f"{low}–{high}"
        statuses = ",".join(str(status) for status in result["statuses"])
        out.write(f"{name:<24}{result['median']:>11.1f}{result['p95']:>9.1f}{queries:>13}  {statuses}\n")


if __name__ == "__main__":
    sys.exit(main())
