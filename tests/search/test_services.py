"""Keeping the indices fresh: one document after a change (signals →
Celery task after commit → service), the nightly reconciliation, the
rebuild command, and search falling back to the database when the engine
is down. Run against the database and against osmem-server."""

import io
import logging
import socket

import pytest
from django.core.management import call_command
from django.test import override_settings
from oscar.core.loading import get_model

import search
from search import services
from search.models import SearchEntry
from search.results import SearchFilters

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


def titles(query, **filters):
    return [hit.title for hit in search.search(query, SearchFilters.build(**filters)).hits]


def test_saved_product_is_found_by_its_new_title(reindexed, django_capture_on_commit_callbacks):
    product = reindexed["products"]["honey"]
    with django_capture_on_commit_callbacks(execute=True):
        product.title = "Mật ong hoa rừng"
        product.save()
    assert titles("hoa rung") == ["Mật ong hoa rừng"]
    assert titles("bac ha") == []


def test_deleted_product_is_gone(reindexed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reindexed["products"]["honey"].delete()
    assert titles("mat ong") == []


def test_stock_change_updates_the_document(reindexed, django_capture_on_commit_callbacks):
    record = StockRecord.objects.get(product=reindexed["products"]["orange"])
    with django_capture_on_commit_callbacks(execute=True):
        record.num_in_stock = 0
        record.save()
    hit = search.search("cam sanh").hits[0]
    assert (hit.title, hit.in_stock) == ("Cam sành Hàm Yên", False)


def test_suspended_cooperative_is_gone(reindexed, django_capture_on_commit_callbacks):
    cooperative = reindexed["cooperatives"]["son_tra"]
    assert titles("son tra", kind="cooperative") == ["Hợp tác xã Chè Sơn Trà"]
    with django_capture_on_commit_callbacks(execute=True):
        cooperative.status = cooperative.Status.SUSPENDED
        cooperative.save()
    assert titles("son tra", kind="cooperative") == []


def test_pages_enter_when_published_and_leave_when_unpublished(reindexed, django_capture_on_commit_callbacks):
    from tests.factories.cms import add_page, destination

    section = reindexed["site"].sections["072"][0]
    with django_capture_on_commit_callbacks(execute=True):
        page = add_page(section, destination(section, title="Bản Nà Tông", slug="na-tong", lat="22.3",
                                             lon="105.4"), publish=False)  # fmt: skip
    assert titles("na tong") == []
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert titles("na tong") == ["Bản Nà Tông"]
    page.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert titles("na tong") == []


def test_a_draft_of_a_published_page_changes_nothing(reindexed, django_capture_on_commit_callbacks):
    page = reindexed["site"].destinations["Thác Pác Ban"][0]
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Thác Pác Ban (bản nháp)"
        page.save_revision()
    assert titles("pac ban") == ["Thác Pác Ban"]


def test_reconcile_repairs_lost_updates(reindexed):
    tea = reindexed["products"]["tea"]
    # An update lost (the entry gone) and a stale one (a thing no longer
    # searchable still indexed).
    SearchEntry.objects.filter(kind="product", object_id=tea.pk).delete()
    if search.services.elasticsearch_configured():
        from search.backends.elastic import ElasticsearchBackend

        ElasticsearchBackend().remove("product", [tea.pk], refresh=True)
    reindexed["products"]["honey"].stockrecords.all().delete()
    assert "Chè Shan tuyết Na Hang" not in titles("shan tuyet")
    assert titles("mat ong") == ["Mật ong bạc hà"]
    services.search_index_reconcile()
    if search.services.elasticsearch_configured():
        from search.backends.elastic import ElasticsearchBackend

        ElasticsearchBackend().refresh()
    assert titles("shan tuyet") == ["Chè Shan tuyết Na Hang"]
    assert titles("mat ong") == []


def test_engine_down_during_an_update_keeps_the_database_fresh(marketplace_db, caplog):
    """The broker ran the refresh but Elasticsearch was down: the database
    index is fresh, search answers from it, nothing fails."""
    product = marketplace_db["products"]["honey"]
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}", SEARCH_ENGINE="opensearch"):
        product.title = "Mật ong hoa rừng"
        product.save()
        with caplog.at_level(logging.WARNING, logger="search"):
            from search.tasks import search_document_refresh_task

            search_document_refresh_task.apply(args=["product", product.pk]).get()
            results = search.search("hoa rung")
    assert [hit.title for hit in results.hits] == ["Mật ong hoa rừng"]
    assert results.backend == "database"
    messages = [record.getMessage() for record in caplog.records]
    assert any("not updated there" in message for message in messages)
    assert any("falling back to the database" in message for message in messages)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def marketplace_db(_marketplace, db, settings):
    """The marketplace with only the database index built."""
    from tests.search.conftest import marketplace_reload

    settings.ELASTICSEARCH_URL = ""
    services.search_index_rebuild()
    return marketplace_reload(_marketplace)


def test_search_page_answers_when_the_engine_is_down(marketplace_db, client, settings, caplog):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    settings.SEARCH_ENGINE = "opensearch"
    with caplog.at_level(logging.WARNING, logger="search"):
        response = client.get("/search/", {"q": "cam sanh"})
        suggestions = client.get("/search/suggest/", {"q": "cam"}).json()["suggestions"]
    assert response.status_code == 200
    assert "Cam sành Hàm Yên" in response.content.decode()
    assert suggestions[0]["title"] == "Cam sành Hàm Yên"
    assert sum("falling back" in record.getMessage() for record in caplog.records) == 2


@pytest.fixture
def engine(marketplace_db, osmem, settings):
    """osmem-server (a clone of its own) as the search engine, its indices
    named "engine-…"; the database index already built."""
    from search.backends.elastic import ElasticsearchBackend

    clone = osmem.clone()
    settings.ELASTICSEARCH_URL = clone.url
    settings.SEARCH_ENGINE = "opensearch"
    settings.SEARCH_INDEX_PREFIX = "engine"
    yield ElasticsearchBackend()
    clone.close()


def test_rebuild_switches_aliases_to_new_versioned_indices(engine, capsys):
    out = io.StringIO()
    call_command("search_index", "--rebuild", stdout=out)
    first = {kind: engine.aliased_indices(kind) for kind in ("product", "cooperative", "destination")}
    assert all(
        len(names) == 1 and names[0].startswith(f"engine-{kind}s-v1-") for kind, names in first.items()
    )
    assert "Search index up to date (product: 5, cooperative: 2, destination: 6)" in out.getvalue()
    # The progress bar: each document written to the database, then to
    # the engine.
    assert "26/26" in capsys.readouterr().err
    assert [hit.title for hit in search.search("cam sanh").hits][:1] == ["Cam sành Hàm Yên"]

    call_command("search_index", "--rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    second = {kind: engine.aliased_indices(kind) for kind in first}
    for kind in first:
        assert second[kind] != first[kind]
        # The old index is gone, not left to fill the cluster.
        assert not engine.connection.indices.exists(index=first[kind][0])
    assert [hit.title for hit in search.search("cam sanh").hits][:1] == ["Cam sành Hàm Yên"]


def test_failed_rebuild_leaves_the_old_indices_in_service(engine, monkeypatch):
    from search.backends.elastic import ElasticsearchBackend

    services.search_index_rebuild()
    before = engine.aliased_indices("product")
    all_before = set(engine.connection.indices.get(index="engine-*"))

    def broken(*args, **kwargs):
        raise ConnectionError("lost the cluster half-way")

    monkeypatch.setattr(ElasticsearchBackend, "aliases_switch", broken)
    with pytest.raises(ConnectionError):
        services.search_index_rebuild()
    assert engine.aliased_indices("product") == before
    assert set(engine.connection.indices.get(index="engine-*")) == all_before
    assert [hit.title for hit in search.search("cam sanh").hits][:1] == ["Cam sành Hàm Yên"]


def test_database_rebuild_command_without_an_engine(marketplace_db, settings):
    SearchEntry.objects.all().delete()
    out = io.StringIO()
    call_command("search_index", "--rebuild", stdout=out, stderr=io.StringIO())
    assert SearchEntry.objects.count() == 13
    call_command("search_index", "--reconcile", stdout=out, stderr=io.StringIO())
    assert SearchEntry.objects.count() == 13


def test_the_database_index_writes_a_batch_at_once_and_keeps_each_entry_in_place(marketplace_db):
    """A rebuild at the province's size wrote entries one by one (60 a
    second): a batch now takes as many statements as one document, and
    writing the same things again replaces their entries instead of adding."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import sources
    from search.backends.database import DatabaseBackend
    from search.models import SearchFacetValue, SearchKind

    documents = [document for kind in SearchKind.values for document in sources.documents(kind)]
    backend = DatabaseBackend()
    before = dict(SearchEntry.objects.values_list("pk", "title"))
    facet_values = SearchFacetValue.objects.count()
    with CaptureQueriesContext(connection) as one:
        backend.index(documents[:1])
    with CaptureQueriesContext(connection) as every:
        assert backend.index(documents) == len(documents) == 13
    assert len(every.captured_queries) == len(one.captured_queries)
    assert dict(SearchEntry.objects.values_list("pk", "title")) == before
    assert SearchFacetValue.objects.count() == facet_values

    honey = next(d for d in documents if d.title == "Mật ong bạc hà")
    honey.title, honey.facets = "Mật ong hoa rừng", {"ocop": [("3", "3")]}
    backend.index([honey])
    entry = SearchEntry.objects.get(kind=honey.kind, object_id=honey.object_id)
    assert entry.pk in before and entry.title_folded == "mat ong hoa rung"
    assert list(entry.facet_values.values_list("facet", "value")) == [("ocop", "3")]
    assert titles("hoa rung") == ["Mật ong hoa rừng"]


def test_one_refresh_per_document_and_transaction(
    marketplace_db, django_capture_on_commit_callbacks, monkeypatch
):
    """Placing an order saves a product's stock record and lots: one
    refresh of its document, not one per row."""
    from marketplace import services as marketplace_services
    from search.tasks import search_document_refresh_task

    product = marketplace_db["products"]["orange"]
    record = StockRecord.objects.get(product=product)
    sent = []
    original = marketplace_services._publish

    # Where every task queued at commit is sent (through the broker, or
    # run in-process when there is none).
    def counted(name, args):
        if name == search_document_refresh_task.name:
            sent.append(tuple(args))
        return original(name, args)

    monkeypatch.setattr(marketplace_services, "_publish", counted)
    with django_capture_on_commit_callbacks(execute=True):
        product.save()
        record.num_in_stock = 10
        record.save()
        product.save()
    with django_capture_on_commit_callbacks(execute=True):
        record.save()
    assert sent == [("product", product.pk), ("product", product.pk)]
