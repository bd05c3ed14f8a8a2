"""The download of one's personal data: everything about the signed-in
user, nothing about anyone else, in a bounded number of queries."""

import json

import pytest
from django.urls import reverse

from marketplace import roles
from tests.factories import cooperative_staff_user, user_with_role

from .conftest import HOA, LAN

pytestmark = pytest.mark.django_db


def download(client, user):
    client.force_login(user)
    response = client.get(reverse("privacy:download"))
    assert response.status_code == 200
    return response, json.loads(response.content.decode("utf-8"))


def test_the_buyer_downloads_their_orders_addresses_and_the_rest(client, lan, hoa, lan_votes_for_hoa):
    response, data = download(client, lan["user"])

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    assert "no-store" in response["Cache-Control"]
    assert data["account"]["email"] == LAN["email"]
    assert data["account"]["roles"] == [roles.BUYER]
    assert [address["line1"] for address in data["address_book"]] == [LAN["street"]]
    assert data["address_book"][0]["phone_number"] == LAN["phone"]

    [order] = data["orders"]
    assert order["number"] == lan["order"].number
    assert order["total"] == 2 * 150_000 + 3 * 45_000
    assert order["shipping_address"]["line1"] == LAN["street"]
    assert order["shipping_address"]["phone_number"] == LAN["phone"]
    assert order["billing_address"]["last_name"] == LAN["last_name"]
    assert sorted((line["product"], line["quantity"]) for line in order["lines"]) == [
        ("Cam sành Phù Lưu", 3),
        ("Chè Shan tuyết Sơn Trà", 2),
    ]
    assert sorted(delivery["seller"] for delivery in order["deliveries"]) == [
        "Hợp tác xã Cam Phù Lưu",
        "Hợp tác xã Sơn Trà",
    ]
    assert {delivery["status"] for delivery in order["deliveries"]} == {"delivered"}

    assert [review["title"] for review in data["reviews"]] == ["Chè rất thơm"]
    assert [vote["review"] for vote in data["review_votes"]] == ["Cam ngọt"]
    assert data["wish_lists"][0]["products"] == [{"product": "Chè Shan tuyết Sơn Trà", "quantity": 1}]
    assert [alert["product"] for alert in data["stock_alerts"]] == ["Cam sành Phù Lưu"]
    assert [email["subject"] for email in data["emails_sent_to_you"]] == ["Đơn hàng của chị Lan"]
    assert [note["subject"] for note in data["notifications"]] == ["Chào chị Lan"]
    assert any(
        line["product"] == "Cam sành Phù Lưu" for basket in data["baskets"] for line in basket["lines"]
    )
    assert [search["query"] for search in data["activity"]["searches"]] == ["chè Hồng Ba"]
    assert [view["product"] for view in data["activity"]["recently_viewed"]] == ["Chè Shan tuyết Sơn Trà"]


def test_the_download_holds_nothing_of_another_buyer(client, lan, hoa):
    response, data = download(client, lan["user"])

    text = response.content.decode("utf-8")
    hoa_traces = (hoa["order"].number, HOA["email"], HOA["street"], HOA["phone"], HOA["first_name"])
    hoa_traces += ("Cam ngọt",)
    for trace in hoa_traces:
        assert trace not in text
    assert [order["number"] for order in data["orders"]] == [lan["order"].number]


def test_the_download_is_for_signed_in_users_only(client, lan):
    for name in ("privacy:account", "privacy:download"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("customer:login"))
    # A guess at someone else's file by a parameter changes nothing.
    client.force_login(lan["user"])
    response = client.get(reverse("privacy:download"), {"user": 1, "email": HOA["email"]})
    assert json.loads(response.content)["account"]["email"] == LAN["email"]


def every_other_role(shop):
    return {
        roles.COOPERATIVE_STAFF: cooperative_staff_user(
            shop["son_tra"].partner, email="staff@htx.example", first_name="Hùng"
        ),
        roles.TOURISM_OFFICER: user_with_role(roles.TOURISM_OFFICER, email="dulich@so.example"),
        roles.PROVINCE_OFFICER: user_with_role(roles.PROVINCE_OFFICER, email="sotinh@so.example"),
        roles.PLATFORM_ADMIN: user_with_role(roles.PLATFORM_ADMIN, email="quantri@so.example"),
    }


def test_every_other_role_downloads_only_their_own_data(client, shop, lan, hoa):
    for role, user in every_other_role(shop).items():
        response, data = download(client, user)
        assert data["account"]["email"] == user.email, role
        assert role in data["account"]["roles"]
        assert data["orders"] == [], role
        text = response.content.decode("utf-8")
        for trace in (LAN["email"], LAN["street"], HOA["email"], HOA["street"], lan["order"].number):
            assert trace not in text, role


def test_the_download_costs_the_same_queries_for_many_orders(
    client, lan, place, django_assert_max_num_queries
):
    client.force_login(lan["user"])
    for _ in range(6):
        place(lan["user"], LAN)
    # Session and user, then one query per kind of data (about 25).
    with django_assert_max_num_queries(30):
        response = client.get(reverse("privacy:download"))
    assert len(json.loads(response.content)["orders"]) == 7


def test_the_download_survives_hostile_text_in_the_data(client, lan):
    """What a buyer typed comes back as data, exactly, never as markup."""
    user = lan["user"]
    user.first_name = '<script>alert("x")</script>\x7f'
    user.save()
    response, data = download(client, user)
    assert data["account"]["first_name"] == user.first_name
    assert response["Content-Type"].startswith("application/json")


def test_the_privacy_page_offers_both_actions_and_links_the_notice(client, lan):
    client.force_login(lan["user"])
    response = client.get(reverse("privacy:account"))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("privacy:download") in page
    assert f'action="{reverse("privacy:delete")}"' in page
    assert reverse("privacy:policy") in page


def test_the_account_menu_links_the_privacy_page(client, lan):
    client.force_login(lan["user"])
    page = client.get(reverse("customer:profile-view")).content.decode()
    assert f'href="{reverse("privacy:account")}"' in page

