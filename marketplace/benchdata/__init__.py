"""Bench-scale data: the province's expected size (122 rural communes' worth:
300 cooperatives, 10,000 products, 20,000 lots, 200,000 trace events, 200
destination pages, 200,000 orders with 600,000 lines over two years) on top
of the demo, for the benchmarks in bench/ and the load test. ``manage.py
load_bench`` runs ``load``.

Everything the site needs to serve these rows is made with them: approved
cooperatives with their shop partners, status changes, raw-material areas,
shipping policies and ledger accounts (their products can be bought through
the real checkout); products with stock records, categories and lots on
sale; trace logs whose hash chains verify; published destination pages;
orders with lines, fulfilment groups and payment sources; then the reports'
monthly snapshots and the search index.

Rows are written in bulk (COPY on PostgreSQL, executemany or bulk_create
elsewhere), which sends no signals: nothing is re-indexed, e-mailed or taken
out of the page cache row by row; the search index is rebuilt and the page
cache emptied once at the end. The rows and snapshots are
written in one transaction, so a run stopped half-way leaves nothing of
them; a second run on the same scale finds them and only finishes the search
index if it is incomplete.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from marketplace import page_cache

from . import catalogue, cooperatives, destinations, orders, trace
from .base import NUMBER_PREFIX, SLUG_PREFIX, Progress, counts_for, is_postgresql

__all__ = [
    "DEFAULT_SEED", "LABELS", "BenchDataRefused", "LoadResult", "counts_for", "found_counts", "load",
    "search_index_build", "search_index_complete",
]  # fmt: skip

DEFAULT_SEED = 20261202
# What the counts are called in summaries.
LABELS = {
    "cooperatives": "cooperatives",
    "products": "products",
    "lots": "lots",
    "trace_events": "trace events",
    "destinations": "destination pages",
    "buyers": "buyer accounts",
    "orders": "orders",
    "lines": "order lines",
    "linkage_models": "linkage models",
    "pilots": "pilot communes",
}


class BenchDataRefused(Exception):
    """The database is not one to load bench data into; nothing was changed."""


@dataclass
class LoadResult:
    counts: dict[str, int]
    reused: bool
    snapshots: int = 0
    # Documents per kind, when the search index was (re)built.
    indexed: dict[str, int] = field(default_factory=dict)


def _silent(**_options):
    return tqdm(disable=True)


def found_counts() -> dict[str, int]:
    """How many bench rows of each kind the database holds."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from catalog.models import Lot, Product, TraceEvent
    from cms.models import DestinationPage
    from cooperatives.models import Cooperative, LinkageModel, PilotProgramme

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    return {
        "cooperatives": Cooperative.objects.filter(registration_number__startswith=NUMBER_PREFIX).count(),
        "products": Product.objects.filter(code__startswith=SLUG_PREFIX).count(),
        "lots": Lot.objects.filter(code__startswith=NUMBER_PREFIX).count(),
        "trace_events": TraceEvent.objects.filter(lot__code__startswith=NUMBER_PREFIX).count(),
        "destinations": DestinationPage.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "buyers": get_user_model().objects.filter(username__startswith=f"{SLUG_PREFIX}buyer-").count(),
        "orders": Order.objects.filter(number__startswith=NUMBER_PREFIX).count(),
        "lines": Line.objects.filter(order__number__startswith=NUMBER_PREFIX).count(),
        "linkage_models": LinkageModel.objects.filter(enterprise_name__startswith=NUMBER_PREFIX).count(),
        "pilots": PilotProgramme.objects.filter(note__startswith=NUMBER_PREFIX).count(),
    }


# The e-mail domain of the load benchmark's guest buyers.
LOAD_GUEST_DOMAIN = "bench.example"


def refuse_foreign_data() -> None:
    """Raise BenchDataRefused when the database holds products, cooperatives
    or orders that neither the bench nor the demo made: a real shop's data
    must never be mixed with, or mistaken for, bench rows."""
    from oscar.core.loading import get_model

    from catalog.demo import DEMO_PRODUCTS
    from catalog.models import Product
    from cooperatives.demo import DEMO_COOPERATIVES
    from cooperatives.models import Cooperative
    from marketplace.order.demo import NUMBER_PREFIX as DEMO_ORDER_PREFIX

    Order = get_model("order", "Order")
    foreign = {
        "products": Product.objects.exclude(code__startswith=SLUG_PREFIX)
        .exclude(code__in=[spec.code for spec in DEMO_PRODUCTS])
        .values_list("title", flat=True),
        "cooperatives": Cooperative.objects.exclude(registration_number__startswith=NUMBER_PREFIX)
        .exclude(registration_number__in=[spec.registration_number for spec in DEMO_COOPERATIVES])
        .values_list("legal_name", flat=True),
        # Orders placed by the load benchmark's guests (bench/locustfile.py)
        # are the bench's own too.
        "orders": Order.objects.exclude(
            Q(number__startswith=NUMBER_PREFIX)
            | Q(number__startswith=DEMO_ORDER_PREFIX)
            | Q(guest_email__endswith=f"@{LOAD_GUEST_DOMAIN}")
        ).values_list("number", flat=True),
    }
    found = [(kind, list(rows.order_by()[:3]), rows.count()) for kind, rows in foreign.items()]
    found = [(kind, examples, count) for kind, examples, count in found if count]
    if found:
        listed = "; ".join(
            f"{count} {kind} (such as {', '.join(repr(str(example)) for example in examples)})"
            for kind, examples, count in found
        )
        raise BenchDataRefused(
            f"The database holds data that neither load_bench nor load_demo made: {listed}. "
            "Bench data goes into a database of its own; nothing was changed."
        )


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[name]:,} {label}" for name, label in LABELS.items())


def load(
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    progress: Progress = _silent,
    skeleton: Callable[[], None] | None = None,
) -> LoadResult:
    """Fill the database with the bench data of ``scale`` (see
    ``counts_for``), drawn from ``seed``: the same seed gives the same rows,
    their dates relative to the day of the run. ``skeleton()`` is called
    first when rows are to be made (the command runs ``load_demo``: the
    roles, the Wagtail site and its district sections, the administrative
    units of both map editions, the shipping country and the demo users).
    ``progress(total=…, desc=…, unit=…)`` gives the progress bars.

    Data of the same scale already there is reused (the search index is
    finished if a run stopped while building it). Raises BenchDataRefused,
    changing nothing, for data of another scale or data not made by the
    bench or the demo."""
    expected = counts_for(scale)
    refuse_foreign_data()
    found = found_counts()
    if found == expected:
        indexed = {} if search_index_complete() else search_index_build(progress)
        return LoadResult(counts=found, reused=True, indexed=indexed)
    if any(found.values()):
        raise BenchDataRefused(
            f"The database holds bench data of another scale ({_describe(found)}), not the "
            f"{_describe(expected)} of scale {scale:g}. Nothing was changed: run again with the scale "
            "it was made with, or load into an empty database."
        )
    if skeleton is not None:
        skeleton()
    _skeleton_check()
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        _rows_insert(expected, rng, now, progress)
        _statistics_refresh()
        snapshots = _snapshots_take(progress)
    # The rows sent no signals: every cached page goes at once, as after
    # any change of the shop and the site.
    page_cache.tags_bump_now(page_cache.SHOP, page_cache.CATALOGUE, page_cache.CMS)
    indexed = search_index_build(progress)
    _statistics_refresh()
    return LoadResult(counts=found_counts(), reused=False, snapshots=snapshots, indexed=indexed)


def _skeleton_check() -> None:
    """What the bench rows hang from, which load_demo makes."""
    from cms.models import DistrictSectionPage
    from cooperatives.models import AdministrativeUnit
    from reports.selectors import province_unit

    try:
        province_unit()
    except AdministrativeUnit.DoesNotExist:
        raise BenchDataRefused(
            "The administrative units of the reports' map edition are missing: load the demo first."
        ) from None
    if not DistrictSectionPage.objects.filter(locale__language_code="vi").exists():
        raise BenchDataRefused("The tourism site's district sections are missing: load the demo first.")


def _rows_insert(counts: dict[str, int], rng: random.Random, now, progress: Progress) -> None:
    categories = catalogue.categories_ensure()
    communes = cooperatives.map_communes()
    with progress(total=counts["cooperatives"], desc="Cooperatives", unit="cooperative") as bar:
        sellers = cooperatives.cooperatives_insert(
            count=counts["cooperatives"], communes=communes, categories=categories, rng=rng, now=now,
            progress=bar.update,
        )  # fmt: skip
    cooperatives.linkage_models_insert(
        count=counts["linkage_models"], cooperatives=sellers, categories=categories, rng=rng
    )
    cooperatives.pilots_insert(count=counts["pilots"], cooperatives=sellers, rng=rng)
    with progress(total=counts["products"], desc="Products", unit="product") as bar:
        products = catalogue.products_insert(
            count=counts["products"], cooperatives=sellers, communes=communes, categories=categories,
            rng=rng, now=now, progress=bar.update,
        )  # fmt: skip
    with progress(
        total=counts["lots"] + counts["trace_events"], desc="Lots and trace events", unit="row"
    ) as bar:
        trace.lots_insert(
            count=counts["lots"], events=counts["trace_events"], products=products, rng=rng, now=now,
            progress=bar.update,
        )  # fmt: skip
    buyers = orders.buyers_insert(count=counts["buyers"], now=now)
    with progress(total=counts["orders"] + counts["lines"], desc="Orders and lines", unit="row") as bar:
        orders.orders_insert(
            count=counts["orders"], line_total=counts["lines"], buyers=buyers, products=products, rng=rng,
            now=now, progress=bar.update,
        )  # fmt: skip
    catalogue.stock_records_write(products)
    with progress(total=counts["destinations"], desc="Destination pages", unit="page") as bar:
        destinations.destinations_publish(count=counts["destinations"], rng=rng, progress=bar.update)


def _statistics_refresh() -> None:
    """Fresh planner statistics, as autovacuum would have them in
    production: without them PostgreSQL plans the reports' queries over a
    million new rows as if the tables were empty. (It sees the rows of the
    transaction it runs in.)"""
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _snapshots_take(progress: Progress) -> int:
    """The reports' monthly snapshots of every closed month since the first
    order, taken again over those load_demo took before the bench orders."""
    from reports import services

    months = services.snapshot_months()
    with progress(total=len(months), desc="Report snapshots", unit="month") as bar:
        return services.snapshots_backfill(months=months, replace=True, progress=bar.update)


def search_index_complete() -> bool:
    """Whether every searchable thing has its document in the database
    index, and in the search engine when one is configured."""
    from search import services, sources
    from search.models import SearchEntry, SearchKind

    expected = sources.documents_count()
    if SearchEntry.objects.count() != expected:
        return False
    if services.elasticsearch_configured():
        from search.backends.elastic import ElasticsearchBackend

        engine = ElasticsearchBackend()
        return sum(len(engine.keys(kind)) for kind in SearchKind.values) == expected
    return True


def search_index_build(progress: Progress = _silent) -> dict[str, int]:
    """``manage.py search_index --rebuild``: every backend configured."""
    from search import services

    with progress(total=services.search_index_rebuild_size(), desc="Search index", unit="doc") as bar:
        return services.search_index_rebuild(progress=bar.update)
