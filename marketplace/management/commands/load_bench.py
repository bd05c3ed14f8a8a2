import functools
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from marketplace import benchdata
from marketplace.management.output import task_log_quiet


class Command(BaseCommand):
    help = (
        "Fill the database with bench-scale data on top of the demo: at --scale 1, 300 cooperatives, "
        "10,000 products, 20,000 lots, 200,000 trace events, 200 destination pages and 200,000 orders "
        "with 600,000 lines over two years, then the reports' snapshots and the search index. "
        "Data of the same scale already there is reused; data of another scale, or products, "
        "cooperatives or orders that neither this nor load_demo made, are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of every count (0.1 for quick runs)."
        )
        parser.add_argument(
            "--seed", type=int, default=benchdata.DEFAULT_SEED, help="Seed of the random generator."
        )

    def handle(self, *args, scale, seed, verbosity, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Bench data is not allowed in this configuration (DEMO_DATA_ALLOWED is off).")
        if not scale > 0:
            raise CommandError("The scale must be a positive number.")
        started = time.monotonic()
        progress = functools.partial(tqdm, disable=verbosity == 0)

        def skeleton():
            call_command("load_demo", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)

        with task_log_quiet(verbosity < 2):
            try:
                result = benchdata.load(scale=scale, seed=seed, progress=progress, skeleton=skeleton)
            except benchdata.BenchDataRefused as refused:
                raise CommandError(str(refused)) from refused
        minutes, seconds = divmod(round(time.monotonic() - started), 60)
        if result.reused:
            self.stdout.write(f"Bench data of scale {scale:g} is already there; reusing it.")
        else:
            self.stdout.write(f"Bench data of scale {scale:g} (seed {seed}):")
        for name, label in benchdata.LABELS.items():
            self.stdout.write(f"  {label:<18} {result.counts[name]:>9,}")
        if result.snapshots:
            self.stdout.write(f"  report snapshots   {result.snapshots:>9,}")
        if result.indexed:
            summary = ", ".join(f"{count:,} {kind}s" for kind, count in result.indexed.items())
            self.stdout.write(f"  search index: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Done in {minutes} min {seconds} s."))
