"""How fast the catalogue list, a product page and a trace page answer with
a catalogue of the province's expected size (10,000 products, 20,000 lots,
200,000 trace events).

Run from the project's root, against a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/choque_bench \\
        .venv/bin/python bench/catalog_pages.py

The database's name must contain "bench": it is created when missing, and
with --reset dropped and created again. The data is made by
``manage.py load_bench --scale SCALE`` (the demo, then the bench rows:
cooperatives, products with stock records, lots and their trace logs with
verifying hash chains, orders, destination pages, the search index), which
reuses the data of an earlier run of the same scale and refuses a database
holding data of another scale or data it did not make. Each page is
requested with Django's test Client (no web server, no network), so the
times are the server's own: view, templates and SQL.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/choque_bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="load_bench's scale (0.1 for quick runs)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--reset", action="store_true", help="drop and create the bench database first")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    database_prepare(url, reset=args.reset)
    django_setup(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    counts = bench_data_load(args.scale, args.seed)
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


def bench_data_load(scale: float, seed: int) -> dict[str, int]:
    """The bench data of ``scale`` as ``manage.py load_bench`` makes it, or
    finds it from an earlier run; its counts. Shared by every benchmark
    here, so they measure the same data."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from marketplace import benchdata

    try:
        call_command("load_bench", scale=scale, seed=seed)
    except CommandError as error:
        sys.exit(f"{error} (--reset starts again from an empty database)")
    return benchdata.found_counts()


def pages_measure(requests: int, rng: random.Random) -> dict[str, dict]:
    from django.test import Client
    from django.urls import reverse

    from catalog.models import Lot, Product
    from marketplace.benchdata.base import NUMBER_PREFIX, SLUG_PREFIX

    products = Product.objects.filter(code__startswith=SLUG_PREFIX, is_public=True)
    product_ids = list(products.values_list("pk", "slug"))
    lot_codes = list(Lot.objects.filter(code__startswith=NUMBER_PREFIX).values_list("code", flat=True))

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


def queries_range(counts) -> str:
    """The SQL query counts seen, as one number or "lowest–highest"."""
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}–{high}"


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
        f"\n{counts['products']} products, {counts['lots']} lots, {counts['trace_events']} trace events "
        f"(load_bench --scale {args.scale:g}); {args.requests} requests per page\n\n"
    )
    out.write(f"{'page':<24}{'median ms':>11}{'p95 ms':>9}{'SQL queries':>13}  status\n")
    for name, result in results.items():
        queries = queries_range(result["queries"])
        statuses = ",".join(str(status) for status in result["statuses"])
        out.write(f"{name:<24}{result['median']:>11.1f}{result['p95']:>9.1f}{queries:>13}  {statuses}\n")


if __name__ == "__main__":
    sys.exit(main())
