"""Search in the database: PostgreSQL full-text search (weighted title >
context > body, unaccented, ranked with SearchRank) with trigram similarity
for typos; on SQLite, the folded columns matched word by word and a
Python trigram function, so the same behaviour holds on both."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Length

from .. import text
from ..models import SearchEntry, SearchFacetValue, SearchKind, SearchWord
from ..results import FacetCount, SearchHit, SearchResults, facet_label, hit_url, suggestions_ordered

# A word of five letters or more may carry one wrong letter. One changed
# letter in the middle of a five-letter word leaves 3 of its 6 trigrams:
# similarity 3 / 9 = 0.33, while words sharing only their first two letters
# stay near 0.2. (0.3 is also pg_trgm's default threshold for the % operator,
# which lets the trigram index find the candidates.)
FUZZY_MIN_LENGTH = 5
FUZZY_THRESHOLD = 0.3
# Words a typo may stand for, most similar first.
FUZZY_CANDIDATES = 5
# How much more an exact spelling (with its tones) counts than a folded one.
EXACT_BONUS = 0.5
KIND_ORDER = {SearchKind.PRODUCT: 0, SearchKind.DESTINATION: 1, SearchKind.COOPERATIVE: 2}


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class Similarity(Func):
    """pg_trgm's similarity(a, b); on SQLite the same function is
    registered in Python (search.apps)."""

    function = "similarity"
    output_field = FloatField()


def _entry_of(document) -> SearchEntry:
    return SearchEntry(
        kind=document.kind,
        object_id=document.object_id,
        language=document.language,
        title=document.title[:255],
        title_exact=text.exact(document.title)[:255],
        title_folded=text.folded_words(document.title)[:255],
        context=document.context,
        context_folded=text.folded_words(document.context),
        body=document.body,
        body_folded=text.folded_words(document.body),
        slug=document.slug[:255],
        url=document.url[:500],
        image=document.image[:500],
        price=document.price,
        in_stock=document.in_stock,
        subtitle=document.subtitle[:255],
    )


# The entry's columns a document writes, with their PostgreSQL types.
_ENTRY_COLUMNS = (
    ("kind", "varchar"), ("object_id", "bigint"), ("language", "varchar"), ("title", "varchar"),
    ("title_exact", "varchar"), ("title_folded", "varchar"), ("context", "text"), ("context_folded", "text"),
    ("body", "text"), ("body_folded", "text"), ("slug", "varchar"), ("url", "varchar"), ("image", "varchar"),
    ("price", "bigint"), ("in_stock", "boolean"), ("subtitle", "varchar"),
)  # fmt: skip
_ENTRY_FIELDS = tuple(name for name, _type in _ENTRY_COLUMNS[2:])
# The vector weighs the title above the context (category, origin,
# cooperative, kind) above the body, unaccented, as the searches query it.
_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('simple', COALESCE(unaccent(v.{column}), '')), '{weight}')"
    for column, weight in (("title", "A"), ("context", "B"), ("body", "C"))
)


def _unnest(columns) -> str:
    """``unnest(%s::type[], …) AS v(name, …)``: one array parameter per
    column, so a statement stays the same size whatever the number of rows
    (Django and psycopg would otherwise compile every value of a batch)."""
    arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in columns)
    return f"unnest({arrays}) AS v({', '.join(name for name, _type in columns)})"


def _entries_upsert_postgresql(entries: list[SearchEntry]) -> list[int]:
    """Insert or replace the entries in one statement, their vector
    computed from the same texts in it (a second UPDATE would leave a dead
    copy of every row behind, and scans read through them); returns their
    ids in the order given."""
    names = [name for name, _type in _ENTRY_COLUMNS]
    updated = [*names[2:], "updated_at", "search_vector"]
    statement = (
        f"INSERT INTO {SearchEntry._meta.db_table} ({', '.join(names)}, updated_at, search_vector) "
        f"SELECT {', '.join(f'v.{name}' for name in names)}, now(), {_VECTOR_SQL} "
        f"FROM {_unnest(_ENTRY_COLUMNS)} "
        f"ON CONFLICT (kind, object_id) DO UPDATE SET {', '.join(f'{n} = EXCLUDED.{n}' for n in updated)} "
        "RETURNING id, kind, object_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [[getattr(entry, name) for entry in entries] for name in names])
        ids = {(kind, object_id): pk for pk, kind, object_id in cursor.fetchall()}
    return [ids[(entry.kind, entry.object_id)] for entry in entries]


_FACET_COLUMNS = (("entry_id", "bigint"), ("facet", "varchar"), ("value", "varchar"), ("label", "varchar"))


def _facet_values_replace(entry_ids: list[int], rows: list[tuple]) -> None:
    """The entries' facet values become ``rows`` (entry id, facet, value,
    label)."""
    if not _is_postgresql():
        SearchFacetValue.objects.filter(entry__in=entry_ids).delete()
        SearchFacetValue.objects.bulk_create(
            SearchFacetValue(entry_id=entry_id, facet=facet, value=value, label=label)
            for entry_id, facet, value, label in rows
        )
        return
    table = SearchFacetValue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE entry_id = ANY(%s::bigint[])", [entry_ids])
        if rows:
            names = ", ".join(name for name, _type in _FACET_COLUMNS)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {_unnest(_FACET_COLUMNS)}",
                [list(column) for column in zip(*rows, strict=True)],
            )


def _tsquery_text(word: str, others: list[str]) -> str:
    # Words are letters and digits only (search.text.words): nothing in
    # them is tsquery syntax.
    return " | ".join([f"{word}:*", *others])


def _tsquery(word: str, others: list[str]) -> SearchQuery:
    return SearchQuery(_tsquery_text(word, others), search_type="raw", config="simple")


class DatabaseBackend:
    name = "database"

    # --- Writing ------------------------------------------------------------

    def index(self, documents) -> int:
        """Create or replace the entries of ``documents``; returns how many.
        A batch is written in a fixed number of statements whatever its size
        (the entries, then their facet values, then new words): written one
        by one, a rebuild at the province's size managed some 60 entries a
        second (bench/README.md)."""
        # One entry per thing: if a thing comes twice, its last document wins.
        latest = list({(document.kind, document.object_id): document for document in documents}.values())
        if not latest:
            return 0
        entries = [_entry_of(document) for document in latest]
        with transaction.atomic():
            if _is_postgresql():
                ids = _entries_upsert_postgresql(entries)
            else:
                # An upsert: an entry already there keeps its row (and id)
                # and takes the new values in the same statement.
                ids = [
                    entry.pk
                    for entry in SearchEntry.objects.bulk_create(
                        entries,
                        update_conflicts=True,
                        unique_fields=["kind", "object_id"],
                        update_fields=[*_ENTRY_FIELDS, "updated_at"],
                    )
                ]
            facet_values = [
                (entry_id, name, value[:64], label[:255])
                for entry_id, document in zip(ids, latest, strict=True)
                for name, values in document.facets.items()
                for value, label in values
            ]
            _facet_values_replace(ids, facet_values)
            vocabulary = set()
            for entry in entries:
                vocabulary.update(f"{entry.title_folded} {entry.context_folded}".split())
            # Words of removed things stay: they only ever expand a typo to
            # a word that then matches nothing.
            SearchWord.objects.bulk_create(
                (SearchWord(word=word) for word in sorted(vocabulary) if len(word) <= 64),
                ignore_conflicts=True,
            )
        return len(entries)

    def remove(self, kind: str, ids) -> int:
        deleted, _details = SearchEntry.objects.filter(kind=kind, object_id__in=list(ids)).delete()
        return deleted

    def keys(self, kind: str) -> set:
        return set(SearchEntry.objects.filter(kind=kind).values_list("object_id", flat=True))

    # --- Reading ------------------------------------------------------------

    @staticmethod
    def _spellings(word: str) -> list[str]:
        """The indexed words a query word may be a typo of (none for short
        words)."""
        if len(word) < FUZZY_MIN_LENGTH:
            return []
        candidates = SearchWord.objects.annotate(length=Length("word")).filter(
            # One letter more, less or changed.
            length__gte=len(word) - 1,
            length__lte=len(word) + 1,
        )
        if _is_postgresql():
            candidates = candidates.filter(word__trigram_similar=word)
        return list(
            candidates.alias(similarity=Similarity(F("word"), Value(word)))
            .filter(similarity__gte=FUZZY_THRESHOLD)
            .exclude(word=word)
            .order_by("-similarity", "word")
            .values_list("word", flat=True)[:FUZZY_CANDIDATES]
        )

    def _matching(self, spellings: list[list[str]], language: str):
        """Entries holding every query word, each as typed (a word start) or
        as one of the words it may be a typo of (whole words)."""
        entries = SearchEntry.objects.filter(Q(language="") | Q(language=language))
        if _is_postgresql():
            for word, *others in spellings:
                entries = entries.filter(search_vector=_tsquery(word, others))
            return entries
        document = Concat(
            Value(" "), "title_folded", Value(" "), "context_folded", Value(" "), "body_folded", Value(" "),
            output_field=TextField(),
        )  # fmt: skip
        entries = entries.alias(document=document)
        for word, *others in spellings:
            condition = Q(document__contains=f" {word}")
            for other in others:
                condition |= Q(document__contains=f" {other} ")
            entries = entries.filter(condition)
        return entries

    def _ranked(self, entries, spellings: list[list[str]], exact_words: list[str]):
        if _is_postgresql():
            any_word = " | ".join(f"({_tsquery_text(word, others)})" for word, *others in spellings)
            rank = SearchRank(F("search_vector"), SearchQuery(any_word, search_type="raw", config="simple"))
        else:
            rank = Value(0.0)
            for word in (word for words in spellings for word in words):
                rank = (
                    rank
                    + Case(When(title_folded__contains=word, then=Value(1.0)), default=Value(0.0))
                    + Case(When(context_folded__contains=word, then=Value(0.4)), default=Value(0.0))
                    + Case(When(body_folded__contains=word, then=Value(0.2)), default=Value(0.0))
                )
        for word in exact_words:
            rank = rank + Case(When(title_exact__contains=word, then=Value(EXACT_BONUS)), default=Value(0.0))
        kind_order = Case(*(When(kind=k, then=Value(v)) for k, v in KIND_ORDER.items()), default=Value(9))
        return entries.annotate(
            rank=ExpressionWrapper(rank, output_field=FloatField()), kind_order=kind_order
        )

    @staticmethod
    def _with_facets(entries, filters):
        for name, value in filters.facets:
            entries = entries.filter(
                Exists(SearchFacetValue.objects.filter(entry=OuterRef("pk"), facet=name, value=value))
            )
        return entries

    def search(self, query: str, filters, page: int, size: int, language: str) -> SearchResults:
        results = SearchResults(query=query, page=page, size=size, backend=self.name)
        words = [text.fold(word) for word in text.words(query)]
        if not words:
            return results
        spellings = [[word, *self._spellings(word)] for word in words]
        # As typed (lower-cased, tones kept): titles spelt so rank first.
        exact_words = [text.exact(word) for word in text.words(query)]
        matching = self._with_facets(self._matching(spellings, language), filters)
        results.kind_counts = {
            row["kind"]: row["count"]
            for row in matching.order_by().values("kind").annotate(count=Count("pk"))
        }
        chosen = matching.filter(kind=filters.kind) if filters.kind else matching
        results.total = (
            results.kind_counts.get(filters.kind, 0) if filters.kind else sum(results.kind_counts.values())
        )
        if not results.total:
            return results
        offset = (page - 1) * size
        if offset < results.total:
            ranked = self._ranked(chosen, spellings, exact_words).order_by(
                "-rank", "kind_order", "title", "pk"
            )
            entries = list(ranked[offset : offset + size])
            # Highlight the words a typo stood for too.
            query_words = text.words(query) + [other for _word, *others in spellings for other in others]
            results.hits = [
                SearchHit(
                    kind=entry.kind,
                    id=entry.object_id,
                    title=entry.title,
                    url=hit_url(entry.kind, entry.object_id, entry.slug, entry.url),
                    snippet=text.snippet(entry.body or entry.context, query_words),
                    image=entry.image,
                    price=entry.price,
                    in_stock=entry.in_stock,
                    subtitle=entry.subtitle,
                    score=float(entry.rank or 0),
                )
                for entry in entries
            ]
        counts = (
            SearchFacetValue.objects.filter(entry__in=chosen.values("pk"))
            .values("facet", "value", "label")
            .annotate(count=Count("pk"))
            .order_by("facet", "-count", "label")
        )
        selected = set(filters.facets)
        for row in counts:
            results.facets.setdefault(row["facet"], []).append(
                FacetCount(
                    value=row["value"],
                    label=facet_label(row["facet"], row["value"], row["label"]),
                    count=row["count"],
                    selected=(row["facet"], row["value"]) in selected,
                )
            )
        return results

    def suggest(self, prefix: str, language: str, limit: int) -> list[dict]:
        words = [text.fold(word) for word in text.words(prefix)]
        if not words:
            return []
        folded = " ".join(words)
        entries = (
            SearchEntry.objects.filter(Q(language="") | Q(language=language))
            .filter(Q(title_folded__startswith=folded) | Q(title_folded__contains=f" {folded}"))
            .annotate(
                starts=Case(When(title_folded__startswith=folded, then=Value(0)), default=Value(1)),
                kind_order=Case(
                    *(When(kind=k, then=Value(v)) for k, v in KIND_ORDER.items()), default=Value(9)
                ),
            )
            .order_by("starts", "kind_order", "title", "pk")
            .only("kind", "object_id", "title", "slug", "url", "language")
        )
        candidates = (
            (entry.title, entry.kind, hit_url(entry.kind, entry.object_id, entry.slug, entry.url))
            for entry in entries[: limit * 2]
        )
        return suggestions_ordered(prefix, candidates, limit)
