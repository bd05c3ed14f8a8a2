from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import services


class Command(BaseCommand):
    help = (
        "Rebuild the search indices (the database's, and Elasticsearch's when "
        "ELASTICSEARCH_URL is set: new versioned indices, then an atomic alias "
        "switch), or reconcile them with the data."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="Build new indices and switch to them.")
        action.add_argument("--reconcile", action="store_true", help="Rewrite every document in place.")

    def handle(self, *args, rebuild=False, reconcile=False, **options):
        if reconcile:
            counts = services.search_index_reconcile()
        else:
            with tqdm(
                total=services.search_index_rebuild_size(),
                desc="Search index",
                unit="doc",
                disable=options["verbosity"] == 0,
            ) as bar:
                counts = services.search_index_rebuild(progress=bar.update)
        summary = ", ".join(f"{kind}: {count}" for kind, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Search index up to date ({summary})."))
