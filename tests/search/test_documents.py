"""The Elasticsearch side at the level of elasticsearch-dsl: the mapping
and analysis sent when an index is made, and the bodies of searches and
suggestions (``to_dict()``), without a server. The transport's OpenSearch
mode is checked against osmem-server, a real engine."""

import pytest
from django.test import override_settings
from elasticsearch import ApiError

from search.backends.elastic import ElasticsearchBackend, OpenSearchNode, client
from search.documents import DOCUMENT_CLASSES, ProductDocument, document_from, suggest_inputs
from search.results import SearchFilters
from search.sources import FACETS, SearchDocument

pytestmark = pytest.mark.django_db

# Nothing listens here: building a client or a body never connects.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture
def engine(settings):
    settings.ELASTICSEARCH_URL = NOWHERE
    settings.SEARCH_INDEX_PREFIX = "choque"
    return ElasticsearchBackend()


def test_index_folds_vietnamese_and_keeps_an_exact_subfield():
    body = ProductDocument._index.clone("choque-products-v1-x").to_dict()
    analyzers = body["settings"]["analysis"]["analyzer"]
    assert analyzers["vi_folding"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding"],
    }
    assert analyzers["vi_exact"]["filter"] == ["lowercase"]
    properties = body["mappings"]["properties"]
    assert properties["title"]["analyzer"] == "vi_folding"
    assert properties["title"]["fields"]["exact"] == {"type": "text", "analyzer": "vi_exact"}
    assert properties["suggest"] == {"type": "completion", "analyzer": "vi_folding", "max_input_length": 100}
    for name in ("district", "commune", "cooperative", "category", "ocop", "certification", "price_band"):
        assert properties[name] == {"type": "keyword"}
    assert properties["price"] == {"type": "long"}
    assert properties["url"] == {"type": "keyword", "index": False}


def test_every_kind_has_the_same_fields():
    mappings = {kind: cls._doc_type.mapping.to_dict() for kind, cls in DOCUMENT_CLASSES.items()}
    assert len({str(sorted(mapping["properties"])) for mapping in mappings.values()}) == 1


def test_document_from_a_search_document():
    source = SearchDocument(
        kind="product", object_id=5, title="Chè Shan tuyết Na Hang", context="Chè Hợp tác xã Sơn Trà",
        body="Hái tay", slug="che-shan-tuyet", price=150000,
        facets={"district": [("12", "Huyện Na Hang")], "price": [("100k-300k", "100k-300k")],
                "certification": [("organic", "Hữu cơ"), ("vietgap", "VietGAP")]},
    )  # fmt: skip
    document = document_from(source)
    assert document.meta.id == "product-5"
    body = document.to_dict()
    assert body["language"] == "any"
    assert body["district"] == ["12"]
    assert body["price_band"] == ["100k-300k"]
    assert body["certification"] == ["organic", "vietgap"]
    assert body["text"] == "Chè Shan tuyết Na Hang Chè Hợp tác xã Sơn Trà Hái tay"
    assert body["suggest"]["input"][:3] == ["Chè Shan tuyết Na Hang", "Shan tuyết Na Hang", "tuyết Na Hang"]


def test_suggest_inputs_are_capped():
    assert len(suggest_inputs("một hai ba bốn năm sáu bảy tám chín mười")) == 6


def test_search_body(engine):
    body = engine.query_body(
        "Chè shan tuyết", SearchFilters.build(district="12", ocop="4"), page=3, size=20, language="vi"
    ).to_dict()
    query = body["query"]["bool"]
    assert query["must"] == [
        {"match": {"text": {"query": "Chè shan tuyết", "operator": "and", "fuzziness": "AUTO:5,100",
                            "prefix_length": 0}}}
    ]  # fmt: skip
    assert {"match": {"title.exact": {"query": "Chè shan tuyết", "boost": 4}}} in query["should"]
    assert {"terms": {"language": ["any", "vi"]}} in query["filter"]
    assert {"term": {"district": "12"}} in query["filter"]
    assert {"term": {"ocop": "4"}} in query["filter"]
    assert "post_filter" not in body
    assert body["aggs"]["kinds"] == {"terms": {"field": "kind", "size": 3}}
    chosen = body["aggs"]["chosen"]
    assert chosen["filter"] == {"match_all": {}}
    assert set(chosen["aggs"]) == set(FACETS)
    assert chosen["aggs"]["price"] == {"terms": {"field": "price_band", "size": 100}}
    assert (body["from"], body["size"], body["track_total_hits"]) == (40, 20, True)


def test_search_body_of_a_tab(engine):
    body = engine.query_body("cam", SearchFilters.build(kind="destination"), 1, 20, "en").to_dict()
    assert body["post_filter"] == {"term": {"kind": "destination"}}
    assert body["aggs"]["chosen"]["filter"] == {"term": {"kind": "destination"}}
    assert {"terms": {"language": ["any", "en"]}} in body["query"]["bool"]["filter"]


def test_search_body_never_pages_past_the_result_window(engine):
    body = engine.query_body("cam", SearchFilters(), page=10_000, size=50, language="vi").to_dict()
    assert body["from"] + body["size"] <= 10_000


def test_suggest_body(engine):
    body = engine.suggest_body("Chè sh", 8).to_dict()
    assert body["suggest"]["titles"] == {
        "prefix": "Chè sh",
        "completion": {"field": "suggest", "size": 16, "skip_duplicates": True},
    }
    assert body["size"] == 0


@pytest.fixture
def osmem_clone(osmem):
    clone = osmem.clone()
    yield clone
    clone.close()


def test_opensearch_mode_speaks_plain_json(osmem_clone):
    # The Elasticsearch client asks for "compatible-with=8" media types,
    # which OpenSearch (and osmem-server) refuse with 406.
    with (
        override_settings(ELASTICSEARCH_URL=osmem_clone.url, SEARCH_ENGINE="elasticsearch"),
        pytest.raises(ApiError) as refused,
    ):
        client().count(index="choque-products", query={"match_all": {}})
    assert refused.value.status_code == 406
    with override_settings(ELASTICSEARCH_URL=osmem_clone.url, SEARCH_ENGINE="opensearch"):
        opensearch = client()
        assert opensearch.transport.node_pool.get().__class__ is OpenSearchNode
        assert opensearch.info()["version"]["distribution"] == "opensearch"
        opensearch.indices.create(index="plain-json", mappings={"properties": {"title": {"type": "text"}}})
        opensearch.index(index="plain-json", id="1", document={"title": "Chè"}, refresh=True)
        assert opensearch.count(index="plain-json", query={"match": {"title": "Chè"}})["count"] == 1
