"""The Elasticsearch/OpenSearch documents: one index per kind, each behind
an alias (``<prefix>-products`` …) that points at a versioned index
(``<prefix>-products-v1-<time>``), so a rebuild fills a new index and
switches the aliases at once."""

from django.conf import settings
from elasticsearch_dsl import Boolean, Completion, Document, Keyword, Long, Text, analyzer

from .models import SearchKind

# Raise when the mapping or the analysis below changes: a rebuild then
# creates indices of the new version.
MAPPING_VERSION = 1

# Vietnamese without tones: "Cam sành" and "cam sanh" give the same terms.
# asciifolding (Lucene's) folds đ to d; ICU's icu_folding would too, but
# needs a plugin that OpenSearch services and osmem-server do not all have.
folding = analyzer("vi_folding", tokenizer="standard", filter=["lowercase", "asciifolding"])
# Lower-cased with tones kept: a query typed with its diacritics ranks the
# exact spellings first.
exact = analyzer("vi_exact", tokenizer="standard", filter=["lowercase"])


class SearchableDocument(Document):
    """The fields every kind shares (one shape, so one query searches all)."""

    kind = Keyword()
    object_id = Long()
    # "any" for products and cooperatives; a page's language otherwise.
    language = Keyword()
    title = Text(analyzer=folding, fields={"exact": Text(analyzer=exact)})
    context = Text(analyzer=folding)
    body = Text(analyzer=folding)
    # Title, context and body together: every query word must be in one of
    # them.
    text = Text(analyzer=folding)
    suggest = Completion(analyzer=folding, max_input_length=100)
    slug = Keyword(index=False)
    url = Keyword(index=False)
    image = Keyword(index=False)
    subtitle = Keyword(index=False)
    price = Long()
    in_stock = Boolean()
    district = Keyword()
    commune = Keyword()
    cooperative = Keyword()
    category = Keyword()
    ocop = Keyword()
    certification = Keyword()
    price_band = Keyword()
    destination_kind = Keyword()


class ProductDocument(SearchableDocument):
    pass


class CooperativeDocument(SearchableDocument):
    pass


class DestinationDocument(SearchableDocument):
    pass


DOCUMENT_CLASSES = {
    SearchKind.PRODUCT: ProductDocument,
    SearchKind.COOPERATIVE: CooperativeDocument,
    SearchKind.DESTINATION: DestinationDocument,
}
# The facet "price" is the band; the price itself is a number.
FACET_FIELDS = {"price": "price_band"}


def alias_name(kind: str) -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-{kind}s"


def index_settings() -> dict:
    return {"number_of_shards": 1, "number_of_replicas": settings.SEARCH_INDEX_REPLICAS}


# Completion matches from the start of an input: the title is also given
# from each of its first words on, so "khau" suggests "Làng Khâu Tràng".
SUGGEST_WORD_STARTS = 6


def suggest_inputs(title: str) -> list[str]:
    words = title.split()
    return [" ".join(words[start:]) for start in range(min(len(words), SUGGEST_WORD_STARTS))]


def document_from(source) -> SearchableDocument:
    """The Elasticsearch document of a ``search.sources.SearchDocument``."""
    facets = {
        FACET_FIELDS.get(name, name): [value for value, _label in values]
        for name, values in source.facets.items()
    }
    return DOCUMENT_CLASSES[source.kind](
        meta={"id": source.key},
        kind=str(source.kind),
        object_id=source.object_id,
        language=source.language or "any",
        title=source.title,
        context=source.context,
        body=source.body,
        text=" ".join(filter(None, [source.title, source.context, source.body])),
        suggest={"input": suggest_inputs(source.title)},
        slug=source.slug,
        url=source.url,
        image=source.image,
        subtitle=source.subtitle,
        price=source.price,
        in_stock=source.in_stock,
        **facets,
    )
