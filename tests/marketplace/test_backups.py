"""Backups (marketplace/backups.py): the demo, loaded once for the module
with `load_demo`, goes into an archive through `manage.py backup_site` and
comes back through `manage.py restore_site`, run as an operator would in a
process of its own, into an empty database.

The empty database is a copy of the test database taken before the demo
is loaded (SQLite's backup API, PostgreSQL's CREATE DATABASE … TEMPLATE):
migrating a new one from nothing would take a minute or more of this
module's time and only run Django's own `migrate`.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings

from marketplace import backups
from marketplace.order import demo as orders_demo
from reports import demo as reports_demo

BASE_DIR = Path(__file__).resolve().parents[2]
SUBPROCESS_SECONDS = 600
# Rebuilt after a restore, never archived: compared by row count only.
SEARCH_INDICES = {"search", "wagtailsearch"}
# Every test, the ones restoring in a process of their own too: it is what
# makes pytest-django set up the test database the empty ones are copied from.
pytestmark = pytest.mark.django_db

PAPER = b"%PDF-1.4\n% Giay chung nhan dang ky hop tac xa\n%%EOF\n"


# --- What is compared: computed here, not by marketplace.backups ---------


def database_snapshot() -> dict:
    """Every table's row count and a digest of its rows as the database
    holds them (raw SQL, so a StreamField or a JSON column is compared as
    stored), the search indices by row count only, and whether every lot's
    trace log still verifies. Run in this process and, through
    `python -c`, against the restored database."""
    from django.db.migrations.loader import MigrationLoader

    from catalog.models import Lot
    from catalog.services import trace_chain_verify

    quote = connection.ops.quote_name
    # The site's tables: not the models of Oscar's test factories, which only
    # a process that imported them has (in the "oscar" app, with no migrations).
    migrated = MigrationLoader(None, ignore_no_migrations=True).migrated_apps
    tables = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy or model._meta.app_label not in migrated:
                continue
            label, table = model._meta.label, quote(model._meta.db_table)
            if model._meta.app_label in SEARCH_INDICES:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - names from the models
                tables[label] = {"rows": cursor.fetchone()[0]}
                continue
            columns = [field.column for field in model._meta.local_concrete_fields]
            if model._meta.auto_created:
                # Rows of a many-to-many table may get new ids: the pairs matter.
                columns.remove(model._meta.pk.column)
            cursor.execute(
                f"SELECT {', '.join(map(quote, columns))} FROM {table}"  # noqa: S608 - names from the models
            )
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            tables[label] = {
                "rows": len(rows),
                "sha256": hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest(),
            }
    broken_logs = [lot.code for lot in Lot.objects.all() if not trace_chain_verify(lot=lot).verified]
    return {"tables": tables, "broken_trace_logs": broken_logs}


def differing_tables(one: dict, other: dict) -> list[str]:
    return sorted(
        label
        for label in set(one["tables"]) | set(other["tables"])
        if one["tables"].get(label) != other["tables"].get(label)
    )


def files_of(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- Empty databases: copies of the test database before the demo --------


def _server() -> str:
    settings = connection.settings_dict
    credentials = urllib.parse.quote(settings["USER"] or "postgres")
    if settings["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(settings["PASSWORD"])
    return f"{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://{_server()}/postgres", autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


@pytest.fixture(scope="module")
def empty_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """A copy of the migrated test database holding nothing of its own,
    taken before any test of the module writes to it."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            path = tmp_path_factory.mktemp("empty") / "empty.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(path) as copy:
                connection.connection.backup(copy)
            copy.close()
            yield path
            return
        name = f"{connection.settings_dict['NAME']}_empty"
        # A template database must have no other session: this one goes.
        connection.close()
        _pg_admin(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}" TEMPLATE "{connection.settings_dict["NAME"]}"',
        )
        yield name
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database(empty_template, tmp_path):
    """The address of a new empty (migrated) database for one test."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        shutil.copyfile(empty_template, path)
        yield f"sqlite:///{path}"
        return
    name = f"{empty_template}_restore"
    _pg_admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{empty_template}"',
    )
    yield f"postgres://{_server()}/{name}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- The demo, backed up once for the module ------------------------------


@dataclass
class DemoBackup:
    archive: Path
    manifest: dict
    output: str
    snapshot: dict
    media: Path
    private_media: Path


@pytest.fixture(scope="module")
def demo_backup(empty_template, django_db_blocker, tmp_path_factory):
    """The demo in the test database (rolled back after the module), with
    a cooperative's registration paper in the private storage, and its
    archive written by `backup_site`."""
    folder = tmp_path_factory.mktemp("backup")
    overrides = {
        "MEDIA_ROOT": str(folder / "media"),
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder / "private-media")},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    with django_db_blocker.unblock(), override_settings(**overrides), pytest.MonkeyPatch.context() as patch:
        # A short year of orders and one month of report snapshots keep
        # load_demo quick; their tables are copied like any other.
        patch.setattr(orders_demo, "ORDER_COUNT", 20)
        months = reports_demo.demo_snapshot_months()[-1:]
        patch.setattr(reports_demo, "demo_snapshot_months", lambda: months)
        with transaction.atomic():
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
            storages["private"].save("applications/2026/dang-ky-htx.pdf", ContentFile(PAPER))
            archive = folder / "cho-que.tar.gz"
            output = io.StringIO()
            call_command("backup_site", str(archive), verbosity=0, stdout=output)
            with tarfile.open(archive) as opened:
                manifest = json.load(opened.extractfile(backups.MANIFEST_NAME))
            yield DemoBackup(
                archive=archive,
                manifest=manifest,
                output=output.getvalue(),
                snapshot=database_snapshot(),
                media=folder / "media",
                private_media=folder / "private-media",
            )
            transaction.set_rollback(True)


# --- Running the commands as an operator would ---------------------------


def site_env(database_url: str, folder: Path) -> dict:
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.test",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_MEDIA_ROOT=str(folder / "private-media"),
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def restore(archive: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "restore_site", str(archive)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=SUBPROCESS_SECONDS,
    )  # fmt: skip


AFTER_RESTORE = """
import datetime, json, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model
from catalog.models import Lot
from catalog.services import trace_event_append
from marketplace.backups import database_holdings
from tests.marketplace.test_backups import database_snapshot

result = {**database_snapshot(), "holdings": database_holdings()}
if result["tables"]["order.Order"]["rows"]:
    # What the site does next: new rows must get ids of their own, above
    # every restored one (PostgreSQL's sequences were reset).
    User, Order = get_user_model(), get_model("order", "Order")
    highest = {"order": Order.objects.order_by("-pk").first(), "user": User.objects.order_by("-pk").first()}
    order = Order.objects.get(pk=highest["order"].pk)
    order.pk, order.id, order.number = None, None, "999999"
    order.save()
    user = User.objects.create_user("moi.sau.khoi.phuc", "moi@example.com", "a-new-passphrase")
    lot = Lot.objects.order_by("pk").first()
    event = trace_event_append(
        lot=lot, kind="inspection", occurred_at=timezone.now() - datetime.timedelta(minutes=1),
        place="Na Hang", actor="Kiem tra sau khoi phuc",
    )
    from catalog.models import TraceEvent
    result["new_rows"] = {
        "order": [highest["order"].pk, order.pk],
        "user": [highest["user"].pk, user.pk],
        "trace_event": [TraceEvent.objects.exclude(pk=event.pk).order_by("-pk").first().pk, event.pk],
    }
print(json.dumps(result, default=str))
"""


def after_restore(env: dict) -> dict:
    """The restored database's snapshot, then a new order, user and trace
    event written into it the way the site writes them."""
    result = subprocess.run(
        [sys.executable, "-c", AFTER_RESTORE],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=SUBPROCESS_SECONDS,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def archive_rewrite(source: Path, target: Path, *, change=None, add=(), drop=(), manifest_change=None):
    """A copy of an archive with one member's bytes changed (``change(name,
    data)``), members added or dropped; ``manifest_change`` edits the
    manifest, e.g. to record the new checksum as a forger would."""
    members = {}
    with tarfile.open(source, "r:gz") as archive:
        for member in archive:
            members[member.name] = archive.extractfile(member).read()
    for name in drop:
        del members[name]
    if change:
        members = {name: change(name, data) for name, data in members.items()}
    members.update(dict(add))
    manifest = json.loads(members.pop(backups.MANIFEST_NAME))
    if manifest_change:
        manifest_change(manifest, members)
    members[backups.MANIFEST_NAME] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def listed_again(manifest: dict, members: dict) -> None:
    """What a forger would do: record the changed data file's checksum."""
    data = members[backups.DATA_NAME]
    manifest["files"][backups.DATA_NAME] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def order_total_changed(name: str, data: bytes, value="1000") -> bytes:
    """The data file with the first order's total changed."""
    if name != backups.DATA_NAME:
        return data
    lines = data.decode("utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines):
        row = json.loads(line)
        if row["model"] == "order.order":
            row["fields"]["total_incl_tax"] = value
            lines[number] = json.dumps(row, ensure_ascii=False) + "\n"
            break
    return "".join(lines).encode("utf-8")


# --- Tests ----------------------------------------------------------------
# This one runs first: the module's demo stays in the test database until
# the module ends.


def test_a_database_just_migrated_counts_as_empty_and_one_with_a_user_does_not(django_user_model):
    assert backups.database_holdings() == {}
    django_user_model.objects.create_user("ai.do", "ai@example.com", "secret-passphrase")
    assert backups.database_holdings() == {"auth.User": 1}


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(demo_backup):
    with pytest.raises(CommandError, match="is not empty: it holds .*auth.User"):
        call_command("restore_site", str(demo_backup.archive), verbosity=0)
    assert differing_tables(database_snapshot(), demo_backup.snapshot) == []


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("an order total changed", "data.jsonl does not match its checksum"),
        ("a file slipped in", "media/pwned.html is not listed in the manifest"),
        ("a paper taken out", "dang-ky-htx.pdf is listed in the manifest but missing"),
        ("a path out of the folder", "holds '../outside.txt', which no backup writes"),
        ("not an archive", "is not a readable backup archive"),
        ("no such file", "does not exist"),
    ],
)  # fmt: skip
def test_restore_refuses_an_archive_changed_after_it_was_made(demo_backup, tmp_path, how, message):
    target = tmp_path / "changed.tar.gz"
    if how == "an order total changed":
        archive_rewrite(demo_backup.archive, target, change=order_total_changed)
    elif how == "a file slipped in":
        archive_rewrite(demo_backup.archive, target, add=[("media/pwned.html", b"<script>alert(1)</script>")])
    elif how == "a paper taken out":
        archive_rewrite(demo_backup.archive, target, drop=["private-media/applications/2026/dang-ky-htx.pdf"])
    elif how == "a path out of the folder":
        archive_rewrite(demo_backup.archive, target, add=[("../outside.txt", b"written outside")])
    elif how == "not an archive":
        target.write_bytes(demo_backup.archive.read_bytes()[:5000])
    with pytest.raises(backups.BackupError, match=re.escape(message)):
        backups.site_restore(path=target)
    assert not (tmp_path.parent / "outside.txt").exists()
    assert differing_tables(database_snapshot(), demo_backup.snapshot) == []


def test_restore_refuses_archives_from_newer_or_older_code(demo_backup, tmp_path):
    def newer(manifest, members):
        manifest["migrations"]["catalogue"] = "9999_from_the_future"

    def older(manifest, members):
        manifest["migrations"]["catalogue"] = "0001_initial"

    from_newer = archive_rewrite(demo_backup.archive, tmp_path / "newer.tar.gz", manifest_change=newer)
    with pytest.raises(
        backups.BackupError, match="newer version of the site.*catalogue.9999_from_the_future"
    ):
        backups.site_restore(path=from_newer)
    from_older = archive_rewrite(demo_backup.archive, tmp_path / "older.tar.gz", manifest_change=older)
    with pytest.raises(backups.BackupError, match=r"older version of the site.*catalogue \(0001_initial <"):
        backups.site_restore(path=from_older)


def test_backup_refuses_a_folder_that_does_not_exist_and_an_archive_already_there(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup_site", str(tmp_path / "missing" / "site.tar.gz"), verbosity=0)
    earlier = tmp_path / "site.tar.gz"
    earlier.write_bytes(b"last night's backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_site", str(earlier), verbosity=0)
    assert earlier.read_bytes() == b"last night's backup"


def one_order_more_listed(manifest: dict, members: dict) -> None:
    manifest["row_counts"]["order.Order"] += 1


@pytest.mark.parametrize(
    ("how", "messages"),
    [
        ("an order total is not a number", ["could not be loaded; the restore was rolled back", "a lot"]),
        ("the manifest lists one order more", ["does not match the archive", "order.Order: 20 rows"]),
    ],
)
def test_a_restore_failing_halfway_leaves_the_new_database_empty(
    demo_backup, empty_database, tmp_path, how, messages
):
    """Rows of many tables are in when the restore fails, while loading
    or when comparing with the manifest: every one goes again, and no
    file is left."""
    if how == "an order total is not a number":
        broken = archive_rewrite(
            demo_backup.archive,
            tmp_path / "broken.tar.gz",
            change=lambda name, data: order_total_changed(name, data, value="a lot"),
            manifest_change=listed_again,
        )
    else:
        broken = archive_rewrite(
            demo_backup.archive, tmp_path / "broken.tar.gz", manifest_change=one_order_more_listed
        )
    env = site_env(empty_database, tmp_path)
    result = restore(broken, env)
    assert result.returncode != 0
    for message in messages:
        assert message in result.stderr
    assert "Traceback" not in result.stderr
    restored = after_restore(env)
    assert restored["holdings"] == {}
    assert restored["tables"]["order.Order"]["rows"] == 0
    assert restored["tables"]["catalogue.TraceEvent"]["rows"] == 0
    assert files_of(tmp_path / "media") == {}
    assert files_of(tmp_path / "private-media") == {}


def test_backup_restored_into_an_empty_database_gives_back_every_row_and_file(
    demo_backup, empty_database, tmp_path
):
    manifest = demo_backup.manifest
    assert manifest["row_counts"]["order.Order"] == 20
    assert manifest["row_counts"]["catalogue.TraceEvent"] > 0
    assert manifest["checksums"]["orders"] in demo_backup.output
    assert demo_backup.archive.stat().st_mode & 0o077 == 0, "the archive holds personal data"

    env = site_env(empty_database, tmp_path)
    result = restore(demo_backup.archive, env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Restore OK" in result.stdout

    restored = after_restore(env)
    source = demo_backup.snapshot
    assert restored["broken_trace_logs"] == source["broken_trace_logs"] == []
    for label in ("order.Order", "order.Line", "order.FulfilmentGroup", "catalogue.TraceEvent"):
        assert restored["tables"][label] == source["tables"][label], label
    searched = {label for label in source["tables"] if label.split(".")[0] in SEARCH_INDICES}
    assert differing_tables(restored, source) == sorted(
        label for label in searched if restored["tables"][label] != source["tables"][label]
    )
    for label in searched:
        # Rebuilt from every row: what the demo's signals indexed, and
        # pages made by migrations, which were never indexed before.
        assert restored["tables"][label]["rows"] >= source["tables"][label]["rows"], label
    assert restored["tables"]["search.SearchEntry"]["rows"] > 0
    assert restored["tables"]["wagtailsearch.IndexEntry"]["rows"] > 0

    new_rows = restored["new_rows"]
    for kind, (highest_restored, new) in new_rows.items():
        assert new > highest_restored, kind

    assert files_of(tmp_path / "media") == files_of(demo_backup.media) != {}
    assert files_of(tmp_path / "private-media") == files_of(demo_backup.private_media) != {}
