"""Whole pages kept in the shared cache (Redis) for anonymous visitors.

Most visitors of the catalogue, the product pages and the tourism pages are
not signed in and have an empty basket: they all see the same page, so it is
rendered once and then served from the cache until what it shows changes.

What a page shows is named by *tags* ("shop", "catalogue", "product:42",
"cms"); each tag has a version in the cache, and a page's key holds the
versions of its tags. A change bumps the versions of the tags it touches once
its transaction commits (``tags_bump``), so the next request misses and
renders afresh: a buyer never sees a price or stock level older than the
last committed change. Nothing is deleted; stale entries simply stop being
read and expire.

A cached page is the same for every visitor, so it may hold nothing of one:
- only a GET or HEAD of a visitor with no session, basket or messages
  cookie is served from or stored in the cache (a signed-in visitor always
  has a session cookie; one with a basket has its cookie);
- the page is rendered with a CSRF secret of no visitor's, and its tokens are
  stored as a placeholder that each response fills with its own visitor's
  token, so a form on a cached page works and no token leaks;
- only the body and its content headers are stored, never a cookie: each
  response carries only what its own visitor's request set.
A cached view can ask for work on every view of the page, cached or not
(a product view counted, a destination view recorded): it sets
``response.page_cache_on_hit = ("dotted.path", [args])`` and that function
is called as ``function(request, response, *args)`` on every hit.
"""

import hashlib
import logging
import re
import uuid
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.utils.crypto import get_random_string
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

KEY_PREFIX = "page-cache:v1"
# Tags of every page of the shop and of the Wagtail site.
SHOP = "shop"
CATALOGUE = "catalogue"
CMS = "cms"
# Where a form's CSRF token stood in a stored page.
TOKEN_PLACEHOLDER = "__page_cache_csrf_token__"
# The secret cached pages are rendered with: random per process, never a
# visitor's, so even a token the placeholder missed would be worthless.
_NEUTRAL_SECRET = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
# Long addresses are rendered, not stored: a stranger's endless query
# strings must not fill the cache.
MAX_CACHED_PATH = 400
STORED_HEADERS = ("Content-Type", "Content-Language")


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def product_tag(product_id) -> str:
    return f"product:{product_id}"


def _version_key(tag: str) -> str:
    return f"{KEY_PREFIX}:tag:{tag}"


def _versions(tags) -> list[str]:
    keys = [_version_key(tag) for tag in tags]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # Another process may have set it meanwhile: add, then read back.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return [str(found[key]) for key in keys]


def tags_bump_now(*tags: str) -> None:
    """Make every page showing one of ``tags`` render afresh on its next
    request. A cache that cannot be reached is logged, not raised: the change
    itself has committed."""
    if not enabled() or not tags:
        return
    try:
        cache.set_many({_version_key(tag): uuid.uuid4().hex for tag in set(tags)}, timeout=None)
    except Exception:  # any cache backend's error: the caller's change stands
        logger.exception("Page cache: could not bump %s", sorted(set(tags)))


def tags_bump(*tags: str) -> None:
    """``tags_bump_now`` once the current transaction commits: bumped
    earlier, a request could render the old rows and store them under the
    new versions."""
    if not enabled() or not tags:
        return
    transaction.on_commit(lambda: tags_bump_now(*tags))


def _request_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    personal = (settings.SESSION_COOKIE_NAME, settings.OSCAR_BASKET_COOKIE_OPEN, CookieStorage.cookie_name)
    if any(name in cookies for name in personal):
        return False
    return len(request.get_full_path()) <= MAX_CACHED_PATH


def _key(request, tags) -> str:
    parts = [request.get_host(), request.LANGUAGE_CODE, request.get_full_path(), *tags, *_versions(tags)]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}:page:{digest}"


@contextmanager
def _neutral_csrf(request):
    """Render as no visitor: forms get tokens of the neutral secret, and the
    visitor's own CSRF state is put back afterwards."""
    names = ("CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE")
    saved = {name: request.META[name] for name in names if name in request.META}
    request.META["CSRF_COOKIE"] = _NEUTRAL_SECRET
    try:
        yield
    finally:
        for name in names:
            request.META.pop(name, None)
        request.META.update(saved)


def _entry(response) -> dict:
    body = _TOKEN_FIELD.sub(rf"\g<1>{TOKEN_PLACEHOLDER}\g<2>", response.content.decode(response.charset))
    return {
        "status": response.status_code,
        "body": body,
        "headers": {name: response[name] for name in STORED_HEADERS if response.has_header(name)},
        "on_hit": getattr(response, "page_cache_on_hit", None),
    }


def _fill(body: str, request) -> str:
    if TOKEN_PLACEHOLDER not in body:
        return body
    return body.replace(TOKEN_PLACEHOLDER, get_token(request))


def _from_entry(entry: dict, request) -> HttpResponse:
    response = HttpResponse(_fill(entry["body"], request), status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    return response


def _storable(response) -> bool:
    # A view that says its page is personal is believed.
    return response.status_code == 200 and "private" not in response.get("Cache-Control", "")


def _in_request_transaction(render):
    """``render()`` in the request's transaction (ATOMIC_REQUESTS), which
    the cached views leave to this module so that a page served from the
    cache opens no database connection at all."""
    if not connection.settings_dict.get("ATOMIC_REQUESTS"):
        return render
    return transaction.atomic(using=connection.alias)(render)


def respond(request, render, *, tags):
    """The page for ``request``: from the cache when it may be, else
    ``render()``, stored for the next visitor when it may be. The view is
    marked ``non_atomic_requests``: its render runs in a transaction here."""
    render = _in_request_transaction(render)
    if not enabled() or not _request_cacheable(request):
        return render()
    tags = [SHOP, *tags]
    try:
        key = _key(request, tags)
        entry = cache.get(key)
    except Exception:  # the cache is down: pages still answer, uncached
        logger.exception("Page cache unreachable; rendering %s", request.path)
        return render()
    if entry is not None:
        response = _from_entry(entry, request)
        response["X-Page-Cache"] = "hit"
        if entry["on_hit"]:
            function, args = entry["on_hit"]
            import_string(function)(request, response, *args)
        return response
    with _neutral_csrf(request):
        response = render()
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return response
    entry = _entry(response)
    if _storable(response):
        try:
            cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Page cache unreachable; %s not stored", request.path)
        response["X-Page-Cache"] = "miss"
    # This visitor's forms get its own token, stored or not, and it keeps
    # the cookies its own request set.
    response.content = _fill(entry["body"], request).encode(response.charset)
    return response


def remembered(name: str, tags, compute):
    """``compute()``, kept in the cache under the versions of ``tags`` (and
    SHOP): for what every visitor's page needs, signed in or not, such as the
    catalogue's filter choices. Computed every time when the page cache is
    off or the cache is down."""
    if not enabled():
        return compute()
    try:
        digest = hashlib.sha256("\n".join([name, *_versions([SHOP, *tags])]).encode()).hexdigest()
        key = f"{KEY_PREFIX}:data:{digest}"
        value = cache.get(key)
    except Exception:
        logger.exception("Page cache unreachable; computing %s", name)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Page cache unreachable; %s not stored", name)
    return value


class AnonymousPageCacheMixin:
    """For a class-based view: its GET pages are kept for anonymous
    visitors under the tags ``page_cache_tags()`` names."""

    def page_cache_tags(self) -> list[str]:
        raise NotImplementedError

    @method_decorator(transaction.non_atomic_requests)
    def dispatch(self, request, *args, **kwargs):
        return respond(
            request, lambda: super(AnonymousPageCacheMixin, self).dispatch(request, *args, **kwargs),
            tags=self.page_cache_tags(),
        )


# --- What invalidates which pages -------------------------------------------
# A stock movement changes one product page (its availability line); a
# price, a picture or the product itself changes the lists too; the units,
# cooperatives, categories and certifications shown beside products change
# every shop page. Wagtail pages show product cards and change when a page
# is published, unpublished, moved or deleted.


def _product_changed(sender, instance, **kwargs):
    tags_bump(product_tag(instance.pk), CATALOGUE)


def _product_part_changed(sender, instance, **kwargs):
    tags_bump(product_tag(instance.product_id), CATALOGUE)


def _product_stock_changed(sender, instance, **kwargs):
    tags_bump(product_tag(instance.product_id))


def _stock_record_changed(sender, instance, **kwargs):
    # Oscar sends post_save for every allocation at checkout; only a new
    # price (or a record made or removed) changes the lists' cards.
    price_key = f"{KEY_PREFIX}:price:{instance.pk}"
    # Normalised: Oscar reloads the price with the column's two decimals.
    price = None if kwargs.get("signal") is post_delete else str(Decimal(instance.price or 0).normalize())
    try:
        price_unchanged = price is not None and cache.get(price_key) == price
        if price is not None:
            cache.set(price_key, price, timeout=None)
    except Exception:
        logger.exception("Page cache unreachable; treating stock record %s as repriced", instance.pk)
        price_unchanged = False
    tags_bump(product_tag(instance.product_id), *(() if price_unchanged else (CATALOGUE,)))


def _shop_changed(sender, instance, **kwargs):
    tags_bump(SHOP)


def _page_changed(sender, instance=None, **kwargs):
    tags_bump(CMS)


def connect() -> None:
    from oscar.core.loading import get_model
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from catalog.models import Lot
    from cooperatives.models import AdministrativeUnit, Certification, Cooperative, RawMaterialArea

    receivers = [
        (_product_changed, get_model("catalogue", "Product")),
        (_product_part_changed, get_model("catalogue", "ProductImage")),
        (_product_part_changed, get_model("catalogue", "ProductCategory")),
        (_stock_record_changed, get_model("partner", "StockRecord")),
        (_product_stock_changed, Lot),
        (_shop_changed, get_model("catalogue", "Category")),
        (_shop_changed, Cooperative),
        (_shop_changed, RawMaterialArea),
        (_shop_changed, Certification),
        (_shop_changed, AdministrativeUnit),
    ]
    for receiver, model in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"page-cache-{model.__name__}-{signal}")
    # Only what the public sees: saving a draft changes no live page.
    page_published.connect(_page_changed, dispatch_uid="page-cache-published")
    page_unpublished.connect(_page_changed, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(_page_changed, dispatch_uid="page-cache-moved")
    post_delete.connect(_page_changed, sender=Page, dispatch_uid="page-cache-page-deleted")
