from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cooperatives.administrative_data import AdministrativeDataError, read_units_file
from cooperatives.services import administrative_units_load


class Command(BaseCommand):
    help = (
        "Load a province's administrative units (province, districts, communes) from a JSON "
        "file: a flat list like cooperatives/data/tuyen_quang_units.json or the nationwide "
        "nested file of vietnamese-provinces-database. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="JSON file of units")
        parser.add_argument(
            "--edition",
            required=True,
            help="Name of the administrative map the file describes, e.g. 2025-03-01",
        )
        parser.add_argument("--province", help="Load only this province code (e.g. 08)")
        parser.add_argument(
            "--predecessor-edition",
            help="Link units to the units of this edition they were formed from",
        )

    def handle(self, *args, path, edition, province, predecessor_edition, **options):
        try:
            records = read_units_file(path, province_code=province)
        except AdministrativeDataError as error:
            raise CommandError(str(error)) from error
        with tqdm(
            total=len(records), desc="Administrative units", unit="unit", disable=options["verbosity"] == 0
        ) as bar:
            result = administrative_units_load(
                records=records,
                edition=edition,
                predecessor_edition=predecessor_edition,
                on_progress=bar.update,
            )
        self.stdout.write(
            f"Edition {edition}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
