import datetime

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports import services
from reports.periods import InvalidPeriod, Period


def _month(text: str) -> datetime.date:
    try:
        period = Period.parse(text)
    except InvalidPeriod as error:
        raise CommandError(str(error)) from error
    if period.kind != "month":
        raise CommandError(f"Give a month as YYYY-MM, not “{text}”.")
    return period.start


class Command(BaseCommand):
    help = (
        "Store the monthly indicator snapshots of past months (by default every closed month since the "
        "first order). Months already stored are kept unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="since", help="First month, YYYY-MM.")
        parser.add_argument("--to", dest="until", help="Last month, YYYY-MM (last month by default).")
        parser.add_argument("--replace", action="store_true", help="Recompute months already stored.")

    def handle(self, *args, since=None, until=None, replace=False, **options):
        first = _month(since) if since else None
        last = None
        if until:
            start = _month(until)
            last = Period.month(start.year, start.month).end
        months = services.snapshot_months(since=first, until=last)
        if not months:
            self.stdout.write("No closed month to store.")
            return
        with tqdm(
            total=len(months), desc="Snapshots", unit="month", disable=options["verbosity"] == 0
        ) as bar:
            written = services.snapshots_backfill(months=months, replace=replace, progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} snapshots stored for {len(months)} months ({months[0].slug}–{months[-1].slug})."
            )
        )
