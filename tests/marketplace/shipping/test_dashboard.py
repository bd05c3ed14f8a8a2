import pytest
from django.urls import reverse

from marketplace import roles
from marketplace.shipping.models import CooperativeShippingPolicy
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/shop/dashboard/cooperative/shipping/"

VALID = {
    "flat_fee": "25000", "fee_per_kg": "4000", "free_shipping_threshold": "500000",
    "allows_pickup": "on", "pickup_instructions": "Kho HTX, thôn Hồng Ba",
}  # fmt: skip


def test_the_url_is_the_one_of_the_design():
    assert reverse("cooperative-shipping:policy") == URL


def test_staff_edit_their_own_cooperatives_policy(client, cooperatives):
    tea_coop, orange_coop = cooperatives
    client.force_login(tea_coop.partner.users.get())

    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].initial["flat_fee"] == 30_000

    response = client.post(URL, VALID)

    assert response.status_code == 302 and response.url == URL
    policy = CooperativeShippingPolicy.objects.get()
    assert policy.cooperative == tea_coop
    assert (policy.flat_fee, policy.fee_per_kg, policy.free_shipping_threshold) == (25_000, 4_000, 500_000)
    assert policy.allows_pickup and policy.pickup_instructions == "Kho HTX, thôn Hồng Ba"

    # An empty threshold means "never free".
    client.post(URL, {**VALID, "free_shipping_threshold": ""})
    policy.refresh_from_db()
    assert policy.free_shipping_threshold is None


def test_one_cooperative_never_changes_anothers_policy(client, cooperatives):
    tea_coop, orange_coop = cooperatives
    client.force_login(orange_coop.partner.users.get())

    client.post(URL, VALID)

    assert CooperativeShippingPolicy.objects.get().cooperative == orange_coop


def test_a_visitor_is_sent_to_log_in(client, cooperatives):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url
    response = client.post(URL, VALID)
    assert response.status_code == 302 and "login" in response.url
    assert not CooperativeShippingPolicy.objects.exists()


@pytest.mark.parametrize(
    "role", [roles.BUYER, roles.TOURISM_OFFICER, roles.PROVINCE_OFFICER, roles.PLATFORM_ADMIN]
)
def test_other_roles_are_refused(client, cooperatives, role):
    client.force_login(user_with_role(role))

    assert client.get(URL).status_code == 403
    assert client.post(URL, VALID).status_code == 403
    assert not CooperativeShippingPolicy.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("flat_fee", "-1"),
        ("flat_fee", "15000.5"),
        ("flat_fee", "15.000"),
        ("fee_per_kg", "abc"),
        ("fee_per_kg", "1" + "0" * 30),
        ("fee_per_kg", "9" * 5000),
        ("free_shipping_threshold", "100000001"),
        ("free_shipping_threshold", "-0.5"),
        ("pickup_instructions", "x" * 1001),
    ],
)
def test_hostile_input_gets_a_form_error_never_a_500(client, cooperatives, field, value):
    tea_coop, _ = cooperatives
    client.force_login(tea_coop.partner.users.get())

    response = client.post(URL, {**VALID, field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CooperativeShippingPolicy.objects.exists()


def test_pickup_without_instructions_is_refused(client, cooperatives):
    tea_coop, _ = cooperatives
    client.force_login(tea_coop.partner.users.get())

    response = client.post(URL, {**VALID, "pickup_instructions": ""})

    assert response.status_code == 200
    assert "pickup_instructions" in response.context["form"].errors


def test_markup_in_the_instructions_is_shown_as_text(client, cooperatives):
    tea_coop, _ = cooperatives
    client.force_login(tea_coop.partner.users.get())
    hostile = '<script>alert("x")</script> Kho HTX'

    client.post(URL, {**VALID, "pickup_instructions": hostile})

    assert CooperativeShippingPolicy.objects.get().pickup_instructions == hostile
    page = client.get(URL).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_the_dashboard_menu_links_the_page_for_cooperative_staff(client, cooperatives):
    tea_coop, _ = cooperatives
    client.force_login(tea_coop.partner.users.get())

    assert f'href="{URL}"' in client.get(reverse("cooperative-dashboard:profile")).content.decode()
