"""The search page and the search box's suggestions: thin callers of
search.selectors."""

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse, QueryDict
from django.views.generic import TemplateView

from . import selectors, text
from .models import SearchKind
from .results import FACET_LABELS, PAGE_SIZE, InvalidSearch, SearchFilters, page_number
from .sources import FACETS

# Longer than any title; the search box never sends more.
SUGGEST_PREFIX_MAX = 100
# Values listed per facet, the most frequent first (and any selected one):
# a search matching most products would otherwise list every commune and
# cooperative, hundreds of links to build and to scroll past on a phone.
FACET_VALUES_SHOWN = 10


class HtmlSafeJSONEncoder(DjangoJSONEncoder):
    """JSON whose text never contains <, > or &: the answer repeats what was
    typed, and must stay inert even where a browser or proxy ignores its
    content type and reads it as HTML. The data are unchanged once parsed."""

    ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

    def encode(self, o):
        return super().encode(o).translate(self.ESCAPES)


class SearchLinks:
    """The page's links (tabs, facet toggles, pages) as query strings.

    They are built from the search as understood (its cleaned query, a kind
    search knows, facets search knows), not from the raw request, so a link
    never carries on a parameter search ignored. Changing the tab or a facet
    changes the hits, so those links go back to the first page."""

    def __init__(self, query: str, filters: SearchFilters):
        self.params = {"q": query, "type": filters.kind, **filters.as_dict()}

    def _link(self, **changes) -> str:
        params = {**self.params, **changes}
        query = QueryDict(mutable=True)
        for name, value in params.items():
            if value not in (None, ""):
                query[name] = str(value)
        return f"?{query.urlencode()}"

    def tabs(self, kind_counts: dict) -> list[dict]:
        tabs = [
            {
                "kind": "",
                "label": None,  # "All": translated in the template
                "count": sum(kind_counts.values()),
                "url": self._link(type=None),
                "current": not self.params["type"],
            }
        ]
        for kind, label in SearchKind.choices:
            tabs.append(
                {
                    "kind": kind,
                    "label": label,
                    "count": kind_counts.get(kind, 0),
                    "url": self._link(type=kind),
                    "current": self.params["type"] == kind,
                }
            )
        return tabs

    def facet_groups(self, facets: dict) -> list[dict]:
        """The facets that have values, in FACETS order; each value's link
        selects it, or clears it when it is selected."""
        groups = []
        for name in FACETS:
            values = facets.get(name) or []
            if not values:
                continue
            values = values[:FACET_VALUES_SHOWN] + [v for v in values[FACET_VALUES_SHOWN:] if v.selected]
            groups.append(
                {
                    "name": name,
                    "heading": FACET_LABELS[name],
                    "values": [
                        {
                            "label": value.label,
                            "count": value.count,
                            "selected": value.selected,
                            "url": self._link(**{name: None if value.selected else value.value}),
                        }
                        for value in values
                    ],
                }
            )
        return groups

    def chosen_facets(self, facets: dict) -> list[dict]:
        """Every facet the search is limited to, with a link removing it;
        also those no hit has (a value typed into the address), so they can
        be removed too."""
        chosen = []
        for name in FACETS:
            value = self.params.get(name)
            if not value:
                continue
            label = next((v.label for v in facets.get(name) or [] if v.value == value), value)
            chosen.append({"heading": FACET_LABELS[name], "label": label, "url": self._link(**{name: None})})
        return chosen

    def without_facets(self) -> str:
        return self._link(**dict.fromkeys(FACETS))

    def everything(self) -> str:
        """The same words, no tab, no facet."""
        return self._link(type=None, **dict.fromkeys(FACETS))

    def page(self, number: int) -> str:
        return self._link(page=number if number > 1 else None)


class SearchView(TemplateView):
    """Products, cooperatives and destinations together, with tabs by kind
    and facets; the shop's search and /search/ are this page."""

    template_name = "search/results.html"

    def get(self, request, *args, **kwargs):
        try:
            page = page_number(request.GET.get("page"))
        except InvalidSearch as error:
            # The form keeps what was typed, so the visitor can search again.
            query = text.query_clean(request.GET.get("q", ""))
            filters = SearchFilters.from_query_dict(request.GET)
            context = self.get_context_data(error=str(error), results=None, query=query, filters=filters)
            return self.render_to_response(context, status=400)
        query = request.GET.get("q", "")
        filters = SearchFilters.from_query_dict(request.GET)
        results = selectors.search_run(query, filters, page, PAGE_SIZE)
        links = SearchLinks(results.query, filters)
        # A page past the last (an old link, a hand-made address) offers the
        # last page rather than a "previous" that is just as empty.
        page_missing = bool(results.total) and results.page > results.page_count
        previous_page = results.page_count if page_missing else results.page - 1
        return self.render_to_response(
            self.get_context_data(
                results=results,
                query=results.query,
                filters=filters,
                tabs=links.tabs(results.kind_counts),
                facet_groups=links.facet_groups(results.facets),
                chosen_facets=links.chosen_facets(results.facets),
                clear_facets_url=links.without_facets(),
                everything_url=links.everything(),
                previous_url=links.page(previous_page) if results.has_previous else "",
                next_url=links.page(results.page + 1) if results.has_next else "",
                page_missing=page_missing,
            )
        )


def suggest(request):
    """Up to eight titles for the search box, as JSON."""
    prefix = request.GET.get("q", "")[:SUGGEST_PREFIX_MAX]
    suggestions = selectors.suggest_run(prefix)
    response = JsonResponse({"query": prefix, "suggestions": suggestions}, encoder=HtmlSafeJSONEncoder)
    response["Cache-Control"] = "max-age=60"
    return response
