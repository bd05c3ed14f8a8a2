"""Reading administrative-unit files into plain records, parents first.

Two shapes are understood:

* flat lists of units, as in ``cooperatives/data/tuyen_quang_units*.json``:
  each unit names its province (and district, if any) by code;
* the nationwide nested files of vietnamese-provinces-database: provinces
  holding districts holding wards, or provinces holding wards directly.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"


class AdministrativeDataError(ValueError):
    """The file is not an administrative-unit file this loader understands."""


@dataclass
class UnitRecord:
    code: str
    name: str
    short_name: str
    unit_type: str
    level: str
    parent_code: str | None
    name_en: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    predecessor_codes: list[str] = field(default_factory=list)
    note: str = ""


_ISO_DATE = r"(\d{4}-\d{2}-\d{2})"


def _validity(status: str) -> tuple[datetime.date | None, datetime.date | None]:
    """Dates from the status sentences of the flat files ("valid until
    2025-06-30", "abolished 2025-07-01 …", "historical: existed 2021-2024-08-31")."""
    if match := re.search(r"valid until " + _ISO_DATE, status):
        return None, datetime.date.fromisoformat(match[1])
    if match := re.search(r"abolished " + _ISO_DATE, status):
        return None, datetime.date.fromisoformat(match[1]) - datetime.timedelta(days=1)
    if match := re.search(r"existed (\d{4})-" + _ISO_DATE, status):
        return datetime.date(int(match[1]), 1, 1), datetime.date.fromisoformat(match[2])
    return None, None


def _unit_type(full_name: str, short_name: str) -> str:
    if short_name and full_name.endswith(short_name):
        return full_name[: -len(short_name)].strip()
    return full_name.split(" ")[0]


def _from_flat(items: list[dict], province_code: str | None) -> list[UnitRecord]:
    records: dict[str, UnitRecord] = {}
    for item in items:
        try:
            code = str(item["code"])
            name = item["name"]
        except (KeyError, TypeError) as error:
            raise AdministrativeDataError(f"A unit has no code or name: {item!r}") from error
        unit_province = item.get("province_code")
        if province_code and unit_province and unit_province != province_code:
            continue
        level = item.get("level") or COMMUNE
        if level not in (PROVINCE, DISTRICT, COMMUNE):
            raise AdministrativeDataError(f"Unit {code} has an unknown level {level!r}")
        if level == PROVINCE:
            parent = None
        elif level == DISTRICT:
            parent = unit_province
        else:
            parent = item.get("district_code") or unit_province
        if level != PROVINCE and not parent:
            raise AdministrativeDataError(f"Unit {code} names no parent unit")
        # A file of communes only still needs its province as the root.
        if level != PROVINCE and unit_province and unit_province not in records:
            province_name = item.get("province_name") or unit_province
            records[unit_province] = UnitRecord(
                code=unit_province,
                name=province_name,
                short_name=re.sub(r"^(Tỉnh|Thành phố)\s+", "", province_name),
                unit_type=_unit_type(province_name, re.sub(r"^(Tỉnh|Thành phố)\s+", "", province_name)),
                level=PROVINCE,
                parent_code=None,
            )
        valid_from, valid_until = _validity(item.get("status") or "")
        short_name = item.get("short_name") or name
        predecessors = [str(p["code"]) for p in item.get("formed_from_old_tuyen_quang_units") or []]
        record = UnitRecord(
            code=code,
            name=name,
            short_name=short_name,
            unit_type=item.get("type") or _unit_type(name, short_name),
            level=level,
            parent_code=parent,
            name_en=item.get("name_en") or "",
            valid_from=valid_from,
            valid_until=valid_until,
            predecessor_codes=predecessors,
            note=item.get("note") or "",
        )
        if code in records and records[code].level == PROVINCE and level == PROVINCE:
            records[code] = record  # the province's own entry beats one made up above
        elif code in records:
            raise AdministrativeDataError(f"Unit code {code} appears twice")
        else:
            records[code] = record
    return list(records.values())


def _from_nested(provinces: list[dict], province_code: str | None) -> list[UnitRecord]:
    records = []

    def walk(node: dict, parent_code: str | None, depth: int):
        children = node.get("District") or node.get("Ward") or node.get("Wards") or []
        if depth == 0:
            level = PROVINCE
        elif children:
            level = DISTRICT
        else:
            level = COMMUNE
        name = node.get("FullName") or node["Name"]
        records.append(
            UnitRecord(
                code=str(node["Code"]),
                name=name,
                short_name=node["Name"],
                unit_type=_unit_type(name, node["Name"]),
                level=level,
                parent_code=parent_code,
                name_en=node.get("FullNameEn") or node.get("NameEn") or "",
            )
        )
        for child in children:
            walk(child, str(node["Code"]), depth + 1)

    try:
        for province in provinces:
            if province_code and str(province["Code"]) != province_code:
                continue
            walk(province, None, 0)
    except (KeyError, TypeError) as error:
        raise AdministrativeDataError(f"A unit lacks its Code or Name: {error}") from error
    return records


def read_units_file(path: Path | str, *, province_code: str | None = None) -> list[UnitRecord]:
    """The units in ``path`` (only those of ``province_code`` if given), each
    after its parent."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AdministrativeDataError(f"Cannot read {path}: {error}") from error
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise AdministrativeDataError(f"{path} does not hold a list of units")
    records = _from_nested(data, province_code) if "Code" in data[0] else _from_flat(data, province_code)
    if not records:
        raise AdministrativeDataError(f"{path} holds no unit of province {province_code}")
    return _parents_first(records)


def _parents_first(records: list[UnitRecord]) -> list[UnitRecord]:
    by_code = {record.code: record for record in records}
    ordered, placed = [], set()

    def place(record: UnitRecord, seen: tuple = ()):
        if record.code in placed:
            return
        if record.code in seen:
            raise AdministrativeDataError(f"Unit {record.code} is its own ancestor")
        if record.parent_code:
            parent = by_code.get(record.parent_code)
            if parent is None:
                raise AdministrativeDataError(
                    f"Unit {record.code} names parent {record.parent_code}, which is not in the file"
                )
            place(parent, seen + (record.code,))
        ordered.append(record)
        placed.add(record.code)

    for record in records:
        place(record)
    return ordered
