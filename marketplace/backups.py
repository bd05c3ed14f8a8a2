"""Backups of the whole site: the database and the uploaded files (public
media and the private application papers) in one .tar.gz archive, and its
restore into an empty database.

Every table goes in as Django's JSON Lines serialization, one row a line
with its own primary key (content types, permissions and many-to-many rows
included), so every reference that is not a foreign key (generic relations,
Wagtail's content types, ids kept in JSON) still points at the same row
after a restore, on either database. The search indices are not archived:
they are rebuilt from the restored rows.

The archive holds personal data (buyers' names, addresses, orders, password
hashes, cooperatives' papers): it is written readable by its owner only and
must be kept as private as the database itself.
"""

import datetime
import functools
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

ARCHIVE_FORMAT = "cho-que-backup"
ARCHIVE_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.jsonl"
# Folder in the archive → the storage whose files it holds.
FILE_STORAGES = {"media": "default", "private-media": "private"}
# Rows read and written per query: memory stays flat, round trips few.
CHUNK_SIZE = 2000
# Search indices: derived from other rows and rebuilt after a restore, so
# never archived (Wagtail's SQLite full-text table cannot even be copied to
# PostgreSQL). Named one by one: a new model of these apps is archived.
REBUILT_MODELS = frozenset(
    {
        "wagtailsearch.IndexEntry",
        "wagtailsearch.SQLiteFTSIndexEntry",
        "search.SearchEntry",
        "search.SearchFacetValue",
        "search.SearchWord",
    }
)
# What `migrate` writes by itself into a new database (content types,
# permissions, the role groups, Oscar's product classes, Wagtail's root
# page, site and workflow…). A database holding rows of these only is as
# good as empty; a row of any other model means it is in use.
# tests/marketplace/test_backups.py checks a freshly migrated database
# against this list, so a new data migration cannot slip past it.
MIGRATION_DATA_MODELS = frozenset(
    {
        "contenttypes.ContentType",
        "auth.Permission",
        "auth.Group",
        "auth.Group_permissions",
        "sites.Site",
        "address.Country",
        "catalogue.ProductClass",
        "catalogue.ProductAttribute",
        "catalogue.AttributeOptionGroup",
        "catalogue.AttributeOption",
        "cms.HomePage",
        "reports.Target",
        "wagtailcore.Locale",
        "wagtailcore.Site",
        "wagtailcore.Collection",
        "wagtailcore.GroupCollectionPermission",
        "wagtailcore.GroupPagePermission",
        "wagtailcore.Page",
        "wagtailcore.Task",
        "wagtailcore.GroupApprovalTask",
        "wagtailcore.GroupApprovalTask_groups",
        "wagtailcore.Workflow",
        "wagtailcore.WorkflowTask",
        "wagtailcore.WorkflowPage",
    }
)


Progress = Callable[[int], object] | None


class BackupError(Exception):
    """An archive, a database or a restore that cannot be trusted; the
    message says why, in words for whoever runs the command."""


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a restore must give
    back every microsecond, if only because each trace event's hash covers
    its times."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


@dataclass
class RestoreResult:
    rows: int
    files: int
    search_documents: dict


# --- What is archived ----------------------------------------------------


def archived_models() -> list:
    """Every table the archive holds, many-to-many tables as tables of
    their own, in a fixed order: content types first, because a Wagtail
    page built from its row looks its content type up and would create
    it if the restore had not put it back yet."""
    # Only apps with migrations: a module that defines models in an app
    # without any (Oscar's test factories, in the "oscar" app) registers
    # them all the same, in the one process that imported it.
    migrated = _code_migration_loader().migrated_apps
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label not in REBUILT_MODELS
        and model._meta.app_label in migrated
    ]
    return sorted(models, key=lambda model: (model is not ContentType, model._meta.label))


def row_counts(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {model._meta.label: model._base_manager.using(using).count() for model in archived_models()}


def _canonical(value):
    """A value as the checksums see it, the same whichever database it was
    read from: times in UTC, amounts as written with their decimals."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def _digest(*querysets) -> str:
    digest = hashlib.sha256()
    for queryset in querysets:
        for row in queryset.iterator(chunk_size=CHUNK_SIZE):
            line = json.dumps([_canonical(value) for value in row], ensure_ascii=False, default=str)
            digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def orders_checksum(*, using: str = DEFAULT_DB_ALIAS) -> str:
    """SHA-256 of every order (number, status, totals, time, buyer), its
    lines and its cooperatives' parts, by order number: ids left out, so
    it says whether the orders are the same, not where they are stored."""
    Order = apps.get_model("order", "Order")
    Line = apps.get_model("order", "Line")
    FulfilmentGroup = apps.get_model("order", "FulfilmentGroup")
    return _digest(
        Order._base_manager.using(using).order_by("number").values_list(
            "number", "status", "currency", "total_incl_tax", "total_excl_tax", "shipping_incl_tax",
            "date_placed", "payment_method_code", "guest_email", "user__username",
        ),
        Line._base_manager.using(using).order_by("order__number", "partner_sku", "pk").values_list(
            "order__number", "partner__code", "partner_sku", "title", "quantity", "line_price_incl_tax",
            "status",
        ),
        FulfilmentGroup._base_manager.using(using).order_by("order__number", "partner__code").values_list(
            "order__number", "partner__code", "status", "merchandise_total", "shipping_charge", "created_at",
        ),
    )  # fmt: skip


def trace_events_checksum(*, using: str = DEFAULT_DB_ALIAS) -> str:
    """SHA-256 of every trace event, lot by lot in sequence, hashes
    included (they chain each lot's log)."""
    TraceEvent = apps.get_model("catalogue", "TraceEvent")
    return _digest(
        TraceEvent._base_manager.using(using).order_by("lot__code", "sequence").values_list(
            "lot__code", "sequence", "kind", "occurred_at", "place", "actor", "note", "input_product",
            "pre_harvest_interval_days", "photo", "recorded_at", "previous_hash", "hash",
        )
    )  # fmt: skip


def checksums(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    return {"orders": orders_checksum(using=using), "trace_events": trace_events_checksum(using=using)}


def _archived_files() -> Iterator[tuple[str, object, str]]:
    """(name in the archive, storage, name in that storage) of every
    uploaded file, in a fixed order."""

    def walk(storage, folder):
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in sorted(files):
            yield f"{folder}/{name}" if folder else name
        for name in sorted(folders):
            yield from walk(storage, f"{folder}/{name}" if folder else name)

    for prefix, alias in FILE_STORAGES.items():
        for name in walk(storages[alias], ""):
            yield f"{prefix}/{name}", storages[alias], name


def _sha256(stream) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


# --- Migration state -----------------------------------------------------


@functools.cache
def _code_migration_loader() -> MigrationLoader:
    """The code's migrations (read from disk once: they do not change while
    the process runs), for the models archived and the migration state."""
    return MigrationLoader(None, ignore_no_migrations=True)


def _code_migrations() -> dict[str, str]:
    """The latest migration of each app, as the code has them."""
    return dict(sorted(_code_migration_loader().graph.leaf_nodes()))


def _migration_problem(archived: dict[str, str]) -> str | None:
    """Why this code cannot load an archive made at another migration
    state: rows are only loaded into the tables they were read from."""
    known = _code_migration_loader().graph.nodes
    newer = [f"{app}.{name}" for app, name in sorted(archived.items()) if (app, name) not in known]
    if newer:
        return (
            "The archive was made by a newer version of the site: this code does not know its migrations "
            f"{', '.join(newer[:5])}. Update the code, then restore."
        )
    older = [
        f"{app} ({archived.get(app, 'none')} < {name})"
        for app, name in _code_migrations().items()
        if archived.get(app) != name
    ]
    if older:
        return (
            f"The archive was made by an older version of the site (migrations {', '.join(older[:5])}). "
            "Restore it with the version that made it, then update the code and run migrate."
        )
    return None


# --- Backup --------------------------------------------------------------


def backup_size(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Rows and files a backup writes, for progress bars."""
    return sum(row_counts(using=using).values()) + sum(1 for _file in _archived_files())


def _rows(model, using: str, on_progress: Progress) -> Iterator:
    for row in model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK_SIZE):
        if on_progress is not None:
            on_progress(1)
        yield row


def _add_member(archive: tarfile.TarFile, name: str, opener: Callable) -> dict:
    """Add a file, read twice (its checksum, then its bytes): an uploaded
    file is never rewritten in place, and if it were the restore would
    find it does not match."""
    with opener("rb") as stream:
        listed = {"sha256": _sha256(stream), "size": stream.tell()}
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = listed["size"], 0o600, int(timezone.now().timestamp())
    with opener("rb") as stream:
        archive.addfile(info, stream)
    return listed


def backup_create(*, path: Path, using: str = DEFAULT_DB_ALIAS, on_progress: Progress = None) -> dict:
    """Write the archive of the database and files to ``path`` (a .tar.gz,
    readable by its owner only, written under another name first so that
    a failed backup never leaves a file that looks complete). Returns the
    manifest: migration state, row counts, checksums of orders and trace
    events, and each member's size and SHA-256."""
    path = Path(path)
    connection = connections[using]
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in unapplied[:5])
        raise BackupError(f"The database has migrations not applied yet ({names}): run migrate first.")
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="backup-") as workdir:
        data_path = Path(workdir) / DATA_NAME
        # One snapshot of every table: PostgreSQL's repeatable read; on
        # SQLite the open read transaction does it. Inside a caller's
        # transaction (a test's) the snapshot is theirs.
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with data_path.open("w", encoding="utf-8") as data:
                for model in archived_models():
                    # Many-to-many rows are written as their own table's.
                    fields = [field.name for field in model._meta.local_fields]
                    serializers.serialize(
                        "jsonl", _rows(model, using, on_progress), stream=data, fields=fields,
                        cls=_ExactJSONEncoder,
                    )  # fmt: skip
            manifest = {
                "format": ARCHIVE_FORMAT,
                "version": ARCHIVE_VERSION,
                "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
                "database_vendor": connection.vendor,
                "migrations": _code_migrations(),
                "row_counts": row_counts(using=using),
                "checksums": checksums(using=using),
                "files": {},
            }
        try:
            # Readable by its owner only from its first byte.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(descriptor, "wb") as output, tarfile.open(fileobj=output, mode="w:gz") as archive:
                manifest["files"][DATA_NAME] = _add_member(archive, DATA_NAME, data_path.open)
                for name, storage, source in _archived_files():
                    manifest["files"][name] = _add_member(
                        archive, name, functools.partial(storage.open, source)
                    )
                    if on_progress is not None:
                        on_progress(1)
                content = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
                _add_member(archive, MANIFEST_NAME, lambda _mode: io.BytesIO(content))
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


# --- Reading an archive --------------------------------------------------


def _allowed_member(name: str) -> bool:
    """Only what a backup writes: no absolute path, no way out of the
    folder it is unpacked in."""
    parts = PurePosixPath(name).parts
    if name in (MANIFEST_NAME, DATA_NAME):
        return True
    return len(parts) > 1 and parts[0] in FILE_STORAGES and ".." not in parts and not name.startswith("/")


def archive_extract(*, path: Path, workdir: Path) -> dict:
    """Unpack an archive into ``workdir`` and check it: every member is a
    plain file the manifest lists, with the size and SHA-256 it lists, and
    nothing it lists is missing. Returns the manifest; raises BackupError
    for an archive that is missing, damaged or was changed."""
    path, workdir = Path(path), Path(workdir)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    found = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not member.isfile() or not _allowed_member(member.name):
                    raise BackupError(
                        f"The archive holds {member.name!r}, which no backup writes: refusing it."
                    )
                if member.name in found:
                    raise BackupError(f"The archive holds {member.name!r} twice: refusing it.")
                target = workdir / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, target.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
                with target.open("rb") as copy:
                    found[member.name] = {"sha256": _sha256(copy), "size": target.stat().st_size}
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error
    try:
        manifest = json.loads((workdir / MANIFEST_NAME).read_text(encoding="utf-8"))
        found.pop(MANIFEST_NAME)
    except (KeyError, OSError, ValueError) as error:
        raise BackupError(
            f"{path} has no readable {MANIFEST_NAME}: it is not a backup of this site."
        ) from error
    if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("version") != ARCHIVE_VERSION:
        raise BackupError(
            f"The archive is not a version {ARCHIVE_VERSION} backup of this site "
            f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})."
        )
    listed = manifest.get("files", {})
    problems = []
    for name in sorted(set(listed) | set(found) | {DATA_NAME}):
        if name not in found:
            problems.append(f"{name} is listed in the manifest but missing")
        elif name not in listed:
            problems.append(f"{name} is not listed in the manifest")
        elif found[name] != listed[name]:
            problems.append(f"{name} does not match its checksum in the manifest")
    if problems:
        raise BackupError(
            "The archive is damaged or was changed after it was made; nothing was restored:\n  "
            + "\n  ".join(problems[:20])
        )
    return manifest


# --- Restore -------------------------------------------------------------


def database_holdings(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows of the database beyond what `migrate` writes by itself, per
    table: empty for a database a restore may fill."""
    tables = set(connections[using].introspection.table_names())
    holdings = {}
    for model in archived_models():
        if model._meta.label in MIGRATION_DATA_MODELS or model._meta.db_table not in tables:
            continue
        count = model._base_manager.using(using).count()
        if count:
            holdings[model._meta.label] = count
    return holdings


def _files_to_write(manifest: dict) -> list[tuple[str, object, str]]:
    """The archive's files missing from their storages. One already there
    with the same bytes (left by an earlier try) is kept; one with other
    bytes would be overwritten, so the restore is refused."""
    missing, clashes = [], []
    for archived_name in sorted(manifest["files"]):
        prefix, _, name = archived_name.partition("/")
        if prefix not in FILE_STORAGES:
            continue
        storage = storages[FILE_STORAGES[prefix]]
        if not storage.exists(name):
            missing.append((archived_name, storage, name))
            continue
        with storage.open(name, "rb") as stream:
            if _sha256(stream) != manifest["files"][archived_name]["sha256"]:
                clashes.append(archived_name)
    if clashes:
        raise BackupError(
            f"The file storage already holds other files under the archive's names ({', '.join(clashes[:5])}"
            f"{'…' if len(clashes) > 5 else ''}): restore into empty media folders."
        )
    return missing


def _rows_load(data_path: Path, using: str, on_progress: Progress) -> int:
    """Insert every archived row as it was, primary key and all, in
    batches of raw inserts (as loaddata's raw saves, without its query per
    row): no save(), no signals, nothing re-derived, so timestamps set on
    creation keep their value and the append-only trace log goes in
    untouched."""
    connection = connections[using]
    loaded, batch = 0, []

    def flush():
        model = type(batch[0])
        fields = model._meta.local_concrete_fields
        size = max(1, connection.ops.bulk_batch_size(fields, batch))
        for start in range(0, len(batch), size):
            model._base_manager._insert(batch[start : start + size], fields=fields, using=using, raw=True)
        batch.clear()

    with data_path.open(encoding="utf-8") as data:
        for deserialized in serializers.deserialize("jsonl", data, using=using):
            if batch and (type(batch[0]) is not type(deserialized.object) or len(batch) >= CHUNK_SIZE):
                flush()
            batch.append(deserialized.object)
            loaded += 1
            if on_progress is not None:
                on_progress(1)
    if batch:
        flush()
    return loaded


def _differences(manifest: dict, using: str) -> list[str]:
    differences = []
    counts = row_counts(using=using)
    for label in sorted(set(manifest["row_counts"]) | set(counts)):
        expected, found = manifest["row_counts"].get(label), counts.get(label)
        if expected != found:
            differences.append(f"{label}: {found} rows, the archive has {expected}")
    for name, checksum in checksums(using=using).items():
        if manifest["checksums"].get(name) != checksum:
            differences.append(f"the checksum of {name.replace('_', ' ')} differs from the archive's")
    return differences


def restore_size(manifest: dict) -> int:
    """Rows and files a restore writes, for progress bars."""
    return sum(manifest["row_counts"].values()) + len(manifest["files"]) - 1


def site_restore(
    *,
    path: Path,
    using: str = DEFAULT_DB_ALIAS,
    on_start: Callable[[dict], object] | None = None,
    on_progress: Progress = None,
    migrate_verbosity: int = 0,
) -> RestoreResult:
    """Restore an archive into an empty database and file storages.

    Checks first, changing nothing: the archive is whole and unchanged, it
    was made at the code's migration state, the database holds nothing of
    its own, no file would be overwritten. Then migrates (a new database),
    loads every row in one transaction, resets the id sequences, checks
    foreign keys, row counts and the checksums of orders and trace events
    against the manifest, and puts the files back before committing: any
    failure rolls the rows back and removes the files written, so a failed
    restore leaves nothing half done. Search indices are rebuilt once the
    rows are in. ``on_start`` is given the manifest once it is checked."""
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="restore-") as workdir:
        workdir = Path(workdir)
        manifest = archive_extract(path=path, workdir=workdir)
        problem = _migration_problem(manifest.get("migrations", {}))
        if problem:
            raise BackupError(problem)
        holdings = database_holdings(using=using)
        if holdings:
            listed = ", ".join(f"{label} ({count})" for label, count in sorted(holdings.items())[:8])
            raise BackupError(
                f"The database {connection.settings_dict['NAME']} is not empty: it holds {listed}"
                f"{'…' if len(holdings) > 8 else ''}. A backup is restored only into an empty database, "
                "so that nothing is overwritten: create a new database and point DATABASE_URL at it."
            )
        files = _files_to_write(manifest)
        if on_start is not None:
            on_start(manifest)

        call_command("migrate", database=using, interactive=False, verbosity=migrate_verbosity)
        written = []
        try:
            with transaction.atomic(using=using):
                # What migrate wrote goes: the archive has the same rows,
                # with the ids the rest of its rows refer to.
                tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
                with connection.cursor() as cursor:
                    for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
                        cursor.execute(statement)
                ContentType.objects.clear_cache()
                rows = _rows_load(workdir / DATA_NAME, using, on_progress)
                # Rows came with their ids: PostgreSQL's sequences must move
                # past them, or the next order would take an existing id.
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), archived_models()):
                        cursor.execute(statement)
                connection.check_constraints()
                differences = _differences(manifest, using)
                if differences:
                    raise BackupError(
                        "The restored database does not match the archive; the restore was rolled back:\n  "
                        + "\n  ".join(differences[:20])
                    )
                for archived_name, storage, name in files:
                    with (workdir / archived_name).open("rb") as stream:
                        written.append((storage, storage.save(name, File(stream))))
                    if written[-1][1] != name:
                        raise BackupError(f"The storage saved {archived_name} as {written[-1][1]!r}.")
                    if on_progress is not None:
                        on_progress(1)
        except BaseException as error:
            for storage, name in written:
                storage.delete(name)
            if isinstance(error, DeserializationError | DatabaseError):
                raise BackupError(
                    f"A row of the archive could not be loaded; the restore was rolled back: {error}"
                ) from error
            raise
        finally:
            ContentType.objects.clear_cache()

    return RestoreResult(rows=rows, files=len(manifest["files"]) - 1, search_documents=_search_rebuild())


def _search_rebuild() -> dict:
    """The project's search index and Wagtail's, from the restored rows.
    Wagtail's database backend is kept up to date by save signals alone
    (its update_index command skips it), and a restore sends none."""
    from wagtail.search import index

    from search import services as search_services

    documents = search_services.search_index_rebuild()
    for model in index.get_indexed_models():
        for instance in model.get_indexed_objects().order_by("pk").iterator(chunk_size=CHUNK_SIZE):
            index.insert_or_update_object(instance)
    return documents
