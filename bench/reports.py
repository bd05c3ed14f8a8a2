"""How fast the province overview of the reports answers at the province's
expected size: the real map (122 rural communes in 7 districts), 300
cooperatives, 10,000 products, 200,000 orders with 600,000 lines over the
last two years.

Run from the project's root, against a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/choque_bench_reports \\
        .venv/bin/python bench/reports.py

The database's name must contain "bench": it is created when missing, and
with --reset dropped and created again. The data is made by
``manage.py load_bench --scale SCALE`` on the map edition of the reports
(the demo, with the province's administrative units; then the bench
cooperatives, each approved with its shop partner and the status changes a
report reads, products, stock records, lots, linkage models, pilots and
orders with their lines, fulfilment groups and payment sources; then the
monthly snapshots of the closed months), which reuses the data of an
earlier run of the same scale and refuses a database holding data of
another scale or data it did not make. For this year and last year,
``reports.selectors.unit_report`` of the province is timed, and the
overview page ``/reports/?period=YEAR`` through Django's test Client as a
platform admin (no web server, no network: the view, templates and SQL).
``--explain`` prints PostgreSQL's EXPLAIN ANALYZE of every statement of the
report instead of timing.
"""

import argparse
import datetime
import os
import sys

from catalog_pages import bench_data_load, database_prepare, django_setup, queries_range, timed, timings

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/choque_bench_reports"
# The limit for the overview of one year, server time.
TARGET_MS = 500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="load_bench's scale (0.01 for quick runs)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per operation")
    parser.add_argument("--reset", action="store_true", help="drop and create the bench database first")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the report's SQL, do not time"
    )
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    database_prepare(url, reset=args.reset)
    # The settings the issue names, whatever the environment says.
    os.environ["REPORTS_PROVINCE_CODE"] = "08"
    os.environ["REPORTS_EDITION"] = "2025-03-01"
    django_setup(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    counts = bench_data_load(args.scale, args.seed)
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
    them in production (the trend reads closed months from them): load_bench
    took those of the months before it ran; months closed since are taken
    now."""
    from tqdm import tqdm

    from reports import services
    from reports.models import IndicatorSnapshot
    from reports.selectors import province_unit

    stored = set(
        IndicatorSnapshot.objects.filter(unit=province_unit()).values_list("period_start", flat=True)
    )
    months = [month for month in services.snapshot_months() if month.start not in stored]
    with tqdm(total=len(months), desc="Monthly snapshots", unit="month") as bar:
        services.snapshots_backfill(months=months, progress=bar.update)


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


def report(results: dict, counts: dict, args, started_load) -> None:
    out = sys.stdout
    load = os.getloadavg()
    out.write(
        f"\n{counts['cooperatives']} cooperatives, {counts['products']} products, {counts['orders']} orders "
        f"with {counts['lines']} lines, {counts['lots']} lots, {counts['linkage_models']} linkage models, "
        f"{counts['pilots']} pilots (and the demo's; load_bench --scale {args.scale:g}); "
        f"{args.requests} timed requests each after one warm-up; load average "
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
            f"| {queries_range(row['queries'])}{extra} |\n"
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
