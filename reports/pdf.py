"""A unit's report as an A4 PDF, the shape the province sends up in its
periodic reports: each indicator against its target, the e-commerce
figures, the units one level down, the monthly trend, the pilots and the
plan the targets come from. Labels are in the active language; the fonts
are the labels' (catalog.labels), which write Vietnamese."""

import datetime
import io
import math
from xml.sax.saxutils import escape

from babel.numbers import format_decimal, format_percent
from django.conf import settings
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from catalog.labels import LabelFonts, label_fonts
from marketplace.money import format_vnd

from . import selectors
from .selectors import UnitReport

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN

STATUS_COLOURS = {
    selectors.MET: colors.HexColor("#2e7d32"),
    selectors.ON_TRACK: colors.HexColor("#f9a825"),
    selectors.BEHIND: colors.HexColor("#c62828"),
    selectors.NO_TARGET: colors.HexColor("#607d8b"),
    selectors.NOT_APPLICABLE: colors.HexColor("#b0bec5"),
}
ORDERS_COLOUR = colors.HexColor("#1565c0")
GMV_COLOUR = colors.HexColor("#00897b")
HEADER_FILL = colors.HexColor("#e8eef3")
RULE = colors.HexColor("#9e9e9e")

# Month labels under a chart: beyond two years of bars, only every few
# months is named so the labels do not run into each other.
MAX_MONTH_LABELS = 24


class _Text:
    """Styles and number formats of one report, in its fonts and language."""

    def __init__(self, fonts: LabelFonts):
        self.fonts = fonts
        self.locale = to_locale(get_language() or settings.LANGUAGE_CODE)
        self.body = ParagraphStyle("body", fontName=fonts.regular, fontSize=9, leading=12)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.note = ParagraphStyle("note", parent=self.small, textColor=colors.HexColor("#555555"))
        # What a table is, said above it: kept on the table's page.
        self.intro = ParagraphStyle("intro", parent=self.note, spaceAfter=3, keepWithNext=1)
        self.cell = ParagraphStyle("cell", parent=self.small)
        self.cell_right = ParagraphStyle("cell_right", parent=self.small, alignment=TA_RIGHT)
        self.head = ParagraphStyle("head", parent=self.small, fontName=fonts.bold, fontSize=6.5, leading=8)
        self.head_right = ParagraphStyle("head_right", parent=self.head, alignment=TA_RIGHT)
        self.title = ParagraphStyle(
            "title", parent=self.body, fontName=fonts.bold, fontSize=15, leading=19, spaceAfter=4
        )
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontName=fonts.bold, fontSize=11, leading=14, spaceBefore=10,
            spaceAfter=5, keepWithNext=1,
        )  # fmt: skip

    def clean(self, text) -> str:
        return self.fonts.printable(str(text))

    def para(self, text, style=None) -> Paragraph:
        return Paragraph(escape(self.clean(text)), style or self.body)

    def number(self, value: int) -> str:
        return format_decimal(value, format="#,##0", locale=self.locale)

    def percent(self, value: float | None) -> str:
        return "—" if value is None else format_percent(value / 100, format="#,##0.0%", locale=self.locale)


class ProgressBar(Flowable):
    """An indicator's share as a bar coloured by its status, with a tick at
    the target and a dotted one where it should stand today."""

    def __init__(self, percent, *, target=None, expected=None, colour, width=38 * mm, height=3.2 * mm):
        super().__init__()
        self.percent, self.target, self.expected, self.colour = percent, target, expected, colour
        self.width, self.height = width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(0.4)
        canvas.setStrokeColor(RULE)
        canvas.setFillColor(colors.HexColor("#eceff1"))
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        if self.percent is not None:
            canvas.setFillColor(self.colour)
            canvas.rect(
                0, 0, self.width * min(max(self.percent, 0), 100) / 100, self.height, stroke=0, fill=1
            )
        canvas.setStrokeColor(colors.black)
        if self.expected is not None and self.expected != self.target:
            canvas.setDash(1, 1)
            x = self.width * min(self.expected, 100) / 100
            canvas.line(x, -1, x, self.height + 1)
            canvas.setDash()
        if self.target is not None:
            canvas.setLineWidth(1)
            x = self.width * min(self.target, 100) / 100
            canvas.line(x, -1.5, x, self.height + 1.5)
        canvas.restoreState()


def _table(rows, widths) -> Table:
    """A table that repeats its header on every page it runs over; cells
    are paragraphs, so long names wrap inside their column, and each
    paragraph aligns itself (the table's own ALIGN would push a right-aligned
    paragraph into the cell's padding)."""
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(style))
    return table


def _widths(*shares: float) -> list[float]:
    total = sum(shares)
    return [FRAME_WIDTH * share / total for share in shares]


def _head_row(text: _Text, titles, *, right=()) -> list[Paragraph]:
    """The header, right-aligned over the columns of figures ``right``."""
    return [text.para(title, text.head_right if i in right else text.head) for i, title in enumerate(titles)]


def _indicator_section(report: UnitReport, text: _Text) -> list:
    rows = [
        _head_row(text, [_("Indicator"), _("Result"), _("Percent"), _("Target"), _("Status"), _("Progress")])
    ]
    for result in report.indicators:
        title = [text.para(result.title, text.cell)]
        declared = result.extra.get("declared")
        if declared:
            title.append(
                text.para(
                    _("Declared by their partners (not counted): %(count)s") % {"count": declared}, text.note
                )
            )
        target = result.target
        threshold = float(target.threshold_percent) if target else None
        rows.append(
            [
                title,
                text.para(f"{text.number(result.numerator)}/{text.number(result.denominator)}", text.cell),
                text.para(text.percent(result.percent), text.cell),
                text.para(
                    _("≥ %(percent)s by %(deadline)s")
                    % {"percent": text.percent(threshold), "deadline": f"{target.deadline:%d/%m/%Y}"}
                    if target
                    else "—",
                    text.cell,
                ),
                text.para(selectors.status_label(result.status), text.cell),
                ProgressBar(
                    result.percent,
                    target=threshold,
                    expected=result.expected_percent,
                    colour=STATUS_COLOURS.get(result.status, RULE),
                ),
            ]
        )
    legend = text.para(
        _(
            "The bar is coloured by status; the solid tick marks the target, the dotted tick where "
            "the indicator should stand today to reach it by the deadline."
        ),
        text.note,
    )
    return [
        text.para(_("1. Indicators against their targets"), text.heading),
        _table(rows, _widths(34, 9, 9, 19, 10, 24)),
        Spacer(1, 2),
        legend,
    ]


def _activity_section(report: UnitReport, text: _Text) -> list:
    activity = report.activity
    figures = [
        (_("Orders"), text.number(activity.orders)),
        (_("Buyers"), text.number(activity.buyers)),
        (_("Gross merchandise value"), format_vnd(activity.gmv)),
        (_("Average order value"), format_vnd(activity.average_order_value)),
        (_("Paid online"), text.percent(activity.online_percent)),
        (_("Cash on delivery"), text.percent(activity.cod_percent)),
    ]
    rows = [_head_row(text, [_("Figure"), _("Value")], right={1})]
    rows += [[text.para(label, text.cell), text.para(value, text.cell_right)] for label, value in figures]
    return [
        text.para(_("2. E-commerce activity"), text.heading),
        text.para(
            _(
                "Orders of the cooperatives located in the unit, placed in the period; cancelled orders "
                "and refunds are not counted in the value."
            ),
            text.intro,
        ),
        _table(rows, [FRAME_WIDTH * 0.45, FRAME_WIDTH * 0.25]),
    ]


def _units_section(report: UnitReport, text: _Text) -> list:
    if not report.rows:
        return []
    heading = {
        "district": _("3. Districts"),
        "commune": _("3. Communes"),
    }.get(report.row_level, _("3. Units one level down"))
    titles = [
        _("Unit"),
        _("Communes with a co-op"),
        _("Communes selling online"),
        _("Co-ops online / approved"),
        _("Linkage models digital / all"),
        _("Shown online (6.5)"),
        _("Pilots"),
        _("Orders"),
        _("GMV"),
        _("Status"),
    ]
    rows = [_head_row(text, titles, right=range(1, 9))]
    for row in report.rows:
        cells = [
            f"{row.communes_with_cooperatives}/{row.communes}",
            f"{row.communes_selling_online}/{row.communes}",
            f"{row.cooperatives_online}/{row.cooperatives}",
            f"{row.digital_linkage_models}/{row.linkage_models}",
            _("yes") if row.promoted_online else _("no"),
            text.number(row.pilots),
            text.number(row.activity.orders),
            format_vnd(row.activity.gmv),
        ]
        rows.append(
            [
                text.para(row.unit.name, text.cell),
                *(text.para(cell, text.cell_right) for cell in cells),
                text.para(selectors.status_label(row.status), text.cell),
            ]
        )
    return [
        text.para(heading, text.heading),
        text.para(
            _("Status: communes with a cooperative against the target of indicator 1."),
            text.intro,
        ),
        _table(rows, _widths(16, 10.5, 10.5, 10, 10, 8, 6, 7, 12, 10)),
    ]


def _axis_step(largest: float) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving at most five gridlines."""
    if largest <= 5:
        return 1
    rough = largest / 5
    power = 10 ** math.floor(math.log10(rough))
    return next(power * factor for factor in (1, 2, 5, 10) if power * factor >= rough)


def _bar_chart(values, names, *, title: str, colour, width: float, height: float, text: _Text):
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 26
    chart.width, chart.height = width - chart.x - 6, height - chart.y - 18
    chart.data = [values or [0]]
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = names or [""]
    chart.categoryAxis.labels.fontName = text.fonts.regular
    chart.categoryAxis.labels.fontSize = 6
    # Upright month labels run into each other beyond half a year of bars.
    slanted = len(names) > 6
    chart.categoryAxis.labels.angle = 45 if slanted else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if slanted else "n"
    step = _axis_step(max(values or [0]))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = step * max(math.ceil(max(values or [0]) / step), 1)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = text.fonts.regular
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.labelTextFormat = lambda value: text.number(round(value))
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e0e0e0")
    drawing.add(chart)
    drawing.add(String(chart.x, height - 11, text.clean(title), fontName=text.fonts.bold, fontSize=8))
    return drawing


def _trend_section(report: UnitReport, text: _Text) -> list:
    points = report.trend
    every = max(math.ceil(len(points) / MAX_MONTH_LABELS), 1)
    names = [f"{p.month:%m/%y}" if i % every == 0 else "" for i, p in enumerate(points)]
    half = (FRAME_WIDTH - 10) / 2
    orders = _bar_chart(
        [p.orders for p in points], names, title=_("Orders"), colour=ORDERS_COLOUR, width=half, height=150,
        text=text,
    )  # fmt: skip
    gmv = _bar_chart(
        [p.gmv / 1000 for p in points],
        names,
        title=_("GMV (thousand đồng)"),
        colour=GMV_COLOUR,
        width=half,
        height=150,
        text=text,
    )
    charts = Table([[orders, gmv]], colWidths=[half + 5, half + 5], hAlign="LEFT")
    charts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    section = [text.para(_("4. Monthly trend"), text.heading), charts]
    if any(p.from_snapshot for p in points):
        section.append(
            text.para(_("Months already closed are read from their monthly snapshots."), text.note)
        )
    return section


def _pilots_section(report: UnitReport, text: _Text) -> list:
    section = [text.para(_("5. Pilot communes"), text.heading)]
    if not report.pilots:
        return [*section, text.para(_("No pilot commune ran in this period."), text.body)]
    titles = [
        _("Commune"),
        _("District"),
        _("Kind"),
        _("Started on"),
        _("Status"),
        _("Co-ops online / approved"),
        _("Orders"),
        _("GMV"),
    ]
    rows = [_head_row(text, titles, right={5, 6, 7})]
    for row in report.pilots:
        pilot = row.pilot
        kind = pilot.get_kind_display()
        if pilot.field:
            kind = f"{kind} ({pilot.get_field_display()})"
        rows.append(
            [
                text.para(row.commune.name, text.cell),
                text.para(row.district.name if row.district else "—", text.cell),
                text.para(kind, text.cell),
                text.para(f"{pilot.started_on:%d/%m/%Y}", text.cell),
                text.para(pilot.get_status_display(), text.cell),
                text.para(f"{row.cooperatives_online}/{row.cooperatives}", text.cell_right),
                text.para(text.number(row.activity.orders), text.cell_right),
                text.para(format_vnd(row.activity.gmv), text.cell_right),
            ]
        )
    return [*section, _table(rows, _widths(16, 14, 16, 10, 9, 11, 8, 12))]


def _top_cooperatives_section(report: UnitReport, text: _Text) -> list:
    top = report.top_cooperatives
    if not top:
        return []
    rows = [_head_row(text, [_("Cooperative"), _("Commune"), _("Orders"), _("GMV")], right={2, 3})]
    for row in top:
        rows.append(
            [
                text.para(row.cooperative.legal_name, text.cell),
                text.para(row.commune.name if row.commune else "—", text.cell),
                text.para(text.number(row.activity.orders), text.cell_right),
                text.para(format_vnd(row.activity.gmv), text.cell_right),
            ]
        )
    return [
        text.para(_("6. Cooperatives selling the most"), text.heading),
        _table(rows, _widths(40, 30, 12, 18)),
    ]


def _sources_section(report: UnitReport, text: _Text) -> list:
    targets = [result.target for result in report.indicators if result.target]
    documents = list(dict.fromkeys(target.source_document for target in targets))
    section = [text.para(_("Source of the targets"), text.heading)]
    if not documents:
        return [*section, text.para(_("No target is set for these indicators."), text.body)]
    return section + [text.para(document, text.body) for document in documents]


def _story(report: UnitReport, text: _Text, produced_at: datetime.datetime) -> list:
    unit = report.unit
    period = report.period
    story = [
        text.para(
            _("Report on the digital transformation indicators of new rural development — %(unit)s")
            % {"unit": unit.name},
            text.title,
        )
    ]
    if report.ancestors:
        story.append(text.para(" › ".join(a.name for a in [*report.ancestors, unit]), text.body))
    story += [
        text.para(
            _("Period: %(period)s (%(start)s – %(end)s); figures as of %(as_of)s.")
            % {
                "period": period.label,
                "start": f"{period.start:%d/%m/%Y}",
                "end": f"{period.end:%d/%m/%Y}",
                "as_of": f"{report.as_of:%d/%m/%Y}",
            },
            text.body,
        ),
        text.para(
            _("Produced on %(day)s at %(time)s from the data of the Chợ Quê platform.")
            % {"day": f"{produced_at:%d/%m/%Y}", "time": f"{produced_at:%H:%M}"},
            text.body,
        ),
        *_indicator_section(report, text),
        *_activity_section(report, text),
        *_units_section(report, text),
        *_trend_section(report, text),
        *_pilots_section(report, text),
        *_top_cooperatives_section(report, text),
        *_sources_section(report, text),
    ]
    return story


def _render(report: UnitReport, text: _Text, produced_at, pages: int | None) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=text.clean(_("Indicators report — %(unit)s") % {"unit": report.unit.name}),
        creator="Chợ Quê",
        invariant=True,
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(text.fonts.regular, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN, PAGE_WIDTH - MARGIN, MARGIN)
        canvas.drawString(MARGIN, MARGIN - 9, text.clean(f"{report.unit.name} · {report.period.label}"))
        number = canvas.getPageNumber()
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN,
            MARGIN - 9,
            text.clean(_("Page %(page)s of %(pages)s") % {"page": number, "pages": pages or number}),
        )
        canvas.restoreState()

    document.build(_story(report, text, produced_at), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), document.page


def unit_report_pdf(report: UnitReport, *, produced_at: datetime.datetime) -> bytes:
    """The report as the bytes of an A4 PDF. Laid out twice: the first
    time only counts the pages, so each page can say "page 2 of 5"."""
    text = _Text(label_fonts())
    _first, pages = _render(report, text, produced_at, None)
    pdf, _pages = _render(report, text, produced_at, pages)
    return pdf
