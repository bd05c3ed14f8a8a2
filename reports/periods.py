"""Reporting periods: a month, a quarter, a year or any run of days."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


class InvalidPeriod(ValueError):
    """A period the user asked for that does not exist; its text says why."""


MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)

# Reports start with the plan; nothing was sold on the platform before.
EARLIEST = datetime.date(2015, 1, 1)
LONGEST_CUSTOM = datetime.timedelta(days=366 * 5)

_SLUG = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$", re.ASCII)


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included, in the province's
    time zone."""

    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(
            MONTH,
            datetime.date(year, month, 1),
            datetime.date(year, month, calendar.monthrange(year, month)[1]),
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls(QUARTER, datetime.date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def custom(cls, start: datetime.date, end: datetime.date) -> "Period":
        if end < start:
            raise InvalidPeriod(_("The period cannot end before it starts."))
        if end - start > LONGEST_CUSTOM:
            raise InvalidPeriod(_("A period can be at most five years long."))
        return cls(CUSTOM, start, end)

    @classmethod
    def parse(cls, slug: str) -> "Period":
        """``2025``, ``2025-Q1``, ``2025-03`` or ``2025-01-01..2025-03-15``."""
        slug = (slug or "").strip()
        if ".." in slug:
            first, _sep, last = slug.partition("..")
            return cls.custom(_date(first), _date(last))
        match = _SLUG.match(slug)
        if not match:
            raise InvalidPeriod(_("Choose a month, a quarter, a year or two dates."))
        year = _year(match["year"])
        if match["quarter"]:
            return cls.quarter(year, int(match["quarter"]))
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise InvalidPeriod(_("There is no month %(month)s.") % {"month": match["month"]})
            return cls.month(year, month)
        return cls.year(year)

    @classmethod
    def from_query(cls, params, *, today: datetime.date | None = None) -> "Period":
        """The period a report page's query asks for: ``period`` as in
        :meth:`parse`, or ``from`` and ``to`` dates; this year without either."""
        today = today or timezone.localdate()
        start, end = params.get("from", "").strip(), params.get("to", "").strip()
        if start or end:
            last = _date(end) if end else today
            # Without a start, the period runs from the first of January.
            return cls.custom(_date(start) if start else last.replace(month=1, day=1), last)
        slug = params.get("period", "").strip()
        return cls.parse(slug) if slug else cls.year(today.year)

    @property
    def slug(self) -> str:
        if self.kind == YEAR:
            return f"{self.start.year}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == YEAR:
            return _("Year %(year)s") % {"year": self.start.year}
        if self.kind == QUARTER:
            return _("Quarter %(quarter)s/%(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == MONTH:
            return _("Month %(month)s/%(year)s") % {"month": self.start.month, "year": self.start.year}
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def as_of(self, today: datetime.date | None = None) -> datetime.date:
        """The day the period's standing is read on: its last day, or today
        while it is still running."""
        return min(self.end, today or timezone.localdate())

    def bounds(self, today: datetime.date | None = None) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes, for filtering moments."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return first, after

    def months(self) -> list["Period"]:
        """Every month the period touches, in order."""
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(Period.month(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def previous(self) -> "Period":
        if self.kind == YEAR:
            return Period.year(self.start.year - 1)
        if self.kind == QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return (
                Period.quarter(self.start.year - 1, 4)
                if quarter == 1
                else Period.quarter(self.start.year, quarter - 1)
            )
        if self.kind == MONTH:
            day = self.start - datetime.timedelta(days=1)
            return Period.month(day.year, day.month)
        length = self.end - self.start
        return Period.custom(
            self.start - length - datetime.timedelta(days=1), self.start - datetime.timedelta(days=1)
        )


def _year(text: str) -> int:
    year = int(text)
    if not EARLIEST.year <= year <= 2100:
        raise InvalidPeriod(_("Choose a year from %(first)s to 2100.") % {"first": EARLIEST.year})
    return year


def _date(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        shown = "".join(char for char in text[:20] if char.isprintable())
        raise InvalidPeriod(_("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": shown}) from None
    _year(str(day.year))
    return day
