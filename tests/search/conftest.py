"""A small marketplace to search, and the backends to search it with.

``backend`` runs a test once per backend available here: the database the
suite runs on (PostgreSQL or SQLite) and osmem-server, a real in-memory
OpenSearch-compatible engine started on 127.0.0.1 in OpenSearch mode; with
ELASTICSEARCH_URL set in the environment, that Elasticsearch as well.
"""

import logging
import os
import uuid
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings
from oscar.core.loading import get_model

from cooperatives.models import Certification
from search import services
from tests.catalog.test_storefront import area_of, certify, days, make_product, today
from tests.factories import administrative_tree, approved_cooperative

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

# An Elasticsearch 8 the suite should also run against, if one is given.
EXTERNAL_ELASTICSEARCH = os.environ.get("ELASTICSEARCH_URL", "")
EXTERNAL_ENGINE = os.environ.get("SEARCH_ENGINE", "elasticsearch")


@pytest.fixture(scope="session")
def osmem():
    """osmem-server for the whole session (it starts in well under a second
    and exits with the test process)."""
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False, startup_timeout=30)
    yield server
    server.close()


def _backend_params():
    params = ["database", "opensearch"]
    if EXTERNAL_ELASTICSEARCH:
        params.append("elasticsearch")
    return params


@dataclass
class Backend:
    name: str
    engine_url: str = ""

    @property
    def uses_engine(self) -> bool:
        return self.name != "database"


def _engine_settings(name: str, osmem_server, prefix: str):
    """The settings of backend ``name`` and what to do when done with it."""
    if name == "database":
        return {"ELASTICSEARCH_URL": "", "SEARCH_INDEX_PREFIX": prefix}, (lambda: None)
    if name == "opensearch":
        clone = osmem_server.clone()
        return (
            {"ELASTICSEARCH_URL": clone.url, "SEARCH_ENGINE": "opensearch", "SEARCH_INDEX_PREFIX": prefix},
            clone.close,
        )

    def drop_indices():
        from search.backends.elastic import client

        with override_settings(ELASTICSEARCH_URL=EXTERNAL_ELASTICSEARCH, SEARCH_ENGINE=EXTERNAL_ENGINE):
            client().indices.delete(index=f"{prefix}-*", ignore_unavailable=True)

    return (
        {
            "ELASTICSEARCH_URL": EXTERNAL_ELASTICSEARCH,
            "SEARCH_ENGINE": EXTERNAL_ENGINE,
            "SEARCH_INDEX_PREFIX": prefix,
        },
        drop_indices,
    )


def _clear_caches():
    # Wagtail caches site roots and renditions by primary key, which the
    # rolled-back data of another module hands out again.
    for cache in caches.all():
        cache.clear()


def marketplace_build():
    """Products of two cooperatives in two districts, the cooperatives
    themselves and destination pages in both languages (tests.factories.cms).

    Spellings chosen to tell folded from exact matches: "Chè Shan tuyết"
    and "Chế phẩm trà" fold alike on "che"; "Cam sành Hàm Yên" and "Cám gạo"
    fold alike on "cam"."""
    from tests.factories.cms import tourism_site, tourism_site_keys

    units = administrative_tree()
    son_tra = approved_cooperative(legal_name="Hợp tác xã Chè Sơn Trà", commune=units["02254"])
    phu_luu = approved_cooperative(legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"])
    organic = area_of(son_tra, units["02254"], "Vùng chè hữu cơ")
    certify(organic, "HC-1", today() - days(10), today() + days(300), scheme=Certification.Scheme.ORGANIC)
    tea_category = Category.add_root(name="Chè")
    fruit_category = Category.add_root(name="Trái cây")
    products = {
        "tea": make_product(
            "Chè Shan tuyết Na Hang", son_tra, commune=units["02254"], price=150000, ocop=4, area=organic
        ),
        "tea_mix": make_product("Chế phẩm trà túi lọc", son_tra, commune=units["02239"], price=60000),
        "orange": make_product("Cam sành Hàm Yên", phu_luu, commune=units["02395"], price=40000, ocop=3),
        "bran": make_product("Cám gạo Phù Lưu", phu_luu, commune=units["02404"], price=1200000),
        "honey": make_product("Mật ong bạc hà", phu_luu, commune=units["02404"], price=300000),
    }
    ProductCategory.objects.create(product=products["tea"], category=tea_category)
    ProductCategory.objects.create(product=products["tea_mix"], category=tea_category)
    ProductCategory.objects.create(product=products["orange"], category=fruit_category)
    site = tourism_site(units)
    return {
        "units": units,
        "cooperatives": {"son_tra": son_tra, "phu_luu": phu_luu},
        "products": products,
        "categories": {"tea": tea_category, "fruit": fruit_category},
        "site_keys": tourism_site_keys(site),
        "product_keys": {name: product.pk for name, product in products.items()},
        "cooperative_keys": {"son_tra": son_tra.pk, "phu_luu": phu_luu.pk},
    }


def marketplace_reload(market: dict) -> dict:
    """Fresh instances of the marketplace's products, cooperatives and
    pages, so no test sees what an earlier one changed in memory."""
    from cooperatives.models import Cooperative
    from tests.factories.cms import tourism_site_reload

    product = get_model("catalogue", "Product")
    products = product.objects.in_bulk(list(market["product_keys"].values()))
    cooperatives = Cooperative.objects.in_bulk(list(market["cooperative_keys"].values()))
    return {
        **market,
        "products": {name: products[pk] for name, pk in market["product_keys"].items()},
        "cooperatives": {name: cooperatives[pk] for name, pk in market["cooperative_keys"].items()},
        "site": tourism_site_reload(market["site_keys"]),
    }


@pytest.fixture(scope="module")
def _marketplace(django_db_setup, django_db_blocker):
    """The marketplace, built once per test module inside a transaction
    rolled back at the module's end; each test runs in a savepoint in it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _clear_caches()
        yield marketplace_build()
        transaction.set_rollback(True)


@pytest.fixture(scope="module", params=_backend_params())
def _indexed_backend(request, _marketplace, django_db_blocker):
    """One backend configured and holding the marketplace (built once per
    module and backend)."""
    server = request.getfixturevalue("osmem") if request.param == "opensearch" else None
    values, close = _engine_settings(request.param, server, f"test-{uuid.uuid4().hex[:8]}")
    try:
        with override_settings(**values), django_db_blocker.unblock():
            services.search_index_rebuild()
            yield Backend(request.param, values["ELASTICSEARCH_URL"])
    finally:
        close()


@pytest.fixture
def backend(_indexed_backend, caplog):
    """The backend under test. An engine's test fails if search fell back to
    the database (which would pass for the wrong reason)."""
    with caplog.at_level(logging.WARNING, logger="search"):
        yield _indexed_backend
    if _indexed_backend.uses_engine:
        fallbacks = [r.getMessage() for r in caplog.records if "falling back" in r.getMessage()]
        assert not fallbacks, fallbacks


@pytest.fixture
def indexed(backend, _marketplace, db):
    """The marketplace as indexed in the backend under test, as fresh
    instances."""
    _clear_caches()
    return marketplace_reload(_marketplace)


@pytest.fixture
def reindexed(indexed, backend, request):
    """For tests that change what is indexed: an index of the test's own
    (the database's is rolled back with the test; an engine gets a fresh
    clone or prefix), rebuilt now."""
    if not backend.uses_engine:
        yield indexed
        return
    server = request.getfixturevalue("osmem") if backend.name == "opensearch" else None
    values, close = _engine_settings(backend.name, server, f"test-{uuid.uuid4().hex[:8]}")
    try:
        with override_settings(**values):
            services.search_index_rebuild()
            yield indexed
    finally:
        close()
