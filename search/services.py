"""Writes to the search indices: one document on change, everything on
rebuild or at the nightly reconciliation."""

import logging

from django.conf import settings

from . import sources
from .backends.database import DatabaseBackend
from .models import SearchKind

logger = logging.getLogger(__name__)


class SearchEngineUnavailable(ConnectionError):
    """Elasticsearch could not be reached or refused a write. An OSError,
    as marketplace.services counts outages: a refresh that raises it is
    kept and run again later."""


def elasticsearch_configured() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


def _elasticsearch():
    from .backends.elastic import ElasticsearchBackend

    return ElasticsearchBackend()


def _engine_errors():
    from elastic_transport import TransportError
    from elasticsearch import ApiError
    from elasticsearch.helpers import BulkIndexError

    return (TransportError, ApiError, BulkIndexError, OSError)


def search_document_refresh(*, kind: str, object_id: int) -> bool:
    """Bring one thing's document up to date: written when it is
    searchable (a listed product, an approved cooperative, a published
    destination), removed otherwise. Returns whether it is searchable.
    Raises SearchEngineUnavailable when Elasticsearch is configured and
    fails; the database index is up to date by then."""
    if kind not in SearchKind.values:
        raise ValueError(f"Unknown search kind {kind!r}")
    documents = list(sources.documents(kind, ids=[object_id]))
    database = DatabaseBackend()
    if documents:
        database.index(documents)
    else:
        database.remove(kind, [object_id])
    if elasticsearch_configured():
        try:
            engine = _elasticsearch()
            if documents:
                engine.index(documents)
            else:
                engine.remove(kind, [object_id])
        except _engine_errors() as error:
            logger.warning("Search engine unreachable; %s %s not updated there: %s", kind, object_id, error)
            raise SearchEngineUnavailable(str(error)) from error
    return bool(documents)


def search_index_rebuild_size() -> int:
    """How many writes a full rebuild makes, for progress bars: each
    document goes to the database, then to Elasticsearch when configured."""
    return sources.documents_count() * (2 if elasticsearch_configured() else 1)


def _database_sync(progress=None) -> dict:
    """Write every document to the database index and remove entries of
    things no longer searchable; returns counts per kind."""
    database = DatabaseBackend()
    counts = {}
    for kind in SearchKind.values:
        written = set()
        batch = []
        for document in sources.documents(kind):
            batch.append(document)
            written.add(document.object_id)
            if progress is not None:
                progress(1)
            if len(batch) >= sources.BATCH_SIZE:
                database.index(batch)
                batch = []
        database.index(batch)
        database.remove(kind, database.keys(kind) - written)
        counts[kind] = len(written)
    return counts


def search_index_rebuild(*, progress=None) -> dict:
    """Rebuild every index. The database index is rewritten in place;
    Elasticsearch gets new versioned indices, filled, then swapped in by
    one atomic alias change, so searches never see a half-built index.
    ``progress(n)`` is called as documents are written."""
    counts = _database_sync(progress)
    if elasticsearch_configured():
        engine = _elasticsearch()
        new_indices = {kind: engine.index_create(kind) for kind in SearchKind.values}
        try:
            for kind, index in new_indices.items():
                engine.index(_counted(sources.documents(kind), progress), index=index)
            engine.connection.indices.refresh(index=",".join(new_indices.values()))
            old = engine.aliases_switch(new_indices)
        except Exception:
            # The old indices stay in service; the half-built ones go.
            engine.connection.indices.delete(index=",".join(new_indices.values()), ignore_unavailable=True)
            raise
        if old:
            engine.connection.indices.delete(index=",".join(old), ignore_unavailable=True)
    return counts


def _counted(documents, progress):
    for document in documents:
        if progress is not None:
            progress(1)
        yield document


def search_index_reconcile() -> dict:
    """What the nightly task does: every searchable thing's document is
    rewritten in every backend and documents of things no longer searchable
    are removed, repairing any update that was lost."""
    counts = _database_sync()
    if elasticsearch_configured():
        engine = _elasticsearch()
        engine.indices_ensure()
        for kind in SearchKind.values:
            documents = list(sources.documents(kind))
            engine.index(documents)
            engine.remove(kind, engine.keys(kind) - {document.object_id for document in documents})
    return counts
