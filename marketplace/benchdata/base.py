"""What marks the bench rows, how many of them a scale makes, and how the
large tables are written.

Every row the bench makes carries a mark (a code, number, slug or name
prefix), so a later run finds them again and tells them from anyone else's
data: ``BENCH-`` in upper case where the field is a number or a code printed
for people (registration numbers, lot codes, order numbers), ``bench-`` in
lower case in slugs and codes of the shop (products, partners, pages, buyers).
"""

import datetime
import random
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

NUMBER_PREFIX = "BENCH-"
SLUG_PREFIX = "bench-"

# The province's expected size (issue 9), at scale 1.
FULL_SCALE = {
    "cooperatives": 300,
    "products": 10_000,
    "lots": 20_000,
    "trace_events": 200_000,
    "destinations": 200,
    "buyers": 20_000,
    "orders": 200_000,
    "lines": 600_000,
    "linkage_models": 60,
    "pilots": 14,
}
# An order holds at most five lines of one cooperative, each a different
# product: every cooperative lists at least this many, at any scale.
MIN_PRODUCTS_PER_COOPERATIVE = 5
MAX_LINES_PER_ORDER = 5

# Rows per INSERT, COPY round or batch held in memory: a few thousand keep
# round trips few and memory flat (600,000 lines as dicts would take a
# gigabyte).
BATCH_SIZE = 5000

# progress(total=…, desc=…, unit=…) gives a tqdm-like bar: a context manager
# with update(n).
Progress = Callable[..., object]


def counts_for(scale: float) -> dict[str, int]:
    """How many rows of each kind ``scale`` makes: every count of the full
    scale multiplied, at least one, and at least what the others need (a lot
    per product, an event per lot, one to five lines per order)."""
    if not scale > 0:
        raise ValueError("The scale must be a positive number.")
    counts = {name: max(1, round(full * scale)) for name, full in FULL_SCALE.items()}
    counts["products"] = max(counts["products"], MIN_PRODUCTS_PER_COOPERATIVE * counts["cooperatives"])
    counts["lots"] = max(counts["lots"], counts["products"])
    counts["trace_events"] = max(counts["trace_events"], counts["lots"])
    counts["lines"] = min(max(counts["lines"], counts["orders"]), MAX_LINES_PER_ORDER * counts["orders"])
    return counts


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def spread(total: int, over: int) -> list[int]:
    """``total`` items shared out as evenly as possible over ``over`` owners."""
    share, extra = divmod(total, over)
    return [share + (1 if index < extra else 0) for index in range(over)]


def moment(rng: random.Random, first: datetime.datetime, last: datetime.datetime) -> datetime.datetime:
    """A time between ``first`` and ``last``, to the second."""
    seconds = max(0, int((last - first).total_seconds()))
    return first + datetime.timedelta(seconds=rng.randint(0, seconds))


def next_id(model) -> int:
    """The first id after the table's last: rows written with ``rows_write``
    carry their ids, so rows pointing at them can be written in the same
    round."""
    return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def rows_write(model, rows: list[dict]) -> None:
    """Insert ``rows`` (column → value, ids included) into ``model``'s table:
    COPY on PostgreSQL, one executemany elsewhere. Nothing of the model runs
    (no save(), no signals), and ``auto_now_add`` columns keep the times
    given: a bench order placed a year ago says so. Call
    ``sequences_reset`` once the ids are written."""
    if not rows:
        return
    columns = list(rows[0])
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if is_postgresql():
            from psycopg import sql

            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[column] for column in columns])
            return
        # Values as Django writes them to this database (times in UTC
        # without a zone on SQLite, decimals as text…).
        fields = [model._meta.get_field(column) for column in columns]
        quote = connection.ops.quote_name
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            [
                [
                    field.get_db_prep_save(row[column], connection)
                    for field, column in zip(fields, columns, strict=True)
                ]
                for row in rows
            ],
        )


def sequences_reset(*models) -> None:
    """Id sequences past the ids ``rows_write`` wrote, so later inserts (a
    buyer's order at checkout) get new ones. SQLite needs nothing: its
    counter follows the largest id written."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
