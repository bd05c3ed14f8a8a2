import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import translation

from reports.periods import CUSTOM, MONTH, QUARTER, YEAR, InvalidPeriod, Period

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2025, 6, 15)


def day(*parts) -> datetime.date:
    return datetime.date(*parts)


# --- Slugs, labels and round trips ---------------------------------------------


@pytest.mark.parametrize(
    "period, slug, label, kind",
    [
        (Period.year(2025), "2025", "Year 2025", YEAR),
        (Period.quarter(2025, 1), "2025-Q1", "Quarter 1/2025", QUARTER),
        (Period.quarter(2024, 4), "2024-Q4", "Quarter 4/2024", QUARTER),
        (Period.month(2025, 3), "2025-03", "Month 3/2025", MONTH),
        (Period.month(2024, 12), "2024-12", "Month 12/2024", MONTH),
        (
            Period.custom(day(2025, 1, 1), day(2025, 3, 15)),
            "2025-01-01..2025-03-15",
            "01/01/2025 – 15/03/2025",
            CUSTOM,
        ),
    ],
)
def test_a_period_reads_back_from_its_slug_and_has_a_label(period, slug, label, kind):
    assert period.kind == kind
    assert period.slug == slug
    assert Period.parse(slug) == period
    with translation.override("en"):
        assert period.label == label


def test_periods_cover_whole_days_from_their_first_to_their_last():
    assert Period.year(2025) == Period(YEAR, day(2025, 1, 1), day(2025, 12, 31))
    assert (Period.quarter(2025, 1).start, Period.quarter(2025, 1).end) == (day(2025, 1, 1), day(2025, 3, 31))
    assert (Period.quarter(2025, 2).start, Period.quarter(2025, 2).end) == (day(2025, 4, 1), day(2025, 6, 30))
    assert Period.quarter(2025, 4).end == day(2025, 12, 31)
    # February in a leap year and in another.
    assert Period.month(2024, 2).end == day(2024, 2, 29)
    assert Period.month(2025, 2).end == day(2025, 2, 28)
    assert Period.parse("2025-02").end == day(2025, 2, 28)


def test_a_one_day_custom_period_is_a_period():
    one = Period.custom(day(2025, 5, 5), day(2025, 5, 5))
    assert Period.parse(one.slug) == one
    assert one.months() == [Period.month(2025, 5)]


def test_spaces_around_a_slug_are_ignored():
    assert Period.parse("  2025-Q3\n") == Period.quarter(2025, 3)


# --- Bounds in the province's time zone ----------------------------------------


def test_bounds_are_local_midnights_of_the_first_day_and_the_day_after_the_last():
    start, after = Period.month(2025, 3).bounds()
    assert start == datetime.datetime(2025, 3, 1, tzinfo=ZONE)
    assert after == datetime.datetime(2025, 4, 1, tzinfo=ZONE)
    # Seven hours ahead of UTC: the month starts the evening before in UTC.
    assert start == datetime.datetime(2025, 2, 28, 17, tzinfo=datetime.UTC)

    start, after = Period.year(2024).bounds()
    late_on_new_year_s_eve = datetime.datetime(2024, 12, 31, 23, 30, tzinfo=ZONE)
    assert start <= late_on_new_year_s_eve < after
    assert not Period.year(2025).bounds()[0] <= late_on_new_year_s_eve


def test_as_of_is_the_last_day_or_today_while_the_period_runs():
    assert Period.year(2025).as_of(day(2026, 2, 1)) == day(2025, 12, 31)
    assert Period.year(2025).as_of(day(2025, 6, 15)) == day(2025, 6, 15)
    assert Period.month(2025, 6).as_of(day(2025, 6, 30)) == day(2025, 6, 30)


# --- Months and the period before ----------------------------------------------


def test_months_lists_every_month_the_period_touches():
    assert Period.year(2025).months() == [Period.month(2025, m) for m in range(1, 13)]
    assert Period.quarter(2025, 4).months() == [Period.month(2025, m) for m in (10, 11, 12)]
    assert Period.month(2025, 6).months() == [Period.month(2025, 6)]
    across_new_year = Period.custom(day(2024, 11, 15), day(2025, 2, 1))
    assert [m.slug for m in across_new_year.months()] == ["2024-11", "2024-12", "2025-01", "2025-02"]


@pytest.mark.parametrize(
    "period, previous",
    [
        (Period.year(2025), Period.year(2024)),
        (Period.quarter(2025, 1), Period.quarter(2024, 4)),
        (Period.quarter(2025, 3), Period.quarter(2025, 2)),
        (Period.month(2025, 1), Period.month(2024, 12)),
        (Period.month(2024, 3), Period.month(2024, 2)),
        # As long, ending the day before.
        (
            Period.custom(day(2025, 1, 10), day(2025, 1, 19)),
            Period.custom(day(2024, 12, 31), day(2025, 1, 9)),
        ),
    ],
)
def test_previous_is_the_period_of_the_same_kind_just_before(period, previous):
    assert period.previous() == previous
    assert period.previous().end == period.start - datetime.timedelta(days=1)


# --- From a page's query ---------------------------------------------------------


def test_without_a_period_the_query_means_this_year():
    assert Period.from_query(QueryDict(""), today=TODAY) == Period.year(2025)
    assert Period.from_query(QueryDict("period=+"), today=TODAY) == Period.year(2025)
    assert Period.from_query({}, today=day(2026, 1, 1)) == Period.year(2026)


def test_the_query_names_a_year_a_quarter_a_month_or_two_dates():
    def read(query):
        return Period.from_query(QueryDict(query), today=TODAY)

    assert read("period=2024") == Period.year(2024)
    assert read("period=2025-Q2") == Period.quarter(2025, 2)
    assert read("period=2025-03") == Period.month(2025, 3)
    assert read("period=2025-01-01..2025-02-10") == Period.custom(day(2025, 1, 1), day(2025, 2, 10))
    assert read("from=2025-01-01&to=2025-03-15") == Period.custom(day(2025, 1, 1), day(2025, 3, 15))
    # Dates win over a period; a missing end is today.
    assert read("period=2024&from=2025-02-01&to=2025-02-28") == Period.custom(
        day(2025, 2, 1), day(2025, 2, 28)
    )
    assert read("from=2025-02-01") == Period.custom(day(2025, 2, 1), TODAY)


def test_an_end_date_alone_is_a_period_ending_that_day():
    # The start defaults to the earliest day reports know of, but that is
    # ten years before 2025, longer than any period may be: the page must
    # still answer an end date alone with a period, not a refusal.
    period = Period.from_query(QueryDict("to=2025-03-15"), today=TODAY)
    assert period.end == day(2025, 3, 15)
    assert period.start <= period.end


@pytest.mark.parametrize(
    "query",
    [
        {"period": "2025-13"},
        {"period": "2025-00"},
        {"period": "2025-Q5"},
        {"period": "2025-Q0"},
        {"period": "abc"},
        {"period": "\x00"},
        {"period": "2025\x00"},
        {"period": "20250"},
        {"period": "99999999999999999999"},
        {"period": "2025' OR 1=1 --"},
        {"period": "1900"},
        {"period": "0000"},
        {"period": "2101-01"},
        {"period": "2025-01-01.."},
        {"period": "..2025-01-01"},
        {"from": "2025-03-01", "to": "2025-02-01"},
        {"period": "2025-03-01..2025-02-01"},
        {"from": "2019-01-01", "to": "2025-01-01"},
        {"from": "1900-01-01", "to": "1900-02-01"},
        {"from": "abc"},
        {"from": "2025-01-01", "to": "\x00"},
        {"from": "2025-02-30", "to": "2025-03-01"},
    ],
)
def test_a_period_that_does_not_exist_is_refused_with_a_message(query):
    with pytest.raises(InvalidPeriod) as refused:
        Period.from_query(query, today=TODAY)
    assert str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_the_messages_say_what_is_wrong():
    def message(**query):
        with translation.override("en"), pytest.raises(InvalidPeriod) as refused:
            Period.from_query(query, today=TODAY)
        return str(refused.value)

    assert message(period="2025-13") == "There is no month 13."
    assert message(period="abc") == "Choose a month, a quarter, a year or two dates."
    assert message(period="1900") == "Choose a year from 2015 to 2100."
    assert message(**{"from": "2025-03-01", "to": "2025-02-01"}) == "The period cannot end before it starts."
    assert message(**{"from": "2019-01-01", "to": "2025-01-01"}) == "A period can be at most five years long."
    assert message(**{"from": "garbage"}) == "“garbage” is not a date (YYYY-MM-DD)."
    # A long hostile value is cut in the message.
    assert len(message(**{"from": "x" * 10_000})) < 60


def test_five_years_is_the_longest_custom_period():
    five_years = Period.custom(day(2021, 1, 1), day(2025, 12, 31))
    assert len(five_years.months()) == 60
    with pytest.raises(InvalidPeriod):
        Period.custom(day(2020, 1, 1), day(2025, 12, 31))
