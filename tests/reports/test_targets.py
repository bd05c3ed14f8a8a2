"""The plan's targets: province officers read, add and change them, and the
reports measure against whatever they enter."""

import datetime
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from marketplace import roles
from reports.models import DistrictReportViewer, Target
from tests.factories import administrative_tree, cooperative_staff_user, user_with_role

pytestmark = pytest.mark.django_db

TARGETS = reverse("reports:targets")
ADD = reverse("reports:target-add")
OVERVIEW = reverse("reports:overview")


def en(url):
    """The English page of ``url``: assertions read the English source text.
    (After a request to an English page, ``reverse`` in the test gives
    English URLs too.)"""
    return url if url.startswith("/en/") else f"/en{url}"


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", node.get_text(" ")).strip()


def errors_of(response, field=None) -> list[str]:
    """The messages next to ``field`` (or above the form)."""
    soup = page(response)
    if field is None:
        found = soup.find("form", class_="report-form").find("ul", class_="errorlist", recursive=False)
    else:
        found = soup.find(id=f"id_{field}-errors")
    return [text(li) for li in found.find_all("li")] if found else []


def target_data(**fields):
    return {
        "indicator": "communes_selling_online",
        "threshold_percent": "40",
        "starts_on": "2026-01-01",
        "deadline": "2030-12-31",
        "source_document": "Kế hoạch số 99/KH-UBND",
        "note": "Ít nhất 40% xã có hợp tác xã bán hàng trực tuyến.",
        **fields,
    }


def edit_url(target):
    return reverse("reports:target-edit", kwargs={"pk": target.pk})


@pytest.fixture
def officer(client):
    user = user_with_role(roles.PROVINCE_OFFICER)
    client.force_login(user)
    return user


def plan_215(indicator="communes_with_cooperatives") -> Target:
    return Target.objects.get(indicator=indicator, deadline=datetime.date(2025, 12, 31))


# --- Reading --------------------------------------------------------------------


def test_the_list_shows_plan_215s_targets(client, officer):
    soup = page(client.get(en(TARGETS)))
    rows = {text(tr.th).split(" Ít nhất")[0]: tr for tr in soup.find("tbody").find_all("tr")}
    communes = rows["Communes with a cooperative"]
    assert text(communes.find("td", attrs={"data-label": "Threshold"})) == "70%"
    assert text(communes.find("td", attrs={"data-label": "Deadline"})) == "31/12/2025"
    assert "Kế hoạch 215/KH-UBND" in text(communes.find("td", attrs={"data-label": "Source document"}))
    assert len(rows) == Target.objects.count() == 5
    assert soup.find("a", href=en(ADD)) is not None
    assert soup.find("a", href=en(edit_url(plan_215()))) is not None


# --- Adding and changing ---------------------------------------------------------


def test_an_officer_adds_a_target(client, officer):
    response = client.post(en(ADD), target_data(), follow=True)
    assert response.redirect_chain == [(en(TARGETS), 302)]
    target = Target.objects.get(indicator="communes_selling_online")
    assert target.threshold_percent == Decimal("40.00")
    assert target.deadline == datetime.date(2030, 12, 31)
    message = text(page(response).find(class_="notice--success"))
    assert message.startswith(
        "Target saved: Communes with a cooperative selling online ≥ 40.00% (31/12/2030)."
    )


def test_an_officer_changes_a_target(client, officer):
    target = plan_215()
    form = page(client.get(en(edit_url(target))))
    assert form.find("input", attrs={"name": "threshold_percent"})["value"] == "70.00"
    assert form.find("input", attrs={"name": "deadline"})["value"] == "2025-12-31"
    data = target_data(indicator=target.indicator, starts_on="2021-01-01", deadline="2025-12-31")
    response = client.post(en(edit_url(target)), {**data, "threshold_percent": "80.5"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.threshold_percent == Decimal("80.50")


def test_the_overview_follows_a_changed_threshold(client, officer, world):
    def status():
        soup = page(client.get(en(OVERVIEW), {"period": "2025"}))
        result = soup.find("article", id="indicator-communes_with_cooperatives")
        return text(result.find("p", class_="report-status")), text(result.find(class_="report-card__target"))

    # 2 communes of 10 against Plan 215's 70%, at the deadline.
    assert status() == ("Behind", "Target: 70% by 31/12/2025.")
    target = plan_215()
    data = target_data(indicator=target.indicator, starts_on="2021-01-01", deadline="2025-12-31")
    assert client.post(en(edit_url(target)), {**data, "threshold_percent": "20"}).status_code == 302
    assert status() == ("Met", "Target: 20% by 31/12/2025.")


def test_a_new_target_gives_an_indicator_its_first_target(client, officer, world):
    def card():
        soup = page(client.get(en(OVERVIEW), {"period": "2025"}))
        return soup.find("article", id="indicator-communes_selling_online")

    assert text(card().find("p", class_="report-status")) == "No target"
    data = target_data(starts_on="2025-01-01", deadline="2026-12-31", threshold_percent="30")
    assert client.post(en(ADD), data).status_code == 302
    result = card()
    # 20% on 31/12/2025, where steady progress towards 30% by the end of 2026 expects 15%.
    assert text(result.find("p", class_="report-status")) == "On track"
    assert text(result.find(class_="report-card__target")) == (
        "Target: 30% by 31/12/2026. Expected by now at a steady pace: 15%."
    )
    assert result.find("line", class_="report-progress__expected") is not None


# --- Wrong and hostile input -------------------------------------------------------


@pytest.mark.parametrize(
    "threshold, message",
    [
        ("150", "The threshold is a share: give a number from 0 to 100."),
        ("-5", "The threshold is a share: give a number from 0 to 100."),
        ("9" * 40, "The threshold is a share: give a number from 0 to 100."),
        ("1e999999", "The threshold is a share: give a number from 0 to 100."),
        ("33.333", "Give the threshold with at most two decimals."),
        ("\x00", "Enter a number."),
        ("<script>", "Enter a number."),
        ("NaN", "Enter a number."),
        ("", "This field is required."),
    ],
)
def test_a_threshold_must_be_a_share(client, officer, threshold, message):
    response = client.post(en(ADD), target_data(threshold_percent=threshold))
    assert response.status_code == 200
    assert errors_of(response, "threshold_percent") == [message]
    assert not Target.objects.filter(indicator="communes_selling_online").exists()


def test_a_threshold_may_be_written_as_the_browser_sends_it(client, officer):
    assert client.post(en(ADD), target_data(threshold_percent="1E+2")).status_code == 302
    assert Target.objects.get(indicator="communes_selling_online").threshold_percent == Decimal("100.00")


def test_the_deadline_must_come_after_the_start(client, officer):
    response = client.post(en(ADD), target_data(starts_on="2026-01-01", deadline="2025-12-31"))
    assert errors_of(response, "deadline") == ["The deadline must come after the plan starts."]
    assert text(page(response).find(class_="notice--error")) == (
        "Nothing was saved: correct what is marked below."
    )


def test_one_target_per_indicator_and_deadline(client, officer):
    plan = {"indicator": "communes_with_cooperatives", "starts_on": "2021-01-01", "deadline": "2025-12-31"}
    response = client.post(en(ADD), target_data(**plan))
    assert response.status_code == 200
    assert errors_of(response) == [
        "This indicator already has a target with this deadline: change that target instead."
    ]
    assert Target.objects.filter(indicator="communes_with_cooperatives").count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("starts_on", "2025-13-01", "Enter a valid date."),
        ("starts_on", "\x00", "Enter a valid date."),
        ("deadline", "9" * 40, "Enter a valid date."),
        ("deadline", "<script>", "Enter a valid date."),
        ("indicator", "ecommerce_activity", None),
        ("indicator", "'; DROP TABLE reports_target; --", None),
        ("source_document", "\x00", "Null characters are not allowed."),
        ("source_document", "x" * 256, "Ensure this value has at most 255 characters (it has 256)."),
        ("note", "\x00", "Null characters are not allowed."),
    ],
)
def test_hostile_input_is_refused_with_a_message(client, officer, field, value, message):
    response = client.post(en(ADD), target_data(**{field: value}))
    assert response.status_code == 200
    found = errors_of(response, field)
    if message is None:
        assert len(found) == 1 and found[0].startswith("Select a valid choice.")
    else:
        assert found == [message]
    assert not Target.objects.filter(indicator="communes_selling_online").exists()
    assert "<script>" not in response.content.decode().replace("&lt;script&gt;", "")


def test_markup_in_a_source_document_is_shown_as_text(client, officer):
    client.post(en(ADD), target_data(source_document="<script>alert(1)</script>"))
    body = client.get(en(TARGETS)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_an_unknown_target_is_not_found(client, officer):
    for pk in (987654, int("9" * 40)):
        assert client.get(reverse("reports:target-edit", kwargs={"pk": pk})).status_code == 404
        assert (
            client.post(reverse("reports:target-edit", kwargs={"pk": pk}), target_data()).status_code == 404
        )


# --- Who may change them -------------------------------------------------------------


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: user_with_role(roles.BUYER),
        cooperative_staff_user,
        lambda: user_with_role(roles.TOURISM_OFFICER),
    ],
    ids=["buyer", "cooperative staff", "tourism officer"],
)
def test_other_roles_can_neither_read_nor_change_targets(client, make_user):
    target = plan_215()
    client.force_login(make_user())
    for url in (TARGETS, ADD, edit_url(target)):
        assert client.get(url).status_code == 403
    assert client.post(ADD, target_data()).status_code == 403
    assert client.post(edit_url(target), target_data(threshold_percent="1")).status_code == 403
    assert not Target.objects.filter(indicator="communes_selling_online").exists()
    target.refresh_from_db()
    assert target.threshold_percent == Decimal("70.00")


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client):
    target = plan_215()
    for url in (TARGETS, ADD, edit_url(target)):
        assert client.get(url)["Location"].startswith(reverse("customer:login"))
    assert client.post(ADD, target_data()).status_code == 302
    assert not Target.objects.filter(indicator="communes_selling_online").exists()


def test_a_district_reader_reads_the_targets_but_cannot_change_them(client):
    units = administrative_tree()
    reader = user_with_role(roles.BUYER)
    DistrictReportViewer.objects.create(user=reader, district=units["072"])
    client.force_login(reader)
    soup = page(client.get(en(TARGETS)))
    assert soup.find("tbody") is not None
    assert soup.find("a", href=en(ADD)) is None
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, target_data()).status_code == 403
    assert client.post(edit_url(plan_215()), target_data(threshold_percent="1")).status_code == 403
    assert plan_215().threshold_percent == Decimal("70.00")


def test_a_platform_admin_changes_targets(client):
    client.force_login(user_with_role(roles.PLATFORM_ADMIN))
    assert client.get(ADD).status_code == 200
    assert client.post(ADD, target_data()).status_code == 302
    assert Target.objects.filter(indicator="communes_selling_online").exists()
