"""Search in the database: PostgreSQL full-text search (weighted title >
context > body, unaccented, ranked with SearchRank) with trigram similarity
for typos; on SQLite, the folded columns matched word by word and a
Python trigram function, so the same behaviour holds on both."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
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


class Unaccent(Func):
    function = "unaccent"


def _search_vector(title: str, context: str, body: str):
    """The entry's vector from the texts being written, so it goes into the
    same INSERT or UPDATE as the row: a second UPDATE would leave a dead
    copy of every row behind, and scans read through them."""
    return (
        SearchVector(Unaccent(Value(title)), weight="A", config="simple")
        + SearchVector(Unaccent(Value(context)), weight="B", config="simple")
        + SearchVector(Unaccent(Value(body)), weight="C", config="simple")
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
        """Create or replace the entries of ``documents``; returns how many."""
        written, vocabulary = 0, set()
        with transaction.atomic():
            for document in documents:
                title = document.title[:255]
                vector = (
                    {"search_vector": _search_vector(title, document.context, document.body)}
                    if _is_postgresql()
                    else {}
                )
                entry, _created = SearchEntry.objects.update_or_create(
                    kind=document.kind,
                    object_id=document.object_id,
                    defaults={
                        **vector,
                        "language": document.language,
                        "title": title,
                        "title_exact": text.exact(document.title)[:255],
                        "title_folded": text.folded_words(document.title)[:255],
                        "context": document.context,
                        "context_folded": text.folded_words(document.context),
                        "body": document.body,
                        "body_folded": text.folded_words(document.body),
                        "slug": document.slug[:255],
                        "url": document.url[:500],
                        "image": document.image[:500],
                        "price": document.price,
                        "in_stock": document.in_stock,
                        "subtitle": document.subtitle[:255],
                    },
                )
                entry.facet_values.all().delete()
                SearchFacetValue.objects.bulk_create(
                    SearchFacetValue(entry=entry, facet=name, value=value[:64], label=label[:255])
                    for name, values in document.facets.items()
                    for value, label in values
                )
                vocabulary.update(f"{entry.title_folded} {entry.context_folded}".split())
                written += 1
            # Words of removed things stay: they only ever expand a typo to
            # a word that then matches nothing.
            SearchWord.objects.bulk_create(
                (SearchWord(word=word) for word in vocabulary if len(word) <= 64), ignore_conflicts=True
            )
        return written

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
