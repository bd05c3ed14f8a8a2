"""Reads: the search every page uses, from the configured backend, falling
back to the database when Elasticsearch cannot answer."""

import logging

from django.utils import translation

from . import text
from .backends.database import DatabaseBackend
from .results import PAGE_SIZE, PAGE_SIZE_MAX, SUGGESTIONS_MAX, SearchFilters, SearchResults
from .services import elasticsearch_configured

logger = logging.getLogger(__name__)


def _backends():
    if elasticsearch_configured():
        from .backends.elastic import ElasticsearchBackend

        try:
            yield ElasticsearchBackend()
        except Exception as error:  # noqa: BLE001 - a broken client setting must not break pages
            logger.warning("Search engine client could not be made; using the database: %s", error)
    yield DatabaseBackend()


def _run(method: str, *args):
    for backend in _backends():
        try:
            return getattr(backend, method)(*args)
        except Exception as error:  # noqa: BLE001 - any engine failure falls back, never a 500
            if isinstance(backend, DatabaseBackend):
                raise
            logger.warning("Search engine failed (%s); falling back to the database: %s", method, error)
    raise RuntimeError("no search backend")  # pragma: no cover - the database backend always answers


def search_run(
    query, filters: SearchFilters | None = None, page: int = 1, size: int = PAGE_SIZE, *, language=None
) -> SearchResults:
    """Products, cooperatives and destinations matching ``query`` (any
    spelling: NFC or NFD, with or without tones), ``filters`` applied, the
    ``page``-th page of ``size`` hits, with facet and per-kind counts."""
    query = text.query_clean(query)
    filters = filters or SearchFilters()
    page = max(1, int(page))
    size = min(max(1, int(size)), PAGE_SIZE_MAX)
    language = language or translation.get_language() or "vi"
    return _run("search", query, filters, page, size, language[:2])


def suggest_run(prefix, *, limit: int = SUGGESTIONS_MAX, language=None) -> list[dict]:
    """Up to ``limit`` titles starting with (a word starting with)
    ``prefix``, for the search box."""
    prefix = text.query_clean(prefix)
    language = language or translation.get_language() or "vi"
    return _run("suggest", prefix, language[:2], min(limit, SUGGESTIONS_MAX))
