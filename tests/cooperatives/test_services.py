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


# --- Cooperatives -------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from django.contrib.auth.models import Group  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from oscar.test.factories import create_order, create_product, create_stockrecord  # noqa: E402

from cooperatives import selectors, services  # noqa: E402
from cooperatives.models import Cooperative, LinkageModel, RawMaterialArea  # noqa: E402
from marketplace import roles  # noqa: E402
from tests.factories import UserFactory, administrative_tree, approved_cooperative  # noqa: E402


@pytest.fixture
def units():
    return administrative_tree()


def applied(units, applicant=None, **fields):
    return Cooperative.objects.create(
        legal_name=fields.pop("legal_name", "Hợp tác xã Sơn Trà"), slug=fields.pop("slug", "htx-son-tra"),
        registration_number=fields.pop("registration_number", "5201-000123"), commune=units["02254"],
        address="Thôn Hồng Ba", phone="0912345678", email="sontra@htx.example", representative="Lý Văn Hùng",
        applicant=applicant or UserFactory(), **fields,
    )  # fmt: skip


def test_approval_creates_one_partner_and_makes_the_applicant_its_staff(
    units, django_capture_on_commit_callbacks, mailoutbox
):
    cooperative = applied(units)
    officer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.cooperative_approve(cooperative=cooperative, approved_by=officer)
        services.cooperative_approve(cooperative=cooperative, approved_by=officer)
    cooperative.refresh_from_db()
    assert cooperative.status == "approved"
    assert (cooperative.approved_by, cooperative.partner.name) == (officer, "Hợp tác xã Sơn Trà")
    assert list(cooperative.partner.users.all()) == [cooperative.applicant]
    assert cooperative.applicant.groups.filter(name=roles.COOPERATIVE_STAFF).exists()
    assert not cooperative.applicant.is_staff
    assert len(mailoutbox) == 1  # one decision e-mail, however often it is approved
    assert selectors.cooperative_of_user(user=cooperative.applicant) == cooperative


def test_rejection_needs_a_reason_and_only_applies_to_waiting_applications(units):
    cooperative = applied(units)
    with pytest.raises(ValidationError):
        services.cooperative_reject(cooperative=cooperative, rejected_by=None, reason="  ")
    services.cooperative_reject(cooperative=cooperative, rejected_by=None, reason="Thiếu giấy đăng ký")
    cooperative.refresh_from_db()
    assert (cooperative.status, cooperative.rejection_reason) == ("rejected", "Thiếu giấy đăng ký")
    assert cooperative.partner is None
    with pytest.raises(ValidationError):
        services.cooperative_approve(cooperative=cooperative, approved_by=None)
    with pytest.raises(ValidationError):
        services.cooperative_reject(cooperative=cooperative, rejected_by=None, reason="again")


def test_suspension_takes_the_dashboard_away_and_approval_gives_it_back(
    units, django_capture_on_commit_callbacks, mailoutbox
):
    cooperative = approved_cooperative(legal_name="HTX A", commune=units["02254"])
    staff = cooperative.partner.users.get()
    with pytest.raises(ValidationError):
        services.cooperative_suspend(cooperative=cooperative, suspended_by=None, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.cooperative_suspend(cooperative=cooperative, suspended_by=None, reason="Kiểm tra chất lượng")
    assert "Kiểm tra chất lượng" in mailoutbox[-1].body
    assert not staff.groups.filter(name=roles.COOPERATIVE_STAFF).exists()
    assert selectors.cooperative_of_user(user=staff) is None
    services.cooperative_approve(cooperative=cooperative, approved_by=None)
    assert staff.groups.filter(name=roles.COOPERATIVE_STAFF).exists()
    assert Cooperative.objects.get(pk=cooperative.pk).partner == cooperative.partner


def test_apply_saves_everything_or_nothing(units):
    Group.objects.get(name=roles.BUYER)
    account = services.ApplicantAccount(email="new@htx.example", password="a-Strong-passw0rd")
    details = {
        "legal_name": "Hợp tác xã Mới", "registration_number": "5201-999", "commune": units["02254"],
        "address": "Thôn 1", "phone": "0912345678", "email": "new@htx.example", "representative": "A",
        "description": "<script>x()</script><p>Mô tả</p>",
    }  # fmt: skip
    cooperative = services.cooperative_apply(account=account, details=details)
    assert cooperative.status == "applied"
    assert cooperative.description == "<p>Mô tả</p>"
    assert cooperative.slug == "hop-tac-xa-moi"
    # Same registration number: refused, and no second user is left behind.
    User = cooperative.applicant.__class__
    users = User.objects.count()
    with pytest.raises(ValidationError) as error:
        services.cooperative_apply(
            account=services.ApplicantAccount(email="other@htx.example", password="a-Strong-passw0rd"),
            details={**details, "email": "other@htx.example"},
        )
    assert "registration_number" in error.value.message_dict
    assert User.objects.count() == users


@pytest.mark.parametrize("name", ["Apply", "Review"])
def test_profile_slugs_never_shadow_the_directory_s_own_pages(units, name):
    assert services._unique_slug(name) not in services.RESERVED_SLUGS


def test_digital_evidence_comes_from_listings_and_online_sales(units):
    cooperative = approved_cooperative(legal_name="HTX Chè", commune=units["02254"])
    linkage_model = LinkageModel.objects.create(
        enterprise_name="Công ty", product_description="Chè", signed_on="2024-01-01",
        declared_digital_tools=["farm_diary"],
    )  # fmt: skip
    linkage_model.cooperatives.add(cooperative)
    evidence = selectors.linkage_model_digital_evidence(linkage_model=linkage_model)
    assert evidence == {"listed_online": False, "sold_online": False, "declared_tools": ["farm_diary"]}

    product = create_product(title="Chè Shan tuyết")
    create_stockrecord(product, price=Decimal(150000), num_in_stock=5, partner_name=cooperative.partner.name)
    assert selectors.linkage_model_digital_evidence(linkage_model=linkage_model)["listed_online"] is True

    from oscar.apps.partner.strategy import Default
    from oscar.core.loading import get_model

    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = Default()
    basket.add_product(product)
    create_order(basket=basket)
    assert selectors.linkage_model_digital_evidence(linkage_model=linkage_model)["sold_online"] is True


def test_linkage_models_take_only_their_cooperatives_areas(units):
    a = approved_cooperative(legal_name="HTX A", commune=units["02254"])
    b = approved_cooperative(legal_name="HTX B", commune=units["02395"])
    area_b = RawMaterialArea.objects.create(
        cooperative=b, name="Vườn", commune=units["02395"], area_hectares=1, main_crop="Cam"
    )
    linkage_model = LinkageModel(enterprise_name="X", product_description="Y", signed_on="2024-01-01")
    with pytest.raises(ValidationError):
        services.linkage_model_save(
            linkage_model=linkage_model, cooperatives=[a], raw_material_areas=[area_b]
        )
    with pytest.raises(ValidationError):
        services.linkage_model_save(linkage_model=linkage_model, cooperatives=[], raw_material_areas=[])
    assert not LinkageModel.objects.exists()


def test_active_linkage_models_exclude_expired_and_future_ones(units):
    import datetime

    on = datetime.date(2025, 6, 1)
    make = LinkageModel.objects.create
    current = make(
        enterprise_name="a", product_description="a", signed_on="2024-01-01", expires_on="2026-01-01"
    )
    open_ended = make(enterprise_name="b", product_description="b", signed_on="2024-01-01")
    make(enterprise_name="c", product_description="c", signed_on="2023-01-01", expires_on="2025-05-31")
    make(enterprise_name="d", product_description="d", signed_on="2025-06-02")
    assert set(LinkageModel.objects.active(on)) == {current, open_ended}


def test_units_below_a_province_are_found_at_any_depth(units):
    below = set(units["province"].descendant_ids())
    assert below == {u.pk for key, u in units.items() if key != "province"}
    assert units["072"].descendant_ids(include_self=True)[0] == units["072"].pk
