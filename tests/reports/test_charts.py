"""The SVG charts of the report pages, drawn on the server."""

import datetime
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from marketplace.money import format_vnd
from reports import charts


@dataclass
class Month:
    label: str
    value: int


HOSTILE = '<script>alert("x")</script> & "HTX" \'Chè\''


def svg(markup) -> BeautifulSoup:
    return BeautifulSoup(str(markup), "html.parser").find("svg")


def bars(drawing) -> list:
    return drawing.find_all("g", class_="report-chart__bar")


def chart(points, **kwargs):
    return charts.bar_chart(
        points,
        value_of=lambda point: point.value,
        label_of=lambda point: point.label,
        title=kwargs.pop("title", "Đơn hàng theo tháng"),
        chart_id=kwargs.pop("chart_id", "trend-orders"),
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _english():
    """The charts' own words are checked in their English source."""
    with translation.override("en"):
        yield


def test_a_bar_per_month_its_height_in_proportion_and_its_value_in_its_title():
    drawing = svg(chart([Month("01/2025", 2), Month("02/2025", 4), Month("03/2025", 0)]))
    heights = [float(bar.rect["height"]) for bar in bars(drawing)]
    assert heights[1] == 2 * heights[0] > 0
    assert heights[2] == 0
    assert [bar.title.string for bar in bars(drawing)] == ["01/2025: 2", "02/2025: 4", "03/2025: 0"]


def test_the_chart_is_an_image_named_by_its_title_and_summary():
    drawing = svg(chart([Month("01/2025", 2), Month("02/2025", 4)], chart_id="trend-gmv"))
    assert drawing["role"] == "img"
    assert drawing["aria-labelledby"] == "trend-gmv-title trend-gmv-desc"
    assert drawing.find("title", id="trend-gmv-title").string == "Đơn hàng theo tháng"
    assert drawing.find("desc", id="trend-gmv-desc").string == "Highest: 4 (02/2025)."


def test_values_are_written_as_the_caller_formats_them():
    drawing = svg(chart([Month("03/2025", 400000)], format_value=format_vnd))
    assert bars(drawing)[0].title.string == f"03/2025: {format_vnd(400000)}"
    assert format_vnd(400000) in drawing.find("desc").string


def test_hostile_labels_and_titles_are_escaped():
    markup = str(chart([Month(HOSTILE, 3)], title=HOSTILE, chart_id='x" onload="alert(1)'))
    assert "<script>" not in markup
    assert 'onload="alert(1)"' not in markup
    drawing = svg(markup)
    # Escaped, the text still reads as written.
    assert drawing.title.string == HOSTILE
    assert bars(drawing)[0].title.string == f"{HOSTILE}: 3"
    assert drawing.find("text", class_="report-chart__label").string == HOSTILE
    assert drawing.find_all("script") == []


def test_no_data_draws_an_empty_chart_that_says_so():
    drawing = svg(chart([]))
    assert bars(drawing) == []
    assert drawing.find("desc").string == "No data for this period."
    assert drawing.find("text", class_="report-chart__empty").string == "No data for this period."


def test_a_period_without_sales_draws_flat_bars_without_dividing_by_zero():
    drawing = svg(chart([Month("01/2025", 0), Month("02/2025", 0)]))
    assert [float(bar.rect["height"]) for bar in bars(drawing)] == [0, 0]
    assert drawing.find("desc").string == "Nothing in this period: every value is zero."


def test_one_month_is_one_full_height_bar():
    drawing = svg(chart([Month("03/2025", 7)]))
    (bar,) = bars(drawing)
    assert float(bar.rect["height"]) == charts.HEIGHT - charts.TOP - charts.BOTTOM
    assert float(bar.rect["width"]) > 0


def test_long_periods_label_only_some_bars_so_labels_do_not_overlap():
    months = [
        Month(f"{day:%m/%Y}", 1) for day in (datetime.date(2021 + i // 12, i % 12 + 1, 1) for i in range(60))
    ]
    drawing = svg(chart(months))
    assert len(bars(drawing)) == 60
    assert len(drawing.find_all("text", class_="report-chart__label")) <= charts.MOST_LABELS


def test_progress_keeps_its_marks_inside_the_bar():
    drawing = charts.progress(140, threshold=70, expected=-5)
    assert (drawing.fill, drawing.threshold, drawing.expected) == (100, 70, 0)
    assert charts.progress(None).fill == 0


def test_progress_marks_the_expected_share_only_while_it_is_short_of_the_target():
    assert charts.progress(20, threshold=70, expected=56).expected == 56
    # Once the deadline has passed the selectors give the threshold itself.
    assert charts.progress(20, threshold=70, expected=70).expected is None


def test_progress_bar_is_hidden_from_screen_readers_and_coloured_by_status():
    drawing = svg(charts.progress_bar(20, status="behind", threshold=70, expected=56))
    assert drawing["aria-hidden"] == "true"
    assert "report-progress--behind" in drawing["class"]
    assert drawing.find("rect", class_="report-progress__fill")["width"] == "20"
    assert drawing.find("line", class_="report-progress__threshold")["x1"] == "70"
    assert drawing.find("line", class_="report-progress__expected")["x1"] == "56"


def test_progress_bar_without_target_draws_no_markers():
    drawing = svg(charts.progress_bar(None, status="not_applicable"))
    assert drawing.find("rect", class_="report-progress__fill")["width"] == "0"
    assert drawing.find("line") is None


def test_progress_bar_escapes_its_status():
    markup = str(charts.progress_bar(10, status='"><script>alert(1)</script>'))
    assert "<script>" not in markup


def test_axis_labels_may_be_shorter_than_the_bars_titles_and_are_escaped_too():
    points = [Month("01/2025", 1), Month("02/2025", 2)]
    drawing = svg(chart(points, axis_label_of=lambda point: f"<b>{point.label[:2]}</b>"))
    assert [text.string for text in drawing.find_all("text", class_="report-chart__label")] == [
        "<b>01</b>",
        "<b>02</b>",
    ]
    assert [bar.title.string for bar in bars(drawing)] == ["01/2025: 1", "02/2025: 2"]
    assert drawing.find("b") is None
