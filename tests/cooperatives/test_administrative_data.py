import datetime
import json

import pytest

from cooperatives.administrative_data import AdministrativeDataError, read_units_file
from marketplace.demo import DATA_DIR


def write(tmp_path, data, name="units.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_tuyen_quang_three_level_file():
    records = read_units_file(DATA_DIR / "tuyen_quang_units.json", province_code="08")
    by_code = {record.code: record for record in records}
    assert len(records) == 146
    assert records[0].code == "08" and records[0].level == "province"
    ham_yen = by_code["074"]
    assert (ham_yen.level, ham_yen.parent_code, ham_yen.unit_type) == ("district", "08", "Huyện")
    hong_thai = by_code["02254"]
    assert (hong_thai.name, hong_thai.parent_code, hong_thai.level) == ("Xã Hồng Thái", "072", "commune")
    assert hong_thai.valid_until == datetime.date(2025, 6, 30)
    # Vân Sơn merged into Hồng Sơn on 2024-09-01 and is kept as history.
    van_son = by_code["02593"]
    assert (van_son.valid_from, van_son.valid_until) == (
        datetime.date(2021, 1, 1),
        datetime.date(2024, 8, 31),
    )
    # Districts were abolished on 2025-07-01: valid until the day before.
    assert ham_yen.valid_until == datetime.date(2025, 6, 30)


def test_parents_always_come_before_their_children():
    records = read_units_file(DATA_DIR / "tuyen_quang_units.json")
    seen = set()
    for record in records:
        assert record.parent_code is None or record.parent_code in seen
        seen.add(record.code)


def test_two_level_file_hangs_communes_directly_under_the_province():
    records = read_units_file(DATA_DIR / "tuyen_quang_units_2025_two_level.json")
    province, communes = records[0], records[1:]
    assert (province.code, province.name, province.level) == ("08", "Tỉnh Tuyên Quang", "province")
    assert len(communes) == 124
    assert {record.parent_code for record in communes} == {"08"}
    truong_sinh = next(record for record in communes if record.code == "02623")
    assert truong_sinh.predecessor_codes == ["02602", "02623", "02632"]


def test_nationwide_nested_file_of_one_province(tmp_path):
    path = write(
        tmp_path,
        [
            {
                "Code": "01",
                "Name": "Hà Nội",
                "FullName": "Thành phố Hà Nội",
                "FullNameEn": "Ha Noi City",
                "District": [
                    {
                        "Code": "001",
                        "Name": "Ba Đình",
                        "FullName": "Quận Ba Đình",
                        "Ward": [{"Code": "00001", "Name": "Phúc Xá", "FullName": "Phường Phúc Xá"}],
                    }
                ],
            },
            {
                "Code": "08",
                "Name": "Tuyên Quang",
                "FullName": "Tỉnh Tuyên Quang",
                "Wards": [
                    {"Code": "02260", "Name": "Hồng Thái", "FullName": "Xã Hồng Thái"},
                ],
            },
        ],
    )
    hanoi = read_units_file(path, province_code="01")
    assert [(r.code, r.level, r.unit_type, r.parent_code) for r in hanoi] == [
        ("01", "province", "Thành phố", None),
        ("001", "district", "Quận", "01"),
        ("00001", "commune", "Phường", "001"),
    ]
    assert hanoi[0].name_en == "Ha Noi City"
    tuyen_quang = read_units_file(path, province_code="08")
    assert [(r.code, r.level, r.parent_code) for r in tuyen_quang] == [
        ("08", "province", None),
        ("02260", "commune", "08"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Cannot read"),
        ("{}", "does not hold a list"),
        ("[]", "does not hold a list"),
        ('[{"name": "Xã Không Mã"}]', "no code or name"),
        ('[{"code": "1", "name": "X", "level": "hamlet"}]', "unknown level"),
        ('[{"code": "1", "name": "X", "level": "commune", "district_code": "9"}]', "not in the file"),
        (
            '[{"code": "08", "name": "T", "level": "province"},'
            ' {"code": "08", "name": "T", "level": "province"},'
            ' {"code": "1", "name": "X", "level": "commune", "province_code": "08"},'
            ' {"code": "1", "name": "Y", "level": "commune", "province_code": "08"}]',
            "appears twice",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "units.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AdministrativeDataError, match=message):
        read_units_file(path)


def test_a_province_absent_from_the_file_is_an_error():
    with pytest.raises(AdministrativeDataError, match="no unit of province 99"):
        read_units_file(DATA_DIR / "tuyen_quang_units.json", province_code="99")


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(AdministrativeDataError, match="Cannot read"):
        read_units_file(tmp_path / "absent.json")
