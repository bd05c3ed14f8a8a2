"""The search engine (OpenSearch or Elasticsearch) is down: the search page,
its suggestions and the catalogue answer from the database, a
cash-on-delivery order is placed, and a product change the engine could
not take waits in the database (UndeliveredTask) until the engine answers
again (`manage.py flush_outbox`, or the beat task; the nightly
reconciliation would repair it too, but hours later)."""

import json
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from marketplace.models import UndeliveredTask
from search import selectors, services
from tests.search.conftest import osmem  # noqa: F401  (fixture: the real engine of the search tests)

from .conftest import CONNECT_TIMEOUT_SECONDS, assert_pages_answer, cash_order, text

pytestmark = pytest.mark.django_db

REFRESH = "search.search_document_refresh_task"


@pytest.fixture
def engine(osmem, settings):  # noqa: F811  (the fixture imported above)
    """A fresh osmem-server index, holding the shop as search indexes it."""
    clone = osmem.clone()
    settings.ELASTICSEARCH_URL, settings.SEARCH_ENGINE = clone.url, "opensearch"
    settings.SEARCH_INDEX_PREFIX = "degradation"
    settings.ELASTICSEARCH_TIMEOUT = CONNECT_TIMEOUT_SECONDS
    yield clone
    clone.close()


def engine_titles(query: str) -> list[str]:
    """What the engine itself answers (no fallback to the database)."""
    from search.backends.elastic import ElasticsearchBackend
    from search.results import SearchFilters

    engine = ElasticsearchBackend()
    engine.refresh()
    return [hit.title for hit in engine.search(query, SearchFilters(), 1, 20, "vi").hits]


def test_with_the_search_engine_down_pages_answer_and_changes_reach_it_once_it_is_back(
    client, shop, engine, settings, closed_port, django_capture_on_commit_callbacks, caplog
):
    services.search_index_rebuild()
    assert "Cam sành" in engine_titles("cam sanh")
    assert "Cam sành Hàm Yên" not in engine_titles("ham yen")
    engine_url = settings.ELASTICSEARCH_URL

    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port}"
    started = time.monotonic()
    # Search answers from the database, with the same hits.
    assert_pages_answer(client, shop, containing={"search": "Chè Shan tuyết"})
    response = client.get(reverse("site-search"), {"q": "cam sanh"})
    assert response.status_code == 200 and "Cam sành" in text(response)
    response = client.get(reverse("site-search-suggest"), {"q": "cam"})
    assert response.status_code == 200
    assert "Cam sành" in json.dumps(response.json(), ensure_ascii=False)
    assert any("falling back to the database" in record.getMessage() for record in caplog.records)

    # The cooperative renames its product: the database index has it at
    # once, the engine's update is kept. (In a savepoint: search.signals
    # sends one refresh per product and transaction, and the shop was made
    # in this test's transaction, which never commits.)
    oranges = shop["oranges"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        oranges.title = "Cam sành Hàm Yên"
        oranges.save()
    assert list(UndeliveredTask.objects.values_list("name", "args")) == [(REFRESH, ["product", oranges.pk])]
    assert "Cam sành Hàm Yên" in [hit.title for hit in selectors.search_run("ham yen").hits]

    order = cash_order(client, shop, django_capture_on_commit_callbacks)
    assert order.lines.get().title == "Cam sành Hàm Yên"
    assert time.monotonic() - started < 15 * CONNECT_TIMEOUT_SECONDS

    # Still down: the change stays kept.
    call_command("flush_outbox")
    assert UndeliveredTask.objects.filter(name=REFRESH, args=["product", oranges.pk]).exists()

    settings.ELASTICSEARCH_URL = engine_url
    call_command("flush_outbox")
    assert not UndeliveredTask.objects.exists()
    assert "Cam sành Hàm Yên" in engine_titles("ham yen")
    # The old title is gone from the engine, not listed beside the new one.
    assert "Cam sành" not in engine_titles("cam sanh")
