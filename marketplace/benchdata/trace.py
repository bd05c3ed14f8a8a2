"""Lots of the bench products and their trace logs.

Each product has lots of harvests over the last two years: the newest is on
sale (the product page links its trace page), older ones are sold out or
still on sale while fresh. Each lot's log is a chain of events whose hashes
are computed as ``catalog.services.trace_event_append`` would store them, so
every trace page verifies.
"""

import datetime
import random

from .base import BATCH_SIZE, NUMBER_PREFIX, next_id, rows_write, sequences_reset, spread

# A lot's life, in the order its events are logged; a longer log goes round again.
STEPS = (
    ("planting", "Xuống giống, làm đất theo quy trình của hợp tác xã.", ""),
    ("care", "Bón phân, làm cỏ.", "Phân hữu cơ vi sinh"),
    ("care", "Kiểm tra sâu bệnh, phun chế phẩm sinh học.", "Chế phẩm vi sinh Trichoderma"),
    ("harvest", "Thu hoạch, phân loại tại vườn.", ""),
    ("processing", "Sơ chế, làm sạch.", ""),
    ("packing", "Đóng gói, dán tem truy xuất.", ""),
    ("inspection", "Kiểm tra chất lượng trước khi bán.", ""),
    ("shipping", "Chuyển đến kho của hợp tác xã.", ""),
)
# Care events say how long before harvest spraying must stop.
PRE_HARVEST_DAYS = 14
# Lots are harvested over these many days before today; the newest, on
# sale, within the last few months.
OLDEST_LOT_DAYS, NEWEST_LOT_DAYS = 700, 150
# An older lot stays on sale only while two months of its shelf life are left.
FRESH_ENOUGH = datetime.timedelta(days=60)


def lots_insert(*, count, events, products, rng: random.Random, now, progress) -> None:
    """``count`` lots shared out over the products and ``events`` trace
    events over the lots; each product's ``available`` is set to what its
    open lots hold."""
    from catalog.models import Lot, TraceEvent

    today = now.date()
    lot_id, event_id = next_id(Lot), next_id(TraceEvent)
    lot_rows, event_rows = [], []
    event_counts = iter(spread(events, count))
    index = 0
    for product, lot_count in zip(products, spread(count, len(products)), strict=True):
        cooperative = product.owner.cooperative
        # The newest first: it is the one on sale.
        produced = sorted(
            [today - datetime.timedelta(days=rng.randint(5, NEWEST_LOT_DAYS))]
            + [
                today - datetime.timedelta(days=rng.randint(NEWEST_LOT_DAYS, OLDEST_LOT_DAYS))
                for _ in range(lot_count - 1)
            ],
            reverse=True,
        )
        for position, produced_on in enumerate(produced):
            quantity = rng.randint(20, 500)
            best_before = produced_on + datetime.timedelta(days=product.shelf_life_days)
            on_sale = position == 0 or (best_before - FRESH_ENOUGH >= today and rng.random() < 0.5)
            # A lot on sale has sold up to half of what it held; the others, all.
            available = rng.randint(quantity // 2, quantity) if on_sale else 0
            if on_sale:
                product.available += available
            lot = Lot(
                id=lot_id,
                code=f"{NUMBER_PREFIX}{index:07d}",
                product_id=product.id,
                cooperative=cooperative,
                raw_material_area=product.raw_material_area,
                produced_on=produced_on,
                best_before=best_before,
                quantity=quantity,
                quantity_available=available,
                unit="hộp",
                status=Lot.Status.OPEN if on_sale else Lot.Status.CLOSED,
                created_at=datetime.datetime.combine(produced_on, datetime.time(2), tzinfo=datetime.UTC),
            )
            lot_rows.append(
                {
                    "id": lot.id,
                    "code": lot.code,
                    "product_id": lot.product_id,
                    "cooperative_id": cooperative.pk,
                    "raw_material_area_id": product.raw_material_area.pk
                    if product.raw_material_area
                    else None,
                    "produced_on": lot.produced_on,
                    "best_before": lot.best_before,
                    "quantity": lot.quantity,
                    "quantity_available": lot.quantity_available,
                    "unit": lot.unit,
                    "status": lot.status,
                    "recall_reason": "",
                    "recalled_at": None,
                    "recalled_by_id": None,
                    "created_at": lot.created_at,
                }
            )
            log = _log(lot, next(event_counts), event_id, place=_place(product), actor=cooperative)
            event_rows += log
            event_id += len(log)
            lot_id += 1
            index += 1
            if len(event_rows) >= BATCH_SIZE:
                rows_write(Lot, lot_rows)
                rows_write(TraceEvent, event_rows)
                progress(len(lot_rows) + len(event_rows))
                lot_rows, event_rows = [], []
    rows_write(Lot, lot_rows)
    rows_write(TraceEvent, event_rows)
    progress(len(lot_rows) + len(event_rows))
    sequences_reset(Lot, TraceEvent)


def _place(product) -> str:
    area = product.raw_material_area
    return area.name if area is not None else product.owner.cooperative.commune.name


def _log(lot, count: int, first_id: int, *, place: str, actor) -> list[dict]:
    """The lot's ``count`` events, a day apart, the last on the day it was
    produced, each chained to the one before."""
    from catalog.models import TraceEvent

    start = datetime.datetime.combine(lot.produced_on, datetime.time(1), tzinfo=datetime.UTC)
    start -= datetime.timedelta(days=count - 1)
    rows, previous_hash = [], ""
    for sequence in range(1, count + 1):
        kind, note, input_product = STEPS[(sequence - 1) % len(STEPS)]
        occurred_at = start + datetime.timedelta(days=sequence - 1)
        event = TraceEvent(
            lot=lot,
            sequence=sequence,
            kind=kind,
            occurred_at=occurred_at,
            place=place[:200],
            actor=actor.legal_name[:200],
            note=note,
            input_product=input_product,
            pre_harvest_interval_days=PRE_HARVEST_DAYS if input_product else None,
            # Logged by the cooperative's staff within the hour.
            recorded_at=occurred_at + datetime.timedelta(minutes=40),
            previous_hash=previous_hash,
        )
        # The hash trace_event_append would store: the chain verifies.
        event.hash = event.compute_hash()
        previous_hash = event.hash
        rows.append(
            {
                "id": first_id + sequence - 1,
                "lot_id": lot.id,
                "sequence": sequence,
                "kind": kind,
                "occurred_at": occurred_at,
                "place": event.place,
                "actor": event.actor,
                "note": note,
                "input_product": input_product,
                "pre_harvest_interval_days": event.pre_harvest_interval_days,
                "photo": "",
                "recorded_at": event.recorded_at,
                "previous_hash": event.previous_hash,
                "hash": event.hash,
            }
        )
    return rows
