
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog import demo as catalog_demo
from cms import demo as cms_demo
from cooperatives import demo as cooperatives_demo
from marketplace import demo
from marketplace.management.output import task_log_quiet
from marketplace.order import demo as orders_demo
from reports import demo as reports_demo
from search import services as search_services


class Command(BaseCommand):
    help = (
        "Load the demo: Tuyên Quang's administrative units, one user per role, and cooperatives "
        "in every district with their raw-material areas and linkage models, and their products with "
        "lots and trace logs, a year of orders across the cooperatives, and the tourism site in "
        "Vietnamese and English: a section per district with its destinations, events, news and the map; "
        "then the search index and the monthly snapshots of the province's reports. "
        "Safe to run again: a second run changes nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is not allowed in this configuration (DEMO_DATA_ALLOWED is off).")
        quiet = options["verbosity"] == 0
        # Without a broker every task runs in-process and logs a line.
        with task_log_quiet(options["verbosity"] < 2):
            self._load(quiet=quiet)

    def _load(self, *, quiet: bool):
        with tqdm(
            total=demo.demo_unit_count(), desc="Administrative units", unit="unit", disable=quiet
        ) as bar:
            results = demo.demo_administrative_units_load(on_progress=bar.update)
        for edition, result in results.items():
            self.stdout.write(
                f"  {edition}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )

        accounts = demo.demo_users_ensure()

        total = cooperatives_demo.demo_cooperatives_count()
        with tqdm(total=total, desc="Cooperatives", unit="cooperative", disable=quiet) as bar:
            cooperatives = cooperatives_demo.demo_cooperatives_ensure(on_progress=bar.update)
        created = sum(1 for _cooperative, was_created in cooperatives if was_created)
        self.stdout.write(f"  cooperatives: {created} created, {len(cooperatives) - created} already there")

        total = catalog_demo.demo_products_count()
        with tqdm(total=total, desc="Products", unit="product", disable=quiet) as bar:
            products = catalog_demo.demo_products_ensure(on_progress=bar.update)
        created = sum(1 for _product, was_created in products if was_created)
        self.stdout.write(
            f"  products: {created} created, {len(products) - created} already there, "
            "each with 2 lots and their trace logs"
        )

        total = orders_demo.demo_orders_count()
        with tqdm(total=total, desc="Orders", unit="order", disable=quiet) as bar:
            orders = orders_demo.demo_orders_ensure(on_progress=bar.update)
        if orders.created:
            self.stdout.write(
                f"  orders: {orders.created} created over the past year "
                f"({orders.by_payment['cod']} cash on delivery, {orders.by_payment['stripe']} card; "
                f"{orders.two_cooperatives} from two cooperatives, {orders.guests} by guests), "
                f"with {orders.past_lots} lots of past harvests they were sold from"
            )
        else:
            self.stdout.write(f"  orders: 0 created, {orders.existing} already there")

        with tqdm(total=cms_demo.demo_pages_count(), desc="Pages", unit="page", disable=quiet) as bar:
            pages = cms_demo.demo_pages_ensure(on_progress=bar.update)
        self.stdout.write(f"  pages: {pages.created} created, {pages.existing} already there")

        with tqdm(
            total=search_services.search_index_rebuild_size(), desc="Search index", unit="doc", disable=quiet
        ) as bar:
            indexed = search_services.search_index_rebuild(progress=bar.update)
        summary = ", ".join(f"{count} {kind}s" for kind, count in indexed.items())
        self.stdout.write(f"  search index: {summary}")

        engagements = reports_demo.demo_engagements_ensure()
        months = reports_demo.demo_snapshot_months()
        with tqdm(total=len(months), desc="Report snapshots", unit="month", disable=quiet) as bar:
            snapshots = reports_demo.demo_snapshots_ensure(months=months, on_progress=bar.update)
        self.stdout.write(
            f"  reports: {engagements} destination views and shares, {snapshots} monthly snapshots stored"
        )
        self.stdout.write("")
        self.stdout.write(
            "Demo users (log in at /shop/accounts/login/ with the e-mail, or /cms/ with the user name):"
        )
        for account, created in accounts:
            state = "created" if created else "already there"
            self.stdout.write(
                f"  {account.role:<18} {account.email:<28} {account.username:<11} "
                f"password: {account.password}  ({state})"
            )
        trace_path = catalog_demo.demo_trace_path()
        if trace_path:
            self.stdout.write(f"Trace page of a demo lot: {settings.SITE_URL}{trace_path}")
        self.stdout.write(f"Tourism map: {settings.SITE_URL}/ban-do/")
        self.stdout.write(f"Province reports (province officer): {settings.SITE_URL}/reports/")
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
