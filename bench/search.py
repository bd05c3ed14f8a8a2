"""How fast search answers with the province's expected size: 10,000
products, 300 cooperatives and 200 destination pages, in the database
backend on PostgreSQL (what runs when no Elasticsearch is configured, or
when it cannot be reached).

Run from the project's root, against a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/choque_bench_search \\
        .venv/bin/python bench/search.py

The database's name must contain "bench": it is created when missing, and
with --reset dropped and created again. The data is made by
``manage.py load_bench --scale SCALE`` (the demo, then the bench
cooperatives, products, orders and destination pages published through
Wagtail's page tree, then the search index), which reuses the data of an
earlier run of the same scale (finishing an incomplete index) and refuses a
database holding data of another scale or data it did not make. Searches
are timed both as ``search.search()`` calls and as whole pages through
Django's test Client (no web server, no network), suggestions as the search
box asks for them. ``--explain TEXT`` prints PostgreSQL's EXPLAIN ANALYZE of
every statement that searching and suggesting TEXT runs, instead of timing.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from catalog_pages import bench_data_load, database_prepare, django_setup, queries_range, timed, timings

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/choque_bench_search"
# p95 in milliseconds that search and suggestions should stay under.
TARGETS = {"search()": 150, "search page": 150, "suggest": 100}

# (query, the page's other GET parameters: tab, facets, page number). A
# district is named here; the script looks up its id.
QUERIES = (
    ("cam", {}),
    ("cam", {"page": "2"}),
    ("Cam sành", {}),
    ("cam sanh", {}),
    ("cam sanh ham yen", {}),
    ("Cam sành Hàm Yên loại 1", {}),
    ("Chè Shan tuyết", {}),
    ("che shan tuyet", {}),
    ("shan tuyst", {}),
    ("mat ong bac ha", {}),
    ("Mật ong", {"type": "product", "ocop": "4"}),
    ("miến dong", {}),
    ("Măng khô Lâm Bình", {}),
    ("gao nep", {}),
    ("thit trau gac bep", {}),
    ("bưởi", {"district": "Hàm Yên"}),
    ("Tân Trào", {}),
    ("na hang", {"type": "destination"}),
    ("homestay", {}),
    ("hợp tác xã", {"type": "cooperative"}),
    ("lang nghe tho cam", {}),
    ("sầu riêng", {}),
)
SUGGEST_PREFIXES = (
    "ca", "cam", "cam s", "cam sa", "chè", "che s", "shan", "mật", "mat ong", "miến", "măng kh",
    "gao n", "thit tr", "bưởi", "tân tr", "na ha", "lâm b", "hợp tác", "homest", "thác", "yen so",
)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="load_bench's scale (0.05 for quick runs)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query")
    parser.add_argument("--reset", action="store_true", help="drop and create the bench database first")
    parser.add_argument("--reindex", action="store_true", help="rebuild the search index even if complete")
    parser.add_argument("--explain", metavar="TEXT", help="EXPLAIN ANALYZE the SQL of TEXT, do not time")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    database_prepare(url, reset=args.reset)
    # The database backend is what is measured, whatever the environment says.
    os.environ["ELASTICSEARCH_URL"] = ""
    # The demo's pictures stay beside the database that names them, so a
    # later run reusing the data indexes them too.
    if "MEDIA_ROOT" not in os.environ:
        media = Path(tempfile.gettempdir()) / f"choque-{urlsplit(url).path.lstrip('/')}-media"
        if args.reset:
            shutil.rmtree(media, ignore_errors=True)
        os.environ["MEDIA_ROOT"] = str(media)
    django_setup(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    counts = bench_data_load(args.scale, args.seed)
    if args.reindex:
        from tqdm import tqdm

        from marketplace import benchdata

        benchdata.search_index_build(progress=tqdm)
    search_statistics_refresh()
    if args.explain:
        explain(args.explain)
        return 0
    started_load = os.getloadavg()
    results = searches_measure(args.requests)
    report(results, counts, args, started_load)
    return 0


def search_statistics_refresh() -> None:
    """Fresh statistics, so the planner knows the index as it is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry, search_searchfacetvalue, search_searchword")


def _query_params(params: dict) -> dict:
    """The GET parameters of a query, the district named by its id."""
    from cooperatives.models import AdministrativeUnit

    params = dict(params)
    if "district" in params:
        params["district"] = str(
            AdministrativeUnit.objects.get(
                level=AdministrativeUnit.Level.DISTRICT, short_name=params["district"]
            ).pk
        )
    return params


def _label(query: str, params: dict) -> str:
    extra = ", ".join(f"{name}={value}" for name, value in params.items())
    return f"{query} ({extra})" if extra else query


def searches_measure(requests: int) -> dict:
    """Times of every query as a search() call and as a page, and of every
    suggestion prefix; one warm-up each."""
    from django.test import Client
    from django.utils import translation

    import search
    from search.results import SearchFilters, page_number

    client = Client()
    results = {"search": {}, "suggest": {}}
    for query, spec in QUERIES:
        params = _query_params(spec)
        filters = SearchFilters.from_query_dict(params)
        page = page_number(params.get("page"))
        get = {"q": query, **params}

        def call(query=query, filters=filters, page=page):
            with translation.override("vi"):
                return search.search(query, filters, page)

        call()
        client.get("/search/", get)
        row = {
            "function": [],
            "function_queries": set(),
            "page": [],
            "page_queries": set(),
            "statuses": set(),
        }
        for _ in range(requests):
            elapsed, queries, found = timed(call)
            row["function"].append(elapsed)
            row["function_queries"].add(queries)
            elapsed, queries, response = timed(client.get, "/search/", get)
            row["page"].append(elapsed)
            row["page_queries"].add(queries)
            row["statuses"].add(response.status_code)
        row["total"] = found.total
        results["search"][_label(query, spec)] = row
    for prefix in SUGGEST_PREFIXES:
        client.get("/search/suggest/", {"q": prefix})
        row = {"page": [], "page_queries": set(), "statuses": set()}
        for _ in range(requests):
            elapsed, queries, response = timed(client.get, "/search/suggest/", {"q": prefix})
            row["page"].append(elapsed)
            row["page_queries"].add(queries)
            row["statuses"].add(response.status_code)
        row["total"] = len(response.json()["suggestions"])
        results["suggest"][prefix] = row
    return results


def report(results: dict, counts: dict, args, started_load) -> None:
    """Markdown tables: each class of operation over all its requests, then
    each query and each prefix."""
    out = sys.stdout
    searches, suggestions = results["search"], results["suggest"]
    classes = {
        "search()": [t for row in searches.values() for t in row["function"]],
        "search page": [t for row in searches.values() for t in row["page"]],
        "suggest": [t for row in suggestions.values() for t in row["page"]],
    }
    class_queries = {
        "search()": set().union(*(row["function_queries"] for row in searches.values())),
        "search page": set().union(*(row["page_queries"] for row in searches.values())),
        "suggest": set().union(*(row["page_queries"] for row in suggestions.values())),
    }
    load = os.getloadavg()
    out.write(
        f"\n{counts['products']} products, {counts['cooperatives']} cooperatives, "
        f"{counts['destinations']} destination pages (and the demo's; load_bench --scale {args.scale:g}); "
        f"{args.requests} timed requests "
        f"per query after one warm-up; load average {started_load[0]:.2f} at the start, "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min) at the end\n\n"
    )
    out.write("| operation | requests | median | p95 | p95 target | SQL queries |\n")
    out.write("|---|---:|---:|---:|---:|---:|\n")
    for name, times in classes.items():
        summary = timings(times)
        verdict = "" if summary["p95"] < TARGETS[name] else " (missed)"
        out.write(
            f"| {name} | {len(times)} | {summary['median']:.1f} | {summary['p95']:.1f} | "
            f"< {TARGETS[name]}{verdict} | {queries_range(class_queries[name])} |\n"
        )

    out.write("\n| query | results | search() median | p95 | page median | p95 | page SQL queries |\n")
    out.write("|---|---:|---:|---:|---:|---:|---:|\n")
    for label, row in searches.items():
        function, page = timings(row["function"]), timings(row["page"])
        statuses = "" if row["statuses"] == {200} else f" (HTTP {sorted(row['statuses'])})"
        out.write(
            f"| `{label}` | {row['total']} | {function['median']:.1f} | {function['p95']:.1f} | "
            f"{page['median']:.1f} | {page['p95']:.1f} | {queries_range(row['page_queries'])}{statuses} |\n"
        )

    out.write("\n| suggest prefix | suggestions | median | p95 | SQL queries |\n")
    out.write("|---|---:|---:|---:|---:|\n")
    for prefix, row in suggestions.items():
        summary = timings(row["page"])
        statuses = "" if row["statuses"] == {200} else f" (HTTP {sorted(row['statuses'])})"
        out.write(
            f"| `{prefix}` | {row['total']} | {summary['median']:.1f} | {summary['p95']:.1f} | "
            f"{queries_range(row['page_queries'])}{statuses} |\n"
        )


def explain(text: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement search(text) and
    suggest(text) run, as the database backend writes them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    import search

    out = sys.stdout
    with translation.override("vi"), CaptureQueriesContext(connection) as captured:
        search.search(text)
        search.suggest(text)
    with connection.cursor() as cursor:
        for number, statement in enumerate(captured.captured_queries, start=1):
            sql = statement["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(line for (line,) in cursor.fetchall())
            out.write(f"\n-- statement {number} ({statement['time']} s)\n{sql}\n\n{plan}\n")


if __name__ == "__main__":
    sys.exit(main())
