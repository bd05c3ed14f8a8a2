"""Restore an archive written by backup_site into an empty database."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from marketplace import backups
from marketplace.management.output import task_log_quiet


class Command(BaseCommand):
    help = (
        "Restore a backup_site archive into the configured database, which must be empty (new, or only "
        "migrated), and into media folders that do not hold other files under the archive's names. "
        "Checks the archive's checksums and migrations first, migrates, loads every row in one "
        "transaction, compares row counts and the checksums of orders and trace events with the "
        "archive, puts the files back, then rebuilds the search indices. Any failure leaves the "
        "database and the media as they were."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .tar.gz archive written by backup_site.")

    def handle(self, *args, **options):
        bars = []

        def started(manifest):
            # Once the archive is checked, its manifest gives the total.
            self.stdout.write(
                f"Archive checked (made {manifest['created_at']}): migrating the database, then loading."
            )
            bars.append(
                tqdm(
                    total=backups.restore_size(manifest),
                    desc="Restoring",
                    unit="item",
                    disable=options["verbosity"] == 0,
                )
            )

        try:
            with task_log_quiet(options["verbosity"] < 2):
                result = backups.site_restore(
                    path=options["path"],
                    on_start=started,
                    on_progress=lambda count: bars[0].update(count),
                    migrate_verbosity=max(options["verbosity"] - 1, 0),
                )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        finally:
            for bar in bars:
                bar.close()
        self.stdout.write(f"  {result.rows} rows and {result.files} files restored")
        summary = ", ".join(f"{count} {kind}s" for kind, count in result.search_documents.items())
        self.stdout.write(f"  search index rebuilt: {summary}")
        self.stdout.write(
            self.style.SUCCESS("Restore OK: row counts, orders, trace events and files match the archive.")
        )
