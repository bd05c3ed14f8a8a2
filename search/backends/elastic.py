"""Search in Elasticsearch 8 or OpenSearch 2/3 (SEARCH_ENGINE), through the
elasticsearch client and elasticsearch-dsl."""

import dataclasses
import logging
import re
import time

from django.conf import settings
from elastic_transport import HttpHeaders, Urllib3HttpNode
from elasticsearch import Elasticsearch, helpers
from elasticsearch_dsl import Q, Search

from .. import text
from ..documents import (
    DOCUMENT_CLASSES,
    FACET_FIELDS,
    MAPPING_VERSION,
    alias_name,
    document_from,
    index_settings,
)
from ..models import SearchFacetValue, SearchKind
from ..results import (
    RESULT_WINDOW,
    FacetCount,
    SearchHit,
    SearchResults,
    facet_label,
    hit_url,
    suggestions_ordered,
)
from ..sources import FACETS

logger = logging.getLogger(__name__)

# Elasticsearch 8's client asks for "compatible-with=8" media types, which
# OpenSearch answers with 406; OpenSearch sends plain JSON back.
_COMPATIBLE_MEDIA_TYPE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)\s*;\s*compatible-with=\d+")
# Enough buckets for every district and commune of a province.
FACET_BUCKETS = 100
BULK_CHUNK = 500


class OpenSearchNode(Urllib3HttpNode):
    """The urllib3 node, speaking plain application/json to OpenSearch.

    The client also insists that every answer carry Elasticsearch's product
    header, which OpenSearch does not send; the node adds it to the answer
    it hands back (only in OpenSearch mode, where that is known)."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = HttpHeaders(headers)
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = _COMPATIBLE_MEDIA_TYPE.sub(r"application/\1", headers[name])
        response = super().perform_request(method, target, body=body, headers=headers, **kwargs)
        answer_headers = HttpHeaders(response.meta.headers)
        answer_headers["x-elastic-product"] = "Elasticsearch"
        return response._replace(meta=dataclasses.replace(response.meta, headers=answer_headers))


_clients: dict = {}


def client() -> Elasticsearch:
    """One client per address and engine (settings may change in tests)."""
    key = (settings.ELASTICSEARCH_URL, settings.SEARCH_ENGINE, settings.ELASTICSEARCH_TIMEOUT)
    if key not in _clients:
        options = {
            "hosts": [settings.ELASTICSEARCH_URL],
            # A page must not wait long for a search engine that is down:
            # it falls back to the database instead.
            "request_timeout": settings.ELASTICSEARCH_TIMEOUT,
            "max_retries": 0,
            "retry_on_timeout": False,
        }
        if settings.SEARCH_ENGINE == "opensearch":
            options["node_class"] = OpenSearchNode
        _clients[key] = Elasticsearch(**options)
    return _clients[key]


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, connection: Elasticsearch | None = None):
        self.connection = connection or client()

    # --- Indices --------------------------------------------------------------

    def index_create(self, kind: str) -> str:
        """A new, empty index of ``kind`` for this mapping version; its name."""
        # Versioned and timestamped to the microsecond: two rebuilds never
        # collide, and the name says which mapping an index holds.
        stamp = f"{time.strftime('%Y%m%d%H%M%S')}{time.time_ns() // 1000 % 10**6:06d}"
        name = f"{alias_name(kind)}-v{MAPPING_VERSION}-{stamp}"
        index = DOCUMENT_CLASSES[kind]._index.clone(name)
        index.settings(**index_settings())
        index.create(using=self.connection)
        return name

    def aliased_indices(self, kind: str) -> list[str]:
        alias = alias_name(kind)
        if not self.connection.indices.exists_alias(name=alias):
            return []
        return sorted(self.connection.indices.get_alias(name=alias).keys())

    def aliases_switch(self, new_indices: dict) -> list[str]:
        """Point each kind's alias at its new index in one atomic request;
        returns the indices no longer used."""
        actions, old = [], []
        for kind, index in new_indices.items():
            for previous in self.aliased_indices(kind):
                actions.append({"remove": {"index": previous, "alias": alias_name(kind)}})
                old.append(previous)
            actions.append({"add": {"index": index, "alias": alias_name(kind)}})
        self.connection.indices.update_aliases(actions=actions)
        return old

    def indices_ensure(self) -> None:
        """Every kind has an aliased index (made empty when missing)."""
        missing = {
            kind: self.index_create(kind) for kind in SearchKind.values if not self.aliased_indices(kind)
        }
        if missing:
            self.aliases_switch(missing)

    # --- Writing --------------------------------------------------------------

    def index(self, documents, *, index: str | None = None, refresh: bool = False) -> int:
        def actions():
            for source in documents:
                document = document_from(source)
                yield {
                    "_op_type": "index",
                    "_index": index or alias_name(source.kind),
                    "_id": source.key,
                    "_source": document.to_dict(skip_empty=True),
                }

        written, _errors = helpers.bulk(self.connection, actions(), chunk_size=BULK_CHUNK, refresh=refresh)
        return written

    def remove(self, kind: str, ids, *, refresh: bool = False) -> int:
        actions = (
            {"_op_type": "delete", "_index": alias_name(kind), "_id": f"{kind}-{object_id}"}
            for object_id in ids
        )
        removed, _errors = helpers.bulk(
            self.connection, actions, raise_on_error=False, refresh=refresh, chunk_size=BULK_CHUNK
        )
        return removed

    def keys(self, kind: str) -> set:
        found = set()
        search = Search(using=self.connection, index=alias_name(kind)).source(["object_id"])
        for hit in search.scan():
            found.add(int(hit.object_id))
        return found

    def refresh(self) -> None:
        self.connection.indices.refresh(index=",".join(alias_name(kind) for kind in SearchKind.values))

    # --- Reading --------------------------------------------------------------

    def query_body(self, query: str, filters, page: int, size: int, language: str) -> Search:
        """The search request, as elasticsearch-dsl builds it."""
        words = text.words(query)
        phrase = " ".join(words)
        match = Q(
            "match",
            text={
                "query": phrase,
                "operator": "and",
                # No typo allowed in words under five letters, one above.
                "fuzziness": "AUTO:5,100",
                "prefix_length": 0,
            },
        )
        boosts = [
            Q("match", title={"query": phrase, "boost": 3}),
            Q("match", context={"query": phrase, "boost": 1.5}),
            Q("match_phrase", title={"query": phrase, "boost": 2}),
        ]
        # As typed, tones kept: titles spelt so rank first.
        boosts.append(Q("match", **{"title.exact": {"query": phrase, "boost": 4}}))
        facet_filters = [Q("terms", language=["any", language])]
        for name, value in filters.facets:
            facet_filters.append(Q("term", **{FACET_FIELDS.get(name, name): value}))
        search = Search(index=[alias_name(kind) for kind in SearchKind.values]).query(
            Q("bool", must=[match], should=boosts, filter=facet_filters)
        )
        # The tabs count every kind; the hits and the other facets are those
        # of the chosen kind.
        search.aggs.bucket("kinds", "terms", field="kind", size=len(SearchKind.values))
        kind_filter = Q("term", kind=filters.kind) if filters.kind else Q("match_all")
        chosen = search.aggs.bucket("chosen", "filter", filter=kind_filter)
        for name in FACETS:
            chosen.bucket(name, "terms", field=FACET_FIELDS.get(name, name), size=FACET_BUCKETS)
        if filters.kind:
            search = search.post_filter("term", kind=filters.kind)
        start = min((page - 1) * size, RESULT_WINDOW)
        end = min(start + size, RESULT_WINDOW)
        return search.sort("_score", {"kind": "asc"}, {"object_id": "asc"}).extra(
            from_=start, size=end - start, track_total_hits=True
        )

    def search(self, query: str, filters, page: int, size: int, language: str) -> SearchResults:
        results = SearchResults(query=query, page=page, size=size, backend=self.name)
        words = text.words(query)
        if not words:
            return results
        response = self.query_body(query, filters, page, size, language).using(self.connection).execute()
        results.total = response.hits.total.value
        results.kind_counts = {bucket.key: bucket.doc_count for bucket in response.aggregations.kinds.buckets}
        results.hits = []
        for hit in response.hits:
            results.hits.append(
                SearchHit(
                    kind=hit.kind,
                    id=int(hit.object_id),
                    title=hit.title,
                    url=hit_url(
                        hit.kind, int(hit.object_id), getattr(hit, "slug", ""), getattr(hit, "url", "")
                    ),
                    snippet=text.snippet(getattr(hit, "body", "") or getattr(hit, "context", ""), words),
                    image=getattr(hit, "image", "") or "",
                    price=getattr(hit, "price", None),
                    in_stock=getattr(hit, "in_stock", True),
                    subtitle=getattr(hit, "subtitle", "") or "",
                    score=hit.meta.score or 0.0,
                )
            )
        chosen = response.aggregations.chosen
        buckets = {name: [(b.key, b.doc_count) for b in getattr(chosen, name).buckets] for name in FACETS}
        labels = _facet_labels(buckets)
        selected = set(filters.facets)
        for name, values in buckets.items():
            if values:
                results.facets[name] = [
                    FacetCount(
                        value=str(value),
                        label=facet_label(name, str(value), labels.get((name, str(value)), str(value))),
                        count=count,
                        selected=(name, str(value)) in selected,
                    )
                    for value, count in values
                ]
        return results

    def suggest_body(self, prefix: str, limit: int) -> Search:
        folded = " ".join(text.words(prefix))
        return (
            Search(index=[alias_name(kind) for kind in SearchKind.values])
            .source(["kind", "object_id", "title", "slug", "url", "language"])
            .suggest(
                "titles", folded, completion={"field": "suggest", "size": limit * 2, "skip_duplicates": True}
            )
            .extra(size=0)
        )

    def suggest(self, prefix: str, language: str, limit: int) -> list[dict]:
        if not text.words(prefix):
            return []
        response = self.suggest_body(prefix, limit).using(self.connection).execute()
        candidates = (
            (
                source.title,
                source.kind,
                hit_url(source.kind, int(source.object_id), source.slug or "", source.url or ""),
            )
            for source in (option._source for option in response.suggest.titles[0].options)
            if source.language in ("any", language)
        )
        return suggestions_ordered(prefix, candidates, limit)


def _facet_labels(buckets: dict) -> dict:
    """The stored names of facet values (districts, cooperatives…), read
    from the database index in one query."""
    from django.db.models import Q as DbQ

    condition = DbQ(pk__in=[])
    for name, values in buckets.items():
        if values and name in ("district", "commune", "cooperative", "category"):
            condition |= DbQ(facet=name, value__in=[str(value) for value, _count in values])
    return {
        (facet, value): label
        for facet, value, label in SearchFacetValue.objects.filter(condition)
        .values_list("facet", "value", "label")
        .distinct()
    }
