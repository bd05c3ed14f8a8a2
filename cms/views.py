"""Views of the public site outside Wagtail's page tree."""

from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# --- The tourism map ----------------------------------------------------------


def map_geojson(request, page):
    """The tourism map's markers as a GeoJSON FeatureCollection (RFC 7946),
    which static/js/tourism-map.js draws and anyone may reuse: the features
    of the map page with the same ``layer``/``district`` filters, only those
    with a position. Unknown filter values are ignored, as on the page."""
    from django.http import JsonResponse
    from django.utils.cache import patch_cache_control

    from . import selectors

    filters = selectors.MapFilters.from_query(request.GET, locale=page.locale)
    features = selectors.map_features(locale=page.locale, filters=filters, request=request)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                # RFC 7946 puts longitude first.
                "geometry": {"type": "Point", "coordinates": [feature["lon"], feature["lat"]]},
                "properties": {name: value for name, value in feature.items() if name not in ("lat", "lon")},
            }
            for feature in features
            if feature["lat"] is not None and feature["lon"] is not None
        ],
    }
    response = JsonResponse(
        collection, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
    )
    # Published pages change a few times a day; five minutes of caching
    # spares the database when a link to the map is shared around.
    patch_cache_control(response, public=True, max_age=300)
    return response


# --- Share links (indicator 6.5) ---------------------------------------------

FACEBOOK_SHARE_URL = "https://www.facebook.com/sharer/sharer.php?u={url}"


def _share_dialog_url(network: str) -> str | None:
    # Zalo's address comes from settings, so a change on Zalo's side needs
    # no release; {url} is where the quoted page address goes.
    return {"facebook": FACEBOOK_SHARE_URL, "zalo": settings.ZALO_SHARE_URL}.get(network)


@require_GET
@never_cache
def destination_share(request, page_id, network):
    """Count a click on a destination's Facebook or Zalo share link, then send
    the visitor on to that network's share dialog. The count goes through us
    because the networks tell nobody how often a page was shared."""
    from .models import DestinationEngagement, DestinationPage
    from .services import destination_engagement_record
    from .structured_data import page_absolute_url

    dialog_url = _share_dialog_url(network)
    page = DestinationPage.objects.live().public().filter(pk=page_id).first()
    if dialog_url is None or page is None:
        raise Http404
    channel = DestinationEngagement.Channel(network)
    destination_engagement_record(destination=page, channel=channel, request=request)
    page_url = quote(page_absolute_url(page, request), safe="")
    response = HttpResponseRedirect(dialog_url.format(url=page_url))
    # The link is marked nofollow, but a crawler may follow it anyway: it
    # must not index the redirect (nor, through it, the share dialog).
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@transaction.non_atomic_requests
def page_serve(request, path):
    """Wagtail's page view, with its pages kept for anonymous visitors
    (marketplace.page_cache): they show product cards, so a product's change
    renews them as a page's publication does."""
    from wagtail import views as wagtail_views

    from marketplace import page_cache

    return page_cache.respond(
        request, lambda: wagtail_views.serve(request, path), tags=[page_cache.CMS, page_cache.CATALOGUE]
    )
