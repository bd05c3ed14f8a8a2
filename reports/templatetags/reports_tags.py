"""Template helpers of the report pages: statuses in words, shares and
counts in the page's language, the SVG charts and the download links.
None of them queries the database: they read what the selectors built."""

from urllib.parse import urlencode

from babel.numbers import format_decimal
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _

from marketplace.money import format_vnd
from reports import charts, selectors

register = template.Library()

# What each trend chart shows, and how its values read.
TREND_MEASURES = {
    "orders": (gettext_lazy("Orders by month"), lambda point: point.orders, None),
    "gmv": (gettext_lazy("Gross merchandise value by month"), lambda point: point.gmv, format_vnd),
    "cooperatives_online": (
        gettext_lazy("Cooperatives selling online by month"),
        lambda point: point.cooperatives_online,
        None,
    ),
}


@register.filter
def status_label(status) -> str:
    return selectors.status_label(status)


@register.simple_tag
def status_legend():
    """The statuses in the order a reader checks them."""
    return list(selectors.STATUS_LABELS.items())


def _number(value, pattern: str) -> str:
    # Babel, as format_vnd: Django's Vietnamese formats do not group digits.
    return format_decimal(value, format=pattern, locale=to_locale(get_language() or "vi"))


@register.filter
def count(value) -> str:
    """A whole number with the page language's separators: ``1.234`` in
    Vietnamese, ``1,234`` in English."""
    if value is None or value == "":
        return ""
    return _number(value, "#,##0")


@register.filter
def percent(value) -> str:
    """``20%``, ``33,3%``: one decimal at most; a dash when there is no
    share (nothing to divide by)."""
    if value is None or value == "":
        return "–"
    return f"{_number(round(float(value), 1), '#,##0.#')}%"


@register.filter
def tool_label(code) -> str:
    return selectors.tool_label(code)


@register.filter
def month_label(day) -> str:
    return f"{day:%m/%Y}" if day else ""


@register.filter
def period_query(period) -> str:
    """The query string that keeps ``period`` on the next page."""
    return urlencode({"period": period.slug}) if period is not None else ""


@register.simple_tag
def trend_chart(points, measure: str, chart_id: str):
    """A trend chart in a figure captioned with its title: the title inside
    the SVG is for screen readers and hover only."""
    title, value_of, money = TREND_MEASURES[measure]
    chart = charts.bar_chart(
        points,
        value_of=value_of,
        label_of=lambda point: month_label(point.month),
        axis_label_of=lambda point: f"{point.month.month}/{point.month:%y}",
        title=str(title),
        chart_id=chart_id,
        format_value=money or count,
    )
    return format_html('<figure class="report-figure"><figcaption>{}</figcaption>{}</figure>', title, chart)


@register.simple_tag
def indicator_progress(result):
    threshold = result.target.threshold_percent if result.target is not None else None
    return charts.progress_bar(
        result.percent, status=result.status, threshold=threshold, expected=result.expected_percent
    )


@register.simple_tag
def export_links(url_name: str, pk, table: str, period, what: str):
    """Links to download one table of a report, as CSV and as XLSX, for the
    period on screen."""
    query = period_query(period)
    links = []
    for file_format, name in (("csv", "CSV"), ("xlsx", "XLSX")):
        url = reverse(url_name, kwargs={"pk": pk, "table": table, "file_format": file_format})
        links.append(
            format_html(
                '<a class="report-download" href="{}?{}" aria-label="{}">{}</a>',
                url,
                query,
                _("Download %(what)s as %(format)s") % {"what": what, "format": name},
                name,
            )
        )
    return format_html('<span class="report-downloads">{} {}</span>', links[0], links[1])


@register.simple_tag
def unit_report_url(unit, period=None):
    """The report of ``unit`` for the period on screen: the overview for
    the province, the unit's own page below it."""
    if unit.level == "province":
        url = reverse("reports:overview")
    else:
        url = reverse("reports:unit", kwargs={"pk": unit.pk})
    return f"{url}?{period_query(period)}" if period is not None else url


@register.simple_tag
def report_url(url_name: str, pk, period=None):
    """A page of the reports about ``pk`` (a cooperative, a unit's products…)
    for the period on screen."""
    url = reverse(url_name, kwargs={"pk": pk})
    return f"{url}?{period_query(period)}" if period is not None else url


@register.simple_tag
def expected_by_now(result):
    """The share steady progress would have reached by now, when it is
    still short of the target (as the progress bar marks it)."""
    threshold = result.target.threshold_percent if result.target is not None else None
    return charts.progress(result.percent, threshold=threshold, expected=result.expected_percent).expected
