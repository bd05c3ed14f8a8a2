"""Back up the database and the uploaded files into one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from marketplace import backups


class Command(BaseCommand):
    help = (
        "Write a .tar.gz archive of the whole site: every row of the database (portable between "
        "PostgreSQL and SQLite), the public media and the private application papers, with a manifest "
        "of migrations, row counts and checksums. The archive holds personal data: keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            help="Archive to write (.tar.gz), or an existing folder to write cho-que-<time>.tar.gz into.",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if path.is_dir():
            path = path / f"cho-que-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        elif not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        elif path.exists():
            raise CommandError(f"{path} already exists: give another name, or a folder.")
        quiet = options["verbosity"] == 0
        try:
            total = None if quiet else backups.backup_size()
            with tqdm(total=total, desc="Backing up", unit="item", disable=quiet) as bar:
                manifest = backups.backup_create(path=path, on_progress=bar.update)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["row_counts"].values())
        files = len(manifest["files"]) - 1  # the database's rows are one of them
        self.stdout.write(f"  {rows} rows of {len(manifest['row_counts'])} tables, {files} files")
        self.stdout.write(f"  orders checksum       {manifest['checksums']['orders']}")
        self.stdout.write(f"  trace events checksum {manifest['checksums']['trace_events']}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path}, readable by its owner only: it holds personal data."
            )
        )
