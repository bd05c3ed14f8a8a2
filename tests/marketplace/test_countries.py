import pytest

pytestmark = pytest.mark.django_db


def test_the_shop_ships_to_viet_nam():
    from oscar.core.loading import get_model

    Country = get_model("address", "Country")
    assert list(Country.objects.filter(is_shipping_country=True).values_list("pk", "printable_name")) == [
        ("VN", "Việt Nam")
    ]
