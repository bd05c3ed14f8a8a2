"""Changes to cooperatives' data. Views, tasks and commands call these."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from .administrative_data import UnitRecord
from .models import AdministrativeUnit

_UNIT_FIELDS = ("name", "short_name", "name_en", "unit_type", "level", "valid_from", "valid_until", "note")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def administrative_units_load(
    *,
    records: Iterable[UnitRecord],
    edition: str,
    predecessor_edition: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Create or update the units of one edition from ``records`` (parents
    first). Running it again with the same records changes nothing. Units are
    linked to the ones they were formed from when those are in
    ``predecessor_edition``. All or nothing: a failure leaves the database as
    it was."""
    result = LoadResult()
    with transaction.atomic():
        existing = {unit.code: unit for unit in AdministrativeUnit.objects.filter(edition=edition)}
        loaded: dict[str, AdministrativeUnit] = {}
        for record in records:
            parent = loaded.get(record.parent_code) if record.parent_code else None
            if record.parent_code and parent is None:
                parent = existing.get(record.parent_code)
            values = {name: getattr(record, name) for name in _UNIT_FIELDS}
            unit = existing.get(record.code)
            if unit is None:
                unit = AdministrativeUnit(edition=edition, code=record.code, parent=parent, **values)
                unit.full_clean()
                unit.save()
                result.created += 1
            elif unit.parent_id != (parent.pk if parent else None) or any(
                getattr(unit, name) != value for name, value in values.items()
            ):
                for name, value in values.items():
                    setattr(unit, name, value)
                unit.parent = parent
                unit.full_clean()
                unit.save()
                result.updated += 1
            else:
                result.unchanged += 1
            loaded[record.code] = unit
            if on_progress:
                on_progress(1)

        if predecessor_edition:
            older = {
                unit.code: unit for unit in AdministrativeUnit.objects.filter(edition=predecessor_edition)
            }
            for record in records:
                wanted = {older[code].pk for code in record.predecessor_codes if code in older}
                unit = loaded[record.code]
                if wanted != set(unit.predecessors.values_list("pk", flat=True)):
                    unit.predecessors.set(wanted)
    return result
