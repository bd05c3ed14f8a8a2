"""The province's open data: public, language-neutral figures anyone may
reuse (/api/open-data/), and the page that explains them."""

from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from cooperatives.models import AdministrativeUnit
from marketplace.exports import csv_response

from .. import open_data, openapi, selectors
from ..models import Indicator
from ..periods import InvalidPeriod, Period

# The figures move with every order; a quarter of an hour spares the
# database when a dashboard somewhere polls them.
CACHE_SECONDS = 15 * 60
JSON_OPTIONS = {"ensure_ascii": False}


def _shared(response):
    # Any site or app may read the data from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _public(response):
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return _shared(response)


def _error(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status, json_dumps_params=JSON_OPTIONS)
    # An error is about this request only: a cache must not serve it again.
    add_never_cache_headers(response)
    return _shared(response)


def _api_root(request) -> str:
    return request.build_absolute_uri(reverse("open_data:docs")).rstrip("/")


class VisitorLanguageMixin:
    """Speaks the visitor's language (their choice on the site, else their
    browser's). LocaleMiddleware cannot: outside i18n_patterns it gives
    every URL the default language, since ours has no prefix."""

    def dispatch(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = super().dispatch(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response.render()
            response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


@method_decorator(csrf_exempt, name="dispatch")
class ReadOnlyApiView(VisitorLanguageMixin, View):
    """Answers GET and HEAD only. CSRF checks are off so that any other
    method gets its 405 (not a 403 page), which is safe: none writes."""

    http_method_names = ["get", "head"]

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = _error(_("Only GET and HEAD are allowed."), 405)
        response["Allow"] = "GET, HEAD"
        return response


class IndicatorsView(ReadOnlyApiView):
    """The indicators and e-commerce activity of a unit of the province for
    a period, as JSON or CSV (``file_format``)."""

    file_format = "json"

    def get(self, request):
        try:
            period = Period.from_query(request.GET)
        except InvalidPeriod as error:
            return _error(str(error), 400)
        children = request.GET.get("children", "").strip()
        if children not in ("", "0", "1"):
            return _error(_("children is 1 (add the units one level down) or 0."), 400)
        code = request.GET.get("unit", "")
        try:
            unit = open_data.published_unit(code)
        except open_data.UnknownUnit:
            return _error(_("No unit of the province has the code “%(code)s”.") % {"code": code.strip()}, 404)
        except ValueError:
            return _error(
                _("“%(code)s” is not a unit code: give the official (GSO) code in digits, e.g. 072.")
                % {"code": code.strip()[:20]},
                400,
            )
        except AdministrativeUnit.DoesNotExist:
            return _error(_("The province's administrative units are not loaded yet."), 404)

        data = open_data.open_data(unit=unit, period=period, children=children == "1")
        if self.file_format == "csv":
            filename = f"open-data-{unit.code}-{period.slug.replace('..', '_')}.csv"
            return _public(csv_response(open_data.csv_rows(data), filename=filename))
        return _public(
            JsonResponse(
                open_data.document(data, source=request.build_absolute_uri(reverse("open_data:docs"))),
                json_dumps_params=JSON_OPTIONS,
            )
        )


class OpenApiView(ReadOnlyApiView):
    """The OpenAPI 3.0 document of the open data."""

    def get(self, request):
        document = openapi.openapi_document(server_url=_api_root(request))
        return _public(JsonResponse(document, json_dumps_params={**JSON_OPTIONS, "indent": 2}))


class OpenDataDocsView(VisitorLanguageMixin, TemplateView):
    """What each field and indicator of the open data means, in the
    visitor's language, with URLs to try. Not cached publicly: the page's
    header shows who is logged in."""

    template_name = "reports/open_data_docs.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicators_url = self.request.build_absolute_uri(reverse("open_data:indicators"))
        csv_url = self.request.build_absolute_uri(reverse("open_data:indicators-csv"))
        schemas = openapi.schemas()
        example_unit = self._example_unit()
        examples = [
            (f"{indicators_url}", _("The province, this year.")),
            (f"{indicators_url}?period=2025-Q1", _("The province, first quarter of 2025.")),
            (
                f"{indicators_url}?from=2025-01-01&to=2025-06-30&children=1",
                _("The province and each of its districts, first half of 2025."),
            ),
            (f"{csv_url}?period=2025&children=1", _("The same figures as a CSV table, for 2025.")),
        ]
        if example_unit is not None:
            examples.insert(
                2,
                (
                    f"{indicators_url}?unit={example_unit.code}&period=2025&children=1",
                    _("%(unit)s and each unit one level down, 2025.") % {"unit": example_unit.name},
                ),
            )
        context.update(
            indicators=[(code.value, code.label, open_data.DEFINITIONS[code]) for code in Indicator],
            statuses=list(open_data.STATUS_MEANINGS.items()),
            field_tables=[
                (_("The document"), self._fields(schemas["IndicatorsDocument"])),
                (_("Inside “%(field)s”") % {"field": "period"}, self._fields(schemas["Period"])),
                (_("Inside “%(field)s”") % {"field": "unit"}, self._fields(schemas["Unit"])),
                (_("Each row of indicators"), self._fields(schemas["IndicatorRow"])),
                (_("Each row of activity"), self._fields(schemas["ActivityRow"])),
            ],
            parameters=[(parameter["name"], parameter["description"]) for parameter in openapi.parameters()],
            csv_columns=open_data.CSV_COLUMNS,
            examples=examples,
            openapi_url=self.request.build_absolute_uri(reverse("open_data:openapi")),
            licence=open_data.LICENCE,
            licence_url=open_data.LICENCE_URL,
        )
        return context

    @staticmethod
    def _fields(schema: dict) -> list[tuple[str, str, str]]:
        """(name, type, meaning) of each field of an object schema."""
        fields = []
        for name, field in schema["properties"].items():
            kind = field.get("format") or field.get("type") or field.get("$ref", "").rsplit("/", 1)[-1]
            if field.get("nullable"):
                kind = f"{kind} | null"
            fields.append((name, kind, field.get("description", "")))
        return fields

    @staticmethod
    def _example_unit():
        """A unit one level under the province (a district before the 2025
        reform, a commune after it), to show the ``unit`` parameter: one
        with units under it, so that ``children=1`` shows something."""
        try:
            province = selectors.province_unit()
        except AdministrativeUnit.DoesNotExist:
            return None
        children = province.children.order_by("code")
        return children.filter(children__isnull=False).first() or children.first()
