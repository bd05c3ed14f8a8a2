import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from cooperatives import demo, selectors
from cooperatives.models import (
    AdministrativeUnit,
    Certification,
    Cooperative,
    LinkageModel,
    PilotProgramme,
    RawMaterialArea,
)
from marketplace.demo import demo_administrative_units_load, demo_users_ensure

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")


@pytest.fixture
def demo_data(django_capture_on_commit_callbacks, mailoutbox):
    demo_administrative_units_load()
    demo_users_ensure()
    with django_capture_on_commit_callbacks(execute=True):
        results = demo.demo_cooperatives_ensure()
    return results


def database_snapshot():
    """Every row the demo cooperatives write, ids and timestamps included."""
    return {
        "cooperatives": list(Cooperative.objects.order_by("pk").values()),
        "categories": sorted(Cooperative.product_categories.through.objects.values_list()),
        "areas": list(RawMaterialArea.objects.order_by("pk").values()),
        "certifications": list(Certification.objects.order_by("pk").values()),
        "linkage_models": list(LinkageModel.objects.order_by("pk").values()),
        "linkage_cooperatives": sorted(LinkageModel.cooperatives.through.objects.values_list()),
        "linkage_areas": sorted(LinkageModel.raw_material_areas.through.objects.values_list()),
        "pilots": list(PilotProgramme.objects.order_by("pk").values()),
        "partners": list(Partner.objects.order_by("pk").values("id", "code", "name", "users__username")),
        "staff": sorted(get_user_model().objects.values_list("username", "groups__name")),
    }


def test_every_district_of_the_plan_period_has_an_approved_cooperative(demo_data):
    districts = AdministrativeUnit.objects.filter(edition="2025-03-01", level="district")
    assert districts.count() == 7
    for district in districts:
        assert Cooperative.objects.approved().in_unit(district).exists(), district.name
    assert all(cooperative.is_approved for cooperative, _created in demo_data)
    assert all(created for _cooperative, created in demo_data)
    assert len(demo_data) == demo.demo_cooperatives_count()


def test_son_tra_uses_the_demo_partner_so_its_staff_user_works_for_it(demo_data):
    son_tra = Cooperative.objects.get(legal_name="Hợp tác xã Sơn Trà")
    assert son_tra.is_approved
    assert son_tra.commune.code == "02254"
    assert son_tra.commune.edition == "2025-03-01"
    assert son_tra.partner.code == "htx-son-tra"
    staff = get_user_model().objects.get(username="htx.sontra")
    assert list(son_tra.partner.users.all()) == [staff]
    assert selectors.cooperative_of_user(user=staff) == son_tra
    # Approving it gave the user no role it did not have.
    assert list(staff.groups.values_list("name", flat=True)) == ["Cooperative staff"]
    assert Partner.objects.filter(code="htx-son-tra").count() == 1


def test_running_it_twice_changes_nothing(demo_data, django_capture_on_commit_callbacks, mailoutbox):
    before = database_snapshot()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = demo.demo_cooperatives_ensure()
    assert database_snapshot() == before
    assert [created for _cooperative, created in again] == [False] * len(again)
    assert [cooperative.pk for cooperative, _created in again] == [c.pk for c, _created in demo_data]
    # No second round of approval e-mails.
    assert mailoutbox == []


def test_each_new_cooperative_is_told_of_its_approval_once(demo_data, mailoutbox):
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted(cooperative.email for cooperative, _created in demo_data)
    assert all(address.endswith("@choque.example") for address in recipients)


def test_demo_facts_are_marked_as_not_verified_and_sourced(demo_data):
    for cooperative, _created in demo_data:
        assert cooperative.registration_number.startswith("DEMO-08-")
        assert not cooperative.facts_verified
        assert "demo" in cooperative.description
        # Descriptions are stored sanitised, like any other.
        assert "<script" not in cooperative.description
    by_name = {cooperative.legal_name: cooperative for cooperative, _created in demo_data}
    # Uncertain entries of the reference file keep their source.
    assert by_name["Hợp tác xã Sản xuất cá chiên Thái Hòa"].source_url.startswith("https://baotuyenquang")
    assert by_name["Hợp tác xã chè búp Ngân Sơn"].source_url
    # An invented cooperative says it is invented.
    assert "Dữ liệu demo" in by_name["Hợp tác xã Nông nghiệp Lâm Bình"].description


def test_each_cooperative_has_one_or_two_located_areas(demo_data):
    for cooperative, _created in demo_data:
        areas = list(cooperative.raw_material_areas.select_related("commune"))
        assert 1 <= len(areas) <= 2, cooperative.legal_name
        for area in areas:
            assert area.commune.edition == "2025-03-01"
            assert area.commune.parent_id == cooperative.commune.parent_id
            assert Decimal("21.5") <= area.latitude <= Decimal("22.7")
            assert Decimal("104.8") <= area.longitude <= Decimal("105.7")
            assert area.area_hectares > 0
            assert area.main_crop
            area.full_clean()
    assert RawMaterialArea.objects.exclude(boundary=None).exists()


def test_certifications_run_from_2024_to_2027(demo_data):
    certifications = Certification.objects.all()
    assert certifications.count() >= 5
    assert {c.scheme for c in certifications} == {"vietgap", "organic"}
    for certification in certifications:
        assert certification.valid_from == datetime.date(2024, 1, 1)
        assert certification.valid_until == datetime.date(2027, 12, 31)
        assert certification.certificate_number.startswith("DEMO-")


def test_every_district_has_a_linkage_model(demo_data):
    allowed = set(LinkageModel.DigitalTool.values)
    for district in AdministrativeUnit.objects.filter(edition="2025-03-01", level="district"):
        models = LinkageModel.objects.filter(
            cooperatives__in=Cooperative.objects.in_unit(district)
        ).distinct()
        assert models.exists(), district.name
        for model in models:
            assert datetime.date(2023, 1, 1) <= model.signed_on <= datetime.date(2024, 12, 31)
            assert model.expires_on.year >= 2027
            assert model.declared_digital_tools
            assert set(model.declared_digital_tools) <= allowed
            assert model.raw_material_areas.exists()
            model.full_clean()


def test_pilot_communes(demo_data):
    hong_thai = PilotProgramme.objects.get(commune__code="02254", commune__edition="2025-03-01")
    assert hong_thai.kind == PilotProgramme.Kind.ECOMMERCE_COMMUNE
    assert hong_thai.started_on == datetime.date(2023, 1, 1)
    smart = PilotProgramme.objects.get(kind=PilotProgramme.Kind.SMART_COMMUNE)
    assert smart.field == PilotProgramme.Field.RURAL_TOURISM
    smart.full_clean()


def test_the_demo_cooperatives_have_working_pages(demo_data, client):
    directory = client.get("/cooperatives/").content.decode()
    for cooperative, _created in demo_data:
        assert cooperative.legal_name in directory
        response = client.get(cooperative.get_absolute_url())
        assert response.status_code == 200
        assert "cooperative-map-data" in response.content.decode()
    son_tra = client.get("/en/cooperatives/hop-tac-xa-son-tra/").content.decode()
    assert "has not been verified" in son_tra
    assert "DEMO-HC-072-001" in son_tra


def test_it_needs_the_administrative_units_first():
    with pytest.raises(ValueError, match="load the administrative units first"):
        demo.demo_cooperatives_ensure()
    assert not Cooperative.objects.exists()


def test_it_reports_progress_once_per_cooperative(django_capture_on_commit_callbacks):
    demo_administrative_units_load()
    steps = []
    with django_capture_on_commit_callbacks(execute=True):
        demo.demo_cooperatives_ensure(on_progress=steps.append)
    assert sum(steps) == demo.demo_cooperatives_count()
