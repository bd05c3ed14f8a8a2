"""Charts drawn on the server as inline SVG.

They need no script and no library, print with the page (and in the PDF),
and read out through their <title> and <desc>. Every label is escaped here,
before the markup is marked safe: labels come from data (cooperative and
unit names) that the province does not control.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# The drawing's own units; the SVG scales to the width of its box, so on a
# 320 px phone its text shrinks to about 60%: hence few, short axis labels.
WIDTH, HEIGHT = 480, 220
TOP, BOTTOM, LEFT, RIGHT = 28, 30, 8, 8
# Every other month of a year; more would write labels over each other.
MOST_LABELS = 6


def _number(value: float) -> str:
    # Coordinates to a tenth of a unit: enough on any screen, short markup.
    text = f"{value + 0.0:.1f}"
    return text[:-2] if text.endswith(".0") else text


def bar_chart(
    points: Sequence,
    *,
    value_of: Callable[[object], float],
    label_of: Callable[[object], str],
    title: str,
    chart_id: str,
    format_value: Callable[[float], str] = str,
    axis_label_of: Callable[[object], str] | None = None,
) -> SafeString:
    """A bar per point (a month of a trend, say), its label and value on
    hover and in its own <title>; the highest value is written above the
    bars, a shorter label (``axis_label_of``) under some of them."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    values = [max(value_of(point) or 0, 0) for point in points]
    labels = [str(label_of(point)) for point in points]
    axis_labels = [str(axis_label_of(point)) for point in points] if axis_label_of else labels
    highest = max(values, default=0)
    if not points:
        description = _("No data for this period.")
    elif highest == 0:
        description = _("Nothing in this period: every value is zero.")
    else:
        peak = values.index(highest)
        description = _("Highest: %(value)s (%(label)s).") % {
            "value": format_value(highest),
            "label": labels[peak],
        }
    parts = [
        format_html(
            '<svg class="report-chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{} {}" '
            'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}">{}</title><desc id="{}">{}</desc>',
            chart_id,
            WIDTH,
            HEIGHT,
            title_id,
            desc_id,
            title_id,
            title,
            desc_id,
            description,
        )
    ]
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    parts.append(
        format_html(
            '<line class="report-chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            LEFT,
            baseline,
            WIDTH - RIGHT,
            baseline,
        )
    )
    if not points:
        parts.append(
            format_html(
                '<text class="report-chart__empty" x="{}" y="{}" text-anchor="middle">{}</text>',
                WIDTH // 2,
                HEIGHT // 2,
                description,
            )
        )
    else:
        slot = plot_width / len(points)
        bar = slot * 0.7
        every = math.ceil(len(points) / MOST_LABELS)
        for index, (value, label, axis_label) in enumerate(zip(values, labels, axis_labels, strict=True)):
            height = plot_height * value / highest if highest else 0
            x = LEFT + index * slot + (slot - bar) / 2
            parts.append(
                format_html(
                    '<g class="report-chart__bar"><title>{}: {}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}"/></g>',
                    label,
                    format_value(value),
                    _number(x),
                    _number(baseline - height),
                    _number(bar),
                    _number(height),
                )
            )
            if index % every == 0:
                parts.append(
                    format_html(
                        '<text class="report-chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
                        _number(x + bar / 2),
                        HEIGHT - 10,
                        axis_label,
                    )
                )
        parts.append(
            format_html(
                '<text class="report-chart__peak" x="{}" y="{}">{}</text>',
                LEFT,
                TOP - 10,
                _("Highest: %(value)s") % {"value": format_value(highest)},
            )
        )
    parts.append(mark_safe("</svg>"))
    # Each part went through format_html, which escaped every value in it.
    return mark_safe("".join(parts))


def _clamp(value: float | None) -> float | None:
    if value is None:
        return None
    return min(max(float(value), 0.0), 100.0)


@dataclass(frozen=True)
class Progress:
    """Where a progress bar's fill ends and its markers stand, each a share
    of the bar from 0 to 100 (an indicator may not have some)."""

    fill: float
    threshold: float | None
    expected: float | None


def progress(percent: float | None, *, threshold=None, expected=None) -> Progress:
    """The drawing of an indicator against its target: the fill is what is
    reached, the threshold what the plan asks, the expected marker what
    steady progress would have reached by now (only while it is short of the
    threshold)."""
    threshold = _clamp(threshold)
    expected = _clamp(expected)
    if expected is not None and threshold is not None and expected >= threshold:
        expected = None
    return Progress(fill=_clamp(percent) or 0.0, threshold=threshold, expected=expected)


def progress_bar(percent: float | None, *, status: str, threshold=None, expected=None) -> SafeString:
    """The bar of :func:`progress`. It is hidden from screen readers: the
    card around it says the same in words."""
    drawing = progress(percent, threshold=threshold, expected=expected)
    parts = [
        format_html(
            '<svg class="report-progress report-progress--{}" viewBox="0 0 100 12" '
            'preserveAspectRatio="none" aria-hidden="true" focusable="false" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<rect class="report-progress__track" x="0" y="2" width="100" height="8"/>'
            '<rect class="report-progress__fill" x="0" y="2" width="{}" height="8"/>',
            status,
            _number(drawing.fill),
        )
    ]
    if drawing.expected is not None:
        parts.append(
            format_html(
                '<line class="report-progress__expected" x1="{}" y1="0" x2="{}" y2="12" '
                'vector-effect="non-scaling-stroke"/>',
                _number(drawing.expected),
                _number(drawing.expected),
            )
        )
    if drawing.threshold is not None:
        parts.append(
            format_html(
                '<line class="report-progress__threshold" x1="{}" y1="0" x2="{}" y2="12" '
                'vector-effect="non-scaling-stroke"/>',
                _number(drawing.threshold),
                _number(drawing.threshold),
            )
        )
    parts.append(mark_safe("</svg>"))
    # Each part went through format_html, which escaped every value in it.
    return mark_safe("".join(parts))
