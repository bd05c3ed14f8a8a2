"""Cooperative staff record lots of their products and print their labels."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.models import Lot
from tests.catalog.dashboard import ROLES, assert_refused_for, login_as

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
PDFTOTEXT = shutil.which("pdftotext")


def lot_data(product, **changes):
    data = {
        "product": product.pk,
        "raw_material_area": "",
        "code": "",
        "produced_on": "2026-11-02",
        "best_before": "2027-11-02",
        "quantity": "40",
        "unit": "hộp",
    }
    data.update(changes)
    return data


def lot_urls(lot):
    return [
        reverse("cooperative-catalog:lot-detail", kwargs={"pk": lot.pk}),
        reverse("cooperative-catalog:lot-event-create", kwargs={"pk": lot.pk}),
        reverse("cooperative-catalog:lot-recall", kwargs={"pk": lot.pk}),
        reverse("cooperative-catalog:lot-label", kwargs={"pk": lot.pk}),
        reverse("cooperative-catalog:lot-label-sheet", kwargs={"pk": lot.pk}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_lot_pages(client, users, role, lot, other_lot):
    login_as(client, users, role)
    lists = [reverse("cooperative-catalog:lot-list"), reverse("cooperative-catalog:lot-create")]
    for url in lists + lot_urls(lot):
        response = client.get(url)
        if role == "staff":
            assert response.status_code == 200, url
        elif role == "other_staff":
            assert response.status_code == (200 if url in lists else 404), url
        else:
            assert_refused_for(response, role)


def test_the_list_shows_only_the_cooperative_s_lots(client, users, lot, other_lot):
    login_as(client, users, "other_staff")
    content = client.get(reverse("cooperative-catalog:lot-list")).content.decode()
    assert other_lot.code in content
    assert lot.code not in content


def test_staff_record_a_lot_and_it_goes_on_sale(staff_client, cooperative, product, area):
    response = staff_client.post(
        reverse("cooperative-catalog:lot-create"), lot_data(product, raw_material_area=area.pk)
    )
    lot = Lot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cooperative-catalog:lot-detail", kwargs={"pk": lot.pk})
    assert lot.code.startswith("000123-261102-")  # made from the registration number and date
    assert (lot.cooperative, lot.raw_material_area, lot.quantity, lot.unit) == (cooperative, area, 40, "hộp")
    assert StockRecord.objects.get(product=product).num_in_stock == 40


def test_a_typed_code_is_kept_in_capitals(staff_client, product):
    staff_client.post(reverse("cooperative-catalog:lot-create"), lot_data(product, code=" st-2611-a "))
    assert Lot.objects.get().code == "ST-2611-A"


def test_a_duplicate_code_is_refused(staff_client, product, lot):
    response = staff_client.post(
        reverse("cooperative-catalog:lot-create"), lot_data(product, code=lot.code.lower())
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert Lot.objects.count() == 1


def test_a_code_used_by_another_cooperative_is_refused_too(staff_client, product, other_lot):
    response = staff_client.post(
        reverse("cooperative-catalog:lot-create"), lot_data(product, code=other_lot.code)
    )
    assert response.context["form"].errors["code"]
    assert Lot.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-5"}, "quantity"),
        ({"quantity": "2.5"}, "quantity"),
        ({"produced_on": ""}, "produced_on"),
        ({"best_before": "2026-01-01"}, "best_before"),
        ({"code": "<script>alert(1)</script>"}, "code"),
        ({"code": "LÔ/1"}, "code"),
    ],
)
def test_invalid_lots_are_refused_and_nothing_is_saved(staff_client, product, changes, field):
    response = staff_client.post(reverse("cooperative-catalog:lot-create"), lot_data(product, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Lot.objects.exists()
    assert StockRecord.objects.get(product=product).num_in_stock == 0


def test_another_cooperative_s_product_or_area_cannot_be_used(
    staff_client, product, other_product, other_area
):
    url = reverse("cooperative-catalog:lot-create")
    response = staff_client.post(url, lot_data(other_product))
    assert response.context["form"].errors["product"]
    response = staff_client.post(url, lot_data(product, raw_material_area=other_area.pk))
    assert response.context["form"].errors["raw_material_area"]
    assert not Lot.objects.exists()


@pytest.mark.parametrize(("name", "suffix"), [("lot-label", ""), ("lot-label-sheet", "-sheet")])
def test_labels_are_pdfs_with_the_lot_code(staff_client, lot, tmp_path, name, suffix):
    response = staff_client.get(reverse(f"cooperative-catalog:{name}", kwargs={"pk": lot.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="lot-{lot.code}{suffix}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    if not PDFTOTEXT:
        pytest.skip("pdftotext missing (Debian package poppler-utils)")
    path = tmp_path / "label.pdf"
    path.write_bytes(response.content)
    text = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert lot.code in text


def test_another_cooperative_s_lot_label_is_not_found(client, users, lot):
    login_as(client, users, "other_staff")
    response = client.get(reverse("cooperative-catalog:lot-label", kwargs={"pk": lot.pk}))
    assert response.status_code == 404
