import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cooperatives.administrative_data import UnitRecord, read_units_file
from cooperatives.models import AdministrativeUnit
from cooperatives.services import administrative_units_load
from marketplace.demo import DATA_DIR

pytestmark = pytest.mark.django_db


def tiny_tree(commune_name="Xã Hồng Thái"):
    return [
        UnitRecord(
            code="08",
            name="Tỉnh Tuyên Quang",
            short_name="Tuyên Quang",
            unit_type="Tỉnh",
            level="province",
            parent_code=None,
        ),
        UnitRecord(
            code="072",
            name="Huyện Na Hang",
            short_name="Na Hang",
            unit_type="Huyện",
            level="district",
            parent_code="08",
        ),
        UnitRecord(
            code="02254",
            name=commune_name,
            short_name="Hồng Thái",
            unit_type="Xã",
            level="commune",
            parent_code="072",
        ),
    ]


def test_units_are_created_as_a_tree():
    result = administrative_units_load(records=tiny_tree(), edition="e1")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    commune = AdministrativeUnit.objects.get(edition="e1", code="02254")
    assert commune.parent.code == "072"
    assert commune.parent.parent.code == "08"


def test_loading_again_changes_only_what_the_file_changed():
    administrative_units_load(records=tiny_tree(), edition="e1")
    again = administrative_units_load(records=tiny_tree(), edition="e1")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    renamed = administrative_units_load(records=tiny_tree("Xã Hồng Thái Mới"), edition="e1")
    assert (renamed.created, renamed.updated, renamed.unchanged) == (0, 1, 2)
    assert AdministrativeUnit.objects.get(edition="e1", code="02254").name == "Xã Hồng Thái Mới"


def test_the_same_code_may_mean_different_units_in_different_editions():
    administrative_units_load(records=tiny_tree(), edition="2025-03-01")
    administrative_units_load(records=tiny_tree("Xã Đà Vị"), edition="2025-07-01")
    names = dict(AdministrativeUnit.objects.filter(code="02254").values_list("edition", "name"))
    assert names == {"2025-03-01": "Xã Hồng Thái", "2025-07-01": "Xã Đà Vị"}


def test_a_failure_half_way_leaves_nothing_behind():
    records = tiny_tree()
    records.append(
        UnitRecord(
            code="X" * 20,
            name="Too long a code",
            short_name="X",
            unit_type="Xã",
            level="commune",
            parent_code="072",
        )
    )
    with pytest.raises(Exception, match="code"):
        administrative_units_load(records=records, edition="e1")
    assert not AdministrativeUnit.objects.exists()


def test_new_units_are_linked_to_the_units_they_were_formed_from():
    administrative_units_load(records=read_units_file(DATA_DIR / "tuyen_quang_units.json"), edition="old")
    administrative_units_load(
        records=read_units_file(DATA_DIR / "tuyen_quang_units_2025_two_level.json"),
        edition="new",
        predecessor_edition="old",
    )
    truong_sinh = AdministrativeUnit.objects.get(edition="new", code="02623")
    assert set(truong_sinh.predecessors.values_list("name", flat=True)) == {
        "Xã Đông Lợi",
        "Xã Hào Phú",
        "Xã Trường Sinh",
    }
    assert AdministrativeUnit.objects.get(edition="old", code="02602").successors.get() == truong_sinh


def test_command_loads_any_province_file(tmp_path, capsys):
    path = tmp_path / "units.json"
    path.write_text(
        json.dumps(
            [
                {
                    "Code": "01",
                    "Name": "Hà Nội",
                    "FullName": "Thành phố Hà Nội",
                    "District": [
                        {
                            "Code": "001",
                            "Name": "Ba Đình",
                            "FullName": "Quận Ba Đình",
                            "Ward": [{"Code": "00001", "Name": "Phúc Xá", "FullName": "Phường Phúc Xá"}],
                        }
                    ],
                },
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    call_command("load_administrative_units", str(path), edition="2025-03-01", province="01", verbosity=0)
    assert "3 created" in capsys.readouterr().out
    assert AdministrativeUnit.objects.get(code="00001").parent.name == "Quận Ba Đình"


def test_command_reports_a_bad_file_without_a_traceback(tmp_path):
    path = tmp_path / "units.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(CommandError, match="does not hold a list of units"):
        call_command("load_administrative_units", str(path), edition="x", verbosity=0)
