"""The behaviour every search backend shares, run once per backend (see
conftest: the suite's database and osmem-server in OpenSearch mode, plus
any Elasticsearch given by ELASTICSEARCH_URL)."""

import unicodedata

import pytest
from django.utils import translation

import search
from search.results import SearchFilters

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:
    return [hit.title for hit in results.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cam sanh ham yen", "Cam sành Hàm Yên"),
        ("che shan tuyet", "Chè Shan tuyết Na Hang"),
        ("CHÈ SHAN TUYẾT", "Chè Shan tuyết Na Hang"),
        ("mat ong", "Mật ong bạc hà"),
    ],
)
def test_query_without_tones_finds_the_vietnamese_title(indexed, query, expected):
    results = search.search(query)
    assert titles(results)[0] == expected


def test_decomposed_input_from_phones_is_normalised(indexed):
    decomposed = unicodedata.normalize("NFD", "Chè Shan tuyết")
    assert decomposed != "Chè Shan tuyết"
    assert titles(search.search(decomposed))[0] == "Chè Shan tuyết Na Hang"


def test_d_with_stroke_folds_to_d(indexed):
    assert "Hang Động Tiên" in titles(search.search("hang dong tien"))
    assert "Hang Động Tiên" in titles(search.search("ĐỘNG TIÊN"))


@pytest.mark.parametrize(
    ("query", "exact", "folded"),
    [
        ("chè", "Chè Shan tuyết Na Hang", "Chế phẩm trà túi lọc"),
        ("cám", "Cám gạo Phù Lưu", "Cam sành Hàm Yên"),
        ("cam", "Cam sành Hàm Yên", "Cám gạo Phù Lưu"),
    ],
)
def test_exact_diacritics_rank_above_folded_matches(indexed, query, exact, folded):
    found = titles(search.search(query, SearchFilters.build(kind="product")))
    assert exact in found and folded in found
    assert found.index(exact) < found.index(folded)


@pytest.mark.parametrize("query", ["shan tuyst", "chè shan tupet", "tuyer", "shan tuyêt"])
def test_one_wrong_letter_in_a_long_word_still_matches(indexed, query):
    # "tuyết" has five letters: one of them wrong (or a wrong tone) still
    # finds the tea.
    assert titles(search.search(query))[:1] == ["Chè Shan tuyết Na Hang"]


def test_short_words_must_be_spelt_right(indexed):
    # "cem" for "cam": three letters allow no typo.
    assert search.search("cem sanh").total == 0


def test_all_words_must_match(indexed):
    assert search.search("mat ong cam sanh").total == 0


def test_results_of_the_three_kinds_together(indexed):
    results = search.search("son tra")
    kinds = {hit.kind for hit in results.hits}
    assert {"cooperative", "product"} <= kinds
    assert results.kind_counts["cooperative"] == 1
    assert results.kind_counts["product"] == 2
    assert results.total == sum(results.kind_counts.values())


def test_destination_in_the_page_language(indexed):
    assert titles(search.search("khau trang", language="vi")) == ["Làng Khâu Tràng"]
    assert titles(search.search("khau trang village", language="en")) == ["Khâu Tràng village"]
    with translation.override("en"):
        hit = search.search("khau trang").hits[0]
    assert hit.title == "Khâu Tràng village"
    assert hit.url.startswith("/en/")


def test_product_hit_carries_price_link_and_snippet(reindexed):
    indexed = reindexed
    product = indexed["products"]["tea"]
    product.description = "Chè cổ thụ trên núi cao, <b>hái tay</b> mùa xuân."
    product.save()
    hit = search.search("che shan tuyet").hits[0]
    assert (hit.kind, hit.id, hit.price) == ("product", product.pk, 150000)
    assert hit.url == f"/shop/catalogue/{product.slug}_{product.pk}/"
    assert hit.subtitle == "Hợp tác xã Chè Sơn Trà"
    search.services.search_document_refresh(kind="product", object_id=product.pk)
    hit = search.search("hai tay").hits[0]
    assert "<mark>hái</mark> <mark>tay</mark>" in hit.snippet
    assert "<b>" not in hit.snippet


def test_cooperative_and_destination_links(indexed):
    cooperative = indexed["cooperatives"]["phu_luu"]
    hit = search.search("hop tac xa cam phu luu", SearchFilters.build(kind="cooperative")).hits[0]
    assert hit.url == f"/cooperatives/{cooperative.slug}/"
    page = indexed["site"].destinations["Hang Động Tiên"][0]
    hit = search.search("dong tien", SearchFilters.build(kind="destination")).hits[0]
    assert hit.url == page.url


def test_tab_limits_hits_but_counts_every_kind(indexed):
    results = search.search("son tra", SearchFilters.build(kind="cooperative"))
    assert {hit.kind for hit in results.hits} == {"cooperative"}
    assert results.total == 1
    assert results.kind_counts["product"] == 2


def facet(results, name) -> dict:
    return {value.label: value.count for value in results.facets.get(name, [])}


def test_facet_counts(indexed):
    results = search.search("che", SearchFilters.build(kind="product"))
    assert facet(results, "district") == {"Huyện Na Hang": 2}
    assert facet(results, "commune") == {"Xã Hồng Thái": 1, "Xã Thượng Nông": 1}
    assert facet(results, "cooperative") == {"Hợp tác xã Chè Sơn Trà": 2}
    assert facet(results, "category") == {"Chè": 2}
    assert [(value.value, value.count) for value in results.facets["ocop"]] == [("4", 1)]
    assert [(value.value, value.count) for value in results.facets["certification"]] == [("organic", 1)]
    assert sum(facet(results, "price").values()) == 2


def test_destination_kind_facet(indexed):
    results = search.search("thac pac ban")
    assert [(value.value, value.count) for value in results.facets["destination_kind"]] == [("landscape", 1)]


@pytest.mark.parametrize(
    ("facet_name", "value_of", "expected"),
    [
        (
            "district",
            lambda m: m["units"]["074"].pk,
            {"Cam sành Hàm Yên", "Cám gạo Phù Lưu", "Mật ong bạc hà"},
        ),
        ("commune", lambda m: m["units"]["02404"].pk, {"Cám gạo Phù Lưu", "Mật ong bạc hà"}),
        (
            "cooperative",
            lambda m: m["cooperatives"]["son_tra"].slug,
            {"Chè Shan tuyết Na Hang", "Chế phẩm trà túi lọc"},
        ),
        ("category", lambda m: m["categories"]["fruit"].pk, {"Cam sành Hàm Yên"}),
        ("ocop", lambda m: 3, {"Cam sành Hàm Yên"}),
        ("price", lambda m: "1m-up", {"Cám gạo Phù Lưu"}),
    ],
)
def test_facet_filters(indexed, facet_name, value_of, expected):
    # Every product's cooperative is a "hợp tác xã": only the filter narrows.
    query = "hop tac xa"
    results = search.search(query, SearchFilters.build(kind="product", **{facet_name: value_of(indexed)}))
    assert set(titles(results)) == expected
    chosen = [value for value in results.facets[facet_name] if value.selected]
    assert [value.value for value in chosen] == [str(value_of(indexed))]


def test_certification_filter(indexed):
    results = search.search("che", SearchFilters.build(certification="organic"))
    assert titles(results) == ["Chè Shan tuyết Na Hang"]


def test_unknown_facet_values_match_nothing(indexed):
    assert search.search("che", SearchFilters.build(district="999999")).total == 0
    assert search.search("che", SearchFilters.build(kind="nonsense")).total > 0


def test_pages(indexed):
    pages = [search.search("cam", SearchFilters.build(kind="product"), page=n, size=2) for n in (1, 2)]
    # The three products of the Cam Phù Lưu cooperative.
    assert [page.total for page in pages] == [3, 3]
    assert pages[0].page_count == 2 and pages[0].has_next and not pages[1].has_next
    assert [len(page.hits) for page in pages] == [2, 1]
    assert len({hit.title for page in pages for hit in page.hits}) == 3
    beyond = search.search("cam", page=500)
    assert beyond.hits == [] and beyond.total >= 2


def test_nothing_for_an_empty_or_punctuation_query(indexed):
    for query in ["", "   ", '"():&!*?', None]:
        results = search.search(query)
        assert results.total == 0 and results.hits == []


def test_only_searchable_things_are_found(reindexed):
    indexed = reindexed
    # A draft destination and a cooperative still applying are not public.
    from cooperatives.models import Cooperative
    from tests.factories.cms import add_page, destination

    units = indexed["units"]
    section = indexed["site"].sections["072"][0]
    add_page(section, destination(section, title="Bản Nà Tông", slug="na-tong", lat="22.3", lon="105.4"),
             publish=False)  # fmt: skip
    Cooperative.objects.create(
        legal_name="Hợp tác xã Nà Tông", slug="htx-na-tong", commune=units["02239"], address="Nà Tông",
        phone="0912345678", email="natong@example.com", representative="Bà Lan",
    )  # fmt: skip
    search.services.search_index_rebuild()
    assert search.search("na tong").total == 0


def test_suggestions(indexed):
    suggestions = search.suggest("che sh")
    assert suggestions[0]["title"] == "Chè Shan tuyết Na Hang"
    assert suggestions[0]["url"].startswith("/shop/catalogue/")
    assert [s["title"] for s in search.suggest("CHÈ")][:1] == ["Chè Shan tuyết Na Hang"]
    assert search.suggest("") == [] and search.suggest("?!") == []


def test_suggestions_are_at_most_eight(reindexed):
    indexed = reindexed
    from tests.catalog.test_storefront import make_product

    for number in range(12):
        make_product(f"Chè móc câu số {number}", indexed["cooperatives"]["son_tra"])
    search.services.search_index_rebuild()
    suggestions = search.suggest("che")
    assert len(suggestions) == 8
    assert len({s["title"] for s in suggestions}) == 8


def test_suggestions_in_the_page_language(indexed):
    assert [s["title"] for s in search.suggest("khau", language="en")] == ["Khâu Tràng village"]
    assert [s["title"] for s in search.suggest("khau", language="vi")] == ["Làng Khâu Tràng"]


def test_descriptions_read_as_text():
    from search.sources import _plain

    assert (
        _plain("<p>Dữ liệu demo.</p><p>Tên <b>sản</b> phẩm</p>dòng<br>hai")
        == "Dữ liệu demo. Tên sản phẩm dòng hai"
    )
