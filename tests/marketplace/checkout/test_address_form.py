"""The shipping address as a Vietnamese address: a commune chosen from the
administrative tree, checked against the province and district posted with
it, and a Vietnamese phone number (marketplace.checkout.forms).

Messages are compared through the form's own constants and error codes, so
the tests hold in Vietnamese and in English.
"""

import re
from decimal import Decimal

import pytest
from django.core import exceptions
from django.urls import reverse
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_product, create_stockrecord

from cooperatives.forms import APPLICATION_EDITION, VIETNAMESE_PHONE_ERROR
from cooperatives.models import AdministrativeUnit
from marketplace.checkout.forms import ShippingAddressForm, address_lines
from marketplace.shipping.models import CooperativeShippingPolicy
from tests.factories import (
    administrative_tree,
    approved_cooperative,
    other_province_tree,
    shipping_address_form_data,
)

pytestmark = pytest.mark.django_db

Country = get_model("address", "Country")
ShippingAddress = get_model("order", "ShippingAddress")


@pytest.fixture
def units():
    Country.objects.update_or_create(
        iso_3166_1_a2="VN",
        defaults={"printable_name": "Việt Nam", "name": "Việt Nam", "is_shipping_country": True},
    )
    return administrative_tree()


def address_form(data):
    form = ShippingAddressForm(data=data)
    form.is_valid()
    return form


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode().replace("\u00a0", " "))


# --- The form ------------------------------------------------------------------


def test_oscar_s_checkout_loads_this_form():
    assert get_class("checkout.forms", "ShippingAddressForm") is ShippingAddressForm


def test_a_valid_address_saves_the_units_names_and_an_international_phone(units):
    form = address_form(shipping_address_form_data(units["02254"], postcode="", notes="Gọi trước 30 phút"))

    assert form.is_valid(), form.errors
    address = form.save()
    address.refresh_from_db()
    assert (address.line1, address.line3, address.line4, address.state) == (
        "Thôn Hồng Ba", "Xã Hồng Thái", "Huyện Na Hang", "Tỉnh Tuyên Quang",
    )  # fmt: skip
    assert address.country_id == "VN"
    assert address.phone_number.as_e164 == "+84912345678"
    assert (address.last_name, address.first_name) == ("Nguyễn Thị", "Lan")
    assert address.notes == "Gọi trước 30 phút"


@pytest.mark.parametrize("typed", ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678"])
def test_a_vietnamese_mobile_number_is_accepted_and_normalised(units, typed):
    form = address_form(shipping_address_form_data(units["02254"], phone_number=typed))

    assert form.is_valid(), form.errors
    assert form.instance.phone_number.as_e164 == "+84912345678"


@pytest.mark.parametrize(
    "typed",
    [
        "+1 202 555 0143",
        "+66 81 234 5678",
        "912345678",
        "12345",
        "091234567x",
        "0000000000",
        "0123456789",
        "",
    ],
    ids=["usa", "thailand", "no-zero", "short", "letter", "zeros", "retired-01x", "empty"],
)
def test_a_foreign_or_malformed_phone_is_refused(units, typed):
    form = address_form(shipping_address_form_data(units["02254"], phone_number=typed))

    assert not form.is_valid()
    if typed:
        assert form.errors["phone_number"] == [str(VIETNAMESE_PHONE_ERROR)]
    else:
        assert form.has_error("phone_number", code="required")
    assert not ShippingAddress.objects.exists()


def test_the_district_may_be_left_out_the_commune_places_the_address(units):
    form = address_form(shipping_address_form_data(units["02395"], district=""))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["district"] == units["074"]
    assert (form.instance.line3, form.instance.line4) == ("Xã Phù Lưu", "Huyện Hàm Yên")


def test_a_commune_of_another_district_is_refused_naming_both(units):
    # Phù Lưu is in Hàm Yên, not in Na Hang.
    form = address_form(shipping_address_form_data(units["02395"], district=units["072"].pk))

    assert form.has_error("commune", code="commune_of_another_district")
    expected = ShippingAddressForm.WRONG_DISTRICT % {"commune": "Xã Phù Lưu", "district": "Huyện Na Hang"}
    assert form.errors["commune"] == [expected]
    assert not form.instance.line3


def test_a_commune_of_another_province_is_refused(units):
    elsewhere = other_province_tree()
    form = address_form(
        shipping_address_form_data(units["02254"], commune=elsewhere["commune"].pk, district="")
    )

    assert form.has_error("commune", code="commune_of_another_province")
    assert "Xã Yên Phong" in form.errors["commune"][0] and "Tỉnh Tuyên Quang" in form.errors["commune"][0]


def test_a_district_of_another_province_is_refused(units):
    elsewhere = other_province_tree()
    form = address_form(shipping_address_form_data(units["02254"], district=elsewhere["district"].pk))

    assert form.has_error("district", code="district_of_another_province")


@pytest.mark.parametrize("unit", ["province", "072"], ids=["a-province", "a-district"])
def test_a_unit_that_is_no_commune_is_refused(units, unit):
    form = address_form(shipping_address_form_data(units["02254"], commune=units[unit].pk))

    assert form.has_error("commune", code="invalid_choice")


def test_a_commune_of_another_map_or_merged_away_is_refused(units):
    two_level = other_province_tree(edition="2025-07-01")["commune"]
    historical = AdministrativeUnit.objects.create(
        edition=APPLICATION_EDITION, code="02593", name="Xã Vân Sơn", short_name="Vân Sơn", unit_type="Xã",
        level="commune", parent=units["072"], valid_until="2024-08-31",
    )  # fmt: skip

    for commune in (two_level, historical):
        form = address_form(shipping_address_form_data(units["02254"], commune=commune.pk))
        assert form.has_error("commune", code="invalid_choice"), commune


@pytest.mark.parametrize("garbage", ["abc", "-1", "0", "1.5", "99999999999999999999", "١٢", "1 OR 1=1", "[]"])
@pytest.mark.parametrize("field", ["province", "district", "commune"])
def test_garbage_ids_are_refused_without_a_crash(units, field, garbage):
    form = address_form(shipping_address_form_data(units["02254"], **{field: garbage}))

    assert form.has_error(field, code="invalid_choice")
    assert not form.instance.line3


def test_a_missing_commune_or_province_is_asked_for(units):
    form = address_form(shipping_address_form_data(units["02254"], commune="", province=""))

    assert form.has_error("commune", code="required") and form.has_error("province", code="required")


def test_a_single_province_is_chosen_for_the_buyer_and_its_units_listed(units):
    form = ShippingAddressForm()

    assert form["province"].value() == units["province"].pk
    html = str(form["commune"])
    assert '<optgroup label="Huyện Hàm Yên">' in html and '<optgroup label="Huyện Na Hang">' in html
    assert f'data-parent="{units["072"].pk}"' in html
    assert f'data-parent="{units["province"].pk}"' in str(form["district"])


def test_with_several_provinces_a_page_lists_only_the_chosen_province_s_units(units):
    elsewhere = other_province_tree()

    html = str(ShippingAddressForm())
    assert "Tỉnh Hà Giang" in html and "Tỉnh Tuyên Quang" in html
    assert "Xã Yên Phong" not in html and "Xã Hồng Thái" not in html  # none until a province is chosen

    form = ShippingAddressForm(
        data={"province": elsewhere["province"].pk, ShippingAddressForm.CHOOSE_PROVINCE: "1"}
    )
    assert not form.is_valid()
    assert list(form.errors) == ["__all__"]  # nothing marked wrong: the buyer has not filled it in yet
    html = str(form["district"]) + str(form["commune"])
    assert "Huyện Bắc Mê" in html and "Xã Yên Phong" in html
    assert "Huyện Na Hang" not in html and "Xã Hồng Thái" not in html


def test_units_are_listed_in_alphabetical_order_of_their_names_without_diacritics(units):
    AdministrativeUnit.objects.create(
        edition=APPLICATION_EDITION, code="075", name="Huyện Đông Hà", short_name="Đông Hà",
        unit_type="Huyện", level="district", parent=units["province"],
    )  # fmt: skip
    labels = [label for _value, label in ShippingAddressForm().fields["district"].widget.choices][1:]

    assert labels == ["Huyện Đông Hà", "Huyện Hàm Yên", "Huyện Na Hang"]


def test_without_a_district_level_line4_is_the_province():
    province = AdministrativeUnit.objects.create(
        edition="2025-07-01", code="08", name="Tỉnh Tuyên Quang", short_name="Tuyên Quang", unit_type="Tỉnh",
        level="province",
    )  # fmt: skip
    commune = AdministrativeUnit.objects.create(
        edition="2025-07-01", code="02254", name="Xã Thượng Lâm", short_name="Thượng Lâm", unit_type="Xã",
        level="commune", parent=province,
    )  # fmt: skip

    lines, district, found = address_lines(commune)

    assert lines == {"line3": "Xã Thượng Lâm", "line4": "Tỉnh Tuyên Quang", "state": "Tỉnh Tuyên Quang"}
    assert district is None and found == province


# --- Through the checkout ----------------------------------------------------------


@pytest.fixture
def tea(units):
    cooperative = approved_cooperative(legal_name="Hợp tác xã Chè Sơn Trà", commune=units["02254"])
    # Two ways to receive it, so the shipping method page is shown, not skipped.
    CooperativeShippingPolicy.objects.update_or_create(
        cooperative=cooperative, defaults={"allows_pickup": True, "pickup_instructions": "Kho HTX, 7–17 giờ"}
    )
    product = create_product(title="Chè Shan tuyết", net_weight_grams=500)
    create_stockrecord(
        product, price=Decimal("150000"), num_in_stock=20, partner_name=cooperative.partner.name
    )
    return product


def up_to_the_address(client, product, *, guest_email="lan@example.com"):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    assert response.status_code == 302
    if guest_email:
        response = client.post(reverse("checkout:index"), {"username": guest_email, "options": "anonymous"})
        assert response.status_code == 302, text(response)


def stored_address(client) -> dict | None:
    return client.session.get("checkout_data", {}).get("shipping", {}).get("new_address_fields")


def test_the_page_shows_the_chooser_with_the_province_on_a_phone_layout(client, units, tea):
    up_to_the_address(client, tea)

    response = client.get(reverse("checkout:shipping-address"))

    assert response.status_code == 200
    page = text(response)
    assert re.search(rf'<option value="{units["province"].pk}"[^>]* selected>Tỉnh Tuyên Quang</option>', page)
    assert 'name="district"' in page and 'name="commune"' in page and 'name="line4"' not in page
    assert '<optgroup label="Huyện Na Hang">' in page
    assert "form-control-lg" in page and "js/address-chooser.js" in page
    assert 'type="tel"' in page
    # One province: no button to list another's units.
    assert ShippingAddressForm.CHOOSE_PROVINCE not in page


def test_a_guest_reaches_the_shipping_method_page(client, units, tea):
    up_to_the_address(client, tea)

    response = client.post(reverse("checkout:shipping-address"), shipping_address_form_data(units["02254"]))

    assert response.status_code == 302 and response["Location"] == reverse("checkout:shipping-method")
    stored = stored_address(client)
    assert (stored["line3"], stored["line4"], stored["state"]) == (
        "Xã Hồng Thái",
        "Huyện Na Hang",
        "Tỉnh Tuyên Quang",
    )
    assert stored["phone_number"].replace(" ", "") == "+84912345678"
    assert stored["country_id"] == "VN"
    response = client.get(reverse("checkout:shipping-method"))
    assert response.status_code == 200
    assert "cooperative-delivery" in text(response) and "cooperative-pickup" in text(response)


def test_back_on_the_address_page_the_commune_is_chosen_again(client, units, tea):
    up_to_the_address(client, tea)
    client.post(reverse("checkout:shipping-address"), shipping_address_form_data(units["02404"]))

    form = client.get(reverse("checkout:shipping-address")).context["form"]

    assert form["commune"].value() == units["02404"].pk
    assert form["district"].value() == units["074"].pk
    assert form["line1"].value() == "Thôn Hồng Ba"


def test_a_signed_in_buyer_uses_the_same_form(client, units, tea):
    from marketplace import roles
    from tests.factories import user_with_role

    client.force_login(user_with_role(roles.BUYER))
    up_to_the_address(client, tea, guest_email=None)

    response = client.post(
        reverse("checkout:shipping-address"),
        shipping_address_form_data(units["02254"], phone_number="+1 202 555 0143"),
    )
    assert response.status_code == 200
    assert str(VIETNAMESE_PHONE_ERROR) in text(response)

    response = client.post(reverse("checkout:shipping-address"), shipping_address_form_data(units["02254"]))
    assert response.status_code == 302


def test_a_hostile_pairing_is_shown_as_an_error_and_nothing_is_stored(client, units, tea):
    up_to_the_address(client, tea)

    response = client.post(
        reverse("checkout:shipping-address"),
        shipping_address_form_data(units["02395"], district=units["072"].pk),
    )

    assert response.status_code == 200
    expected = ShippingAddressForm.WRONG_DISTRICT % {"commune": "Xã Phù Lưu", "district": "Huyện Na Hang"}
    assert str(expected) in text(response)
    assert "is-invalid" in text(response)
    assert stored_address(client) is None


def test_without_javascript_a_buyer_lists_another_province_s_units_then_continues(client, units, tea):
    elsewhere = other_province_tree()
    up_to_the_address(client, tea)
    page = text(client.get(reverse("checkout:shipping-address")))
    assert f'name="{ShippingAddressForm.CHOOSE_PROVINCE}"' in page

    # The button next to the province sends what was typed so far.
    typed = {"last_name": "Nguyễn Thị", "first_name": "Lan", "province": elsewhere["province"].pk}
    response = client.post(
        reverse("checkout:shipping-address"), {**typed, ShippingAddressForm.CHOOSE_PROVINCE: "1"}
    )

    assert response.status_code == 200
    page = text(response)
    assert "is-invalid" not in page  # nothing is marked wrong yet
    assert "Huyện Bắc Mê" in page and "Xã Yên Phong" in page and "Xã Hồng Thái" not in page
    assert 'value="Nguyễn Thị"' in page
    assert stored_address(client) is None

    response = client.post(
        reverse("checkout:shipping-address"),
        shipping_address_form_data(elsewhere["commune"], line1="Thôn Nà Sáng"),
    )
    assert response.status_code == 302
    assert stored_address(client)["state"] == "Tỉnh Hà Giang"


def test_without_javascript_the_communes_of_the_province_are_grouped_by_district(client, units, tea):
    # One province: no reload needed; the buyer picks the commune from its
    # district's group and may leave the district unchosen.
    up_to_the_address(client, tea)
    page = text(client.get(reverse("checkout:shipping-address")))
    group = re.search(r'<optgroup label="Huyện Hàm Yên">(.*?)</optgroup>', page).group(1)
    assert "Xã Phù Lưu" in group and "Xã Yên Thuận" in group and "Xã Hồng Thái" not in group

    response = client.post(
        reverse("checkout:shipping-address"), shipping_address_form_data(units["02395"], district="")
    )

    assert response.status_code == 302
    assert stored_address(client)["line4"] == "Huyện Hàm Yên"


def test_a_guest_without_javascript_can_send_the_e_mail_step(client, units, tea):
    # Oscar's script disables the password for a guest; without it, an HTML
    # "required" password would stop the guest before the address page.
    client.post(reverse("basket:add", kwargs={"pk": tea.pk}), {"quantity": 1})
    page = client.get(reverse("checkout:index")).content.decode()
    password = re.search(r"<input[^>]*name=\"password\"[^>]*>", page).group(0)
    assert "required" not in password

    response = client.post(reverse("checkout:index"), {"username": "lan@example.com", "options": "existing"})
    assert response.status_code == 200 and response.context["form"].has_error("password")


@pytest.mark.parametrize(("postcode", "valid"), [("22000", True), ("220000", False), ("2200", False)])
def test_postcodes_have_vietnam_s_five_digits(db, postcode, valid):
    country, _created = get_model("address", "Country").objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"printable_name": "Việt Nam", "name": "Việt Nam"}
    )
    address = get_model("order", "ShippingAddress")(country=country, postcode=postcode)
    if valid:
        address.ensure_postcode_is_valid_for_country()
    else:
        with pytest.raises(exceptions.ValidationError):
            address.ensure_postcode_is_valid_for_country()
