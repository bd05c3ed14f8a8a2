"""The report pages: the province overview, the drill-down to districts,
communes and cooperatives, the top products, the period picker, who may see
them, and what hostile input gets."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from marketplace import roles
from marketplace.money import format_vnd
from reports.models import DistrictReportViewer, Target
from tests.factories import (
    administrative_tree,
    approved_cooperative,
    cooperative_staff_user,
    other_province_tree,
    user_with_role,
)

from .conftest import listed_product, local, place_order

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("reports:overview")
YEAR_2025 = {"period": "2025"}
HOSTILE = ["\x00", "9" * 40, "2025-13", "<script>alert(1)</script>", "2025' OR '1'='1", "-1"]


def en(url):
    """The English page of ``url``: assertions read the English source text.
    (After a request to an English page, ``reverse`` in the test gives
    English URLs too.)"""
    return url if url.startswith("/en/") else f"/en{url}"


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node) -> str:
    # Collapses the markup's spaces, keeping the no-break space of money.
    return re.sub(r"[ \t\r\n\f]+", " ", node.get_text(" ")).strip()


def card(soup, code) -> BeautifulSoup:
    return soup.find("article", id=f"indicator-{code}")


def figure(soup, name) -> str:
    return text(soup.find("dd", id=f"activity-{name}"))


def links(soup) -> set[str]:
    return {a["href"] for a in soup.find_all("a", href=True)}


def row_of(soup, caption_id, name) -> BeautifulSoup:
    table = soup.find("caption", id=caption_id).find_parent("table")
    return next(tr for tr in table.tbody.find_all("tr") if tr.th and text(tr.th) == name)


@pytest.fixture
def officer(client):
    user = user_with_role(roles.PROVINCE_OFFICER)
    client.force_login(user)
    return user


@pytest.fixture
def small_province():
    """Just enough for every page to exist: the province of the reports,
    a cooperative in one of its communes."""
    units = administrative_tree()
    cooperative = approved_cooperative(legal_name="HTX Chè Hồng Thái", commune=units["02254"])
    return units, cooperative


def every_page(units, cooperative) -> list[str]:
    district = units["072"]
    return [
        OVERVIEW,
        reverse("reports:unit", kwargs={"pk": district.pk}),
        reverse("reports:unit", kwargs={"pk": units["02254"].pk}),
        reverse("reports:unit-products", kwargs={"pk": district.pk}),
        reverse("reports:cooperative", kwargs={"pk": cooperative.pk}),
        reverse("reports:targets"),
        reverse("reports:target-add"),
        reverse("reports:target-edit", kwargs={"pk": Target.objects.first().pk}),
    ]


# --- The province overview ----------------------------------------------------


def test_overview_shows_each_indicator_against_its_target(client, officer, world):
    soup = page(client.get(en(OVERVIEW), YEAR_2025))

    communes = card(soup, "communes_with_cooperatives")
    assert text(communes.find(class_="report-card__fraction")) == "2/10"
    assert text(communes.find(class_="report-card__percent")) == "20%"
    assert "Target: 70% by 31/12/2025." in text(communes)
    assert text(communes.find("p", class_="report-status")) == "Behind"
    assert communes.find("svg", class_="report-progress--behind") is not None

    selling = card(soup, "communes_selling_online")
    assert text(selling.find(class_="report-card__fraction")) == "2/10"
    assert text(selling.find("p", class_="report-status")) == "No target"

    assert text(card(soup, "districts_with_linkage_models").find(class_="report-card__fraction")) == "1/3"
    assert text(card(soup, "districts_promoted_online").find(class_="report-card__fraction")) == "0/3"
    pilots = card(soup, "districts_with_pilots")
    assert text(pilots.find(class_="report-card__fraction")) == "1/3"
    assert "1 pilot commune running." in text(pilots)


def test_digital_linkage_models_show_what_partners_declare_apart(client, officer, world):
    digital = card(page(client.get(en(OVERVIEW), YEAR_2025)), "digital_linkage_models")
    assert text(digital.find(class_="report-card__fraction")) == "1/2"
    assert text(digital.find(class_="report-card__percent")) == "50%"
    assert text(digital.find("p", class_="report-status")) == "Met"
    declared = text(digital.find(class_="report-card__declared"))
    assert "1 linkage model names a digital tool" in declared
    assert "Farm diary app: 1" in declared
    behind = text(digital.find("details"))
    assert "✓ counted Chè búp tươi – Công ty Nông sản" in behind
    assert "✗ not counted Mật ong – Công ty Nông sản" in behind


def test_overview_shows_the_ecommerce_activity_in_dong(client, officer, world):
    # The Vietnamese page: money reads the Vietnamese way whatever the language.
    soup = page(client.get(OVERVIEW, YEAR_2025))
    assert figure(soup, "orders") == "3"
    assert figure(soup, "buyers") == "3"
    assert figure(soup, "gmv") == format_vnd(400000) == "400.000\u00a0₫"
    assert figure(soup, "aov") == format_vnd(133333)
    assert figure(soup, "online").startswith("66,7%")
    assert figure(soup, "cod").startswith("33,3%")


def test_english_overview_renders_in_english(client, officer, world):
    response = client.get(en(OVERVIEW), YEAR_2025)
    assert response.status_code == 200
    soup = page(response)
    assert soup.html["lang"] == "en"
    assert "Communes with a cooperative" in text(
        soup.find("h3", id="indicator-communes_with_cooperatives-title")
    )
    assert figure(soup, "online").startswith("66.7%")
    assert figure(soup, "online").endswith("(2 orders)")
    assert figure(soup, "cod").endswith("(1 order)")


def test_overview_without_a_period_shows_this_year(client, officer, world):
    soup = page(client.get(en(OVERVIEW)))
    this_year = timezone.localdate().year
    assert soup.find("select", id="period-select").find("option", selected=True)["value"] == str(this_year)
    assert f"Year {this_year}" in text(soup.find(class_="report-period__current"))


def test_districts_are_coloured_by_status_with_a_legend(client, officer, world):
    soup = page(client.get(en(OVERVIEW), YEAR_2025))
    legend = text(soup.find("ul", class_="report-legend"))
    for label in ("Met", "On track", "Behind", "No target", "Not applicable"):
        assert label in legend
    na_hang = row_of(soup, "rows-caption", "Huyện Na Hang")
    assert "report-row--behind" in na_hang["class"]
    assert text(na_hang.find(class_="report-status")) == "Behind"
    assert text(na_hang.find("td", attrs={"data-label": "Communes with a cooperative"})) == "2/5"
    # The orange cooperative was suspended in June: not approved at the year's end.
    ham_yen = row_of(soup, "rows-caption", "Huyện Hàm Yên")
    assert text(ham_yen.find("td", attrs={"data-label": "Communes with a cooperative"})) == "0/5"
    assert text(ham_yen.find("td", attrs={"data-label": "Orders"})) == "1"
    lam_binh = row_of(soup, "rows-caption", "Huyện Lâm Bình")
    assert "report-row--not_applicable" in lam_binh["class"]
    assert text(lam_binh.find(class_="report-status")) == "Not applicable"


def test_drill_down_from_province_to_district_to_commune_to_cooperative(client, officer, world):
    units, tea = world.units, world.cooperatives["tea"]
    na_hang_url = en(reverse("reports:unit", kwargs={"pk": units["na_hang"].pk}))
    tea_url = en(reverse("reports:cooperative", kwargs={"pk": tea.pk}))
    soup = page(client.get(en(OVERVIEW), YEAR_2025))
    to_na_hang = row_of(soup, "rows-caption", "Huyện Na Hang").th.a["href"]
    assert to_na_hang == na_hang_url + "?period=2025"

    district = page(client.get(to_na_hang))
    assert text(district.find("h1")) == "Report: Huyện Na Hang"
    assert [text(a) for a in district.find(class_="report-breadcrumb").find_all("a")] == ["Tỉnh Tuyên Quang"]
    communes = [
        text(tr.th) for tr in district.find("caption", id="rows-caption").find_parent("table").tbody("tr")
    ]
    assert communes == ["Thị trấn Na Hang", *(f"Xã Na Hang {n}" for n in range(1, 6))]
    behind = card(district, "communes_with_cooperatives").find("details")
    counted = [text(li) for li in behind.find_all("li", class_="report-counted")]
    assert counted == ["✓ counted Xã Na Hang 1", "✓ counted Xã Na Hang 2"]
    assert "✗ not counted Xã Na Hang 3" in text(behind)
    assert text(card(district, "communes_with_cooperatives").find(class_="report-card__fraction")) == "2/5"

    to_n1 = row_of(district, "rows-caption", "Xã Na Hang 1").th.a["href"]
    commune = page(client.get(to_n1))
    assert [text(a) for a in commune.find(class_="report-breadcrumb").find_all("a")] == [
        "Tỉnh Tuyên Quang",
        "Huyện Na Hang",
    ]
    tea_row = row_of(commune, "cooperatives-caption", "HTX Chè Na Hang")
    assert text(tea_row.find("td", attrs={"data-label": "Selling online"})) == "yes"
    assert text(tea_row.find("td", attrs={"data-label": "Orders"})) == "2"
    to_tea = tea_row.th.a["href"]
    assert to_tea == tea_url + "?period=2025"

    cooperative = page(client.get(to_tea))
    assert text(cooperative.find("h1")) == "Report: HTX Chè Na Hang"
    assert [text(a) for a in cooperative.find(class_="report-breadcrumb").find_all("a")] == [
        "Tỉnh Tuyên Quang",
        "Huyện Na Hang",
        "Xã Na Hang 1",
    ]
    assert text(cooperative.find("dd", id="cooperative-standing")) == "Approved"
    assert text(cooperative.find("dd", id="cooperative-listed")) == "1"
    assert figure(cooperative, "orders") == "2"
    assert figure(cooperative, "gmv") == format_vnd(300000)
    products = text(cooperative.find("caption", id="products-caption").find_parent("table"))
    assert "Chè Shan tuyết" in products
    assert "Chè búp tươi" in text(cooperative)


def test_drill_down_keeps_a_custom_period(client, officer, world):
    query = {"from": "2025-03-01", "to": "2025-04-30"}
    soup = page(client.get(en(OVERVIEW), query))
    assert "01/03/2025 – 30/04/2025" in text(soup.find(class_="report-period__current"))
    assert soup.find("input", id="period-from")["value"] == "2025-03-01"
    assert soup.find("input", id="period-to")["value"] == "2025-04-30"
    href = row_of(soup, "rows-caption", "Huyện Na Hang").th.a["href"]
    assert parse_qs(urlsplit(href).query) == {"period": ["2025-03-01..2025-04-30"]}
    district = page(client.get(href))
    assert "01/03/2025 – 30/04/2025" in text(district.find(class_="report-period__current"))
    # Only O1 (10 March) falls in these days.
    assert figure(district, "orders") == "1"
    assert figure(district, "gmv") == format_vnd(200000)


def test_a_suspended_cooperative_is_approved_before_its_suspension(client, officer, world):
    orange = world.cooperatives["orange"]
    url = en(reverse("reports:cooperative", kwargs={"pk": orange.pk}))
    assert (
        text(page(client.get(url, {"period": "2025-Q1"})).find("dd", id="cooperative-standing")) == "Approved"
    )
    assert text(page(client.get(url, YEAR_2025)).find("dd", id="cooperative-standing")) == "Not approved"


def test_period_picker_lists_years_quarters_and_months(client, officer, world):
    soup = page(client.get(en(OVERVIEW), {"period": "2025-Q2"}))
    select = soup.find("select", id="period-select")
    groups = {group["label"]: [o["value"] for o in group.find_all("option")] for group in select("optgroup")}
    this_year = timezone.localdate().year
    assert groups["Years"] == [str(year) for year in range(2021, this_year + 1)]
    assert groups["Quarters of 2025"] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert groups["Months of 2025"] == [f"2025-{month:02d}" for month in range(1, 13)]
    assert select.find("option", selected=True)["value"] == "2025-Q2"
    assert text(select.find("option", selected=True)) == "Quarter 2/2025"


def test_monthly_trend_is_drawn_and_tabled(client, officer, world):
    soup = page(client.get(en(OVERVIEW), YEAR_2025))
    titles = [text(svg.title) for svg in soup.find_all("svg", class_="report-chart")]
    assert titles == [
        "Orders by month",
        "Gross merchandise value by month",
        "Cooperatives selling online by month",
    ]
    orders_chart = soup.find("svg", id="trend-orders")
    assert orders_chart["role"] == "img"
    assert [text(bar.title) for bar in orders_chart.find_all("g")][2] == "03/2025: 1"
    table = soup.find("caption", id="trend-caption").find_parent("table")
    rows = {text(tr.th): [text(td) for td in tr("td")] for tr in table.tbody("tr")}
    assert len(rows) == 12
    assert rows["05/2025"] == ["1", format_vnd(150000), "2"]
    assert rows["07/2025"] == ["0", format_vnd(0), "0"]


def test_top_cooperatives_pilots_and_linkage_models(client, officer, world):
    soup = page(client.get(en(OVERVIEW), YEAR_2025))
    top = soup.find("caption", id="top-cooperatives-caption").find_parent("table")
    assert [text(tr.th) for tr in top.tbody("tr")] == [
        "HTX Chè Na Hang",
        # 50.000 ₫ each: the tie goes by name.
        "HTX Cam Hàm Yên",
        "HTX Gạo Thị trấn",
    ]
    pilots = soup.find("caption", id="pilots-caption").find_parent("table")
    (pilot,) = pilots.tbody("tr")
    assert text(pilot.th) == "Xã Na Hang 1"
    assert text(pilot.find("td", attrs={"data-label": "Orders"})) == "2"
    assert text(pilot.find("td", attrs={"data-label": "Gross merchandise value"})) == format_vnd(300000)
    models = soup.find("caption", id="linkage-caption").find_parent("table")
    assert [text(tr.th) for tr in models.tbody("tr")] == [
        "Chè búp tươi – Công ty Nông sản",
        "Mật ong – Công ty Nông sản",
    ]
    honey = models.tbody("tr")[1]
    assert text(honey.find("td", attrs={"data-label": "Digital tools declared"})) == "Farm diary app"
    assert text(honey.find("td", attrs={"data-label": "Digital (measured)"})) == "no"


def test_every_table_links_to_its_csv_and_xlsx_and_the_report_to_its_pdf(client, officer, world):
    province = world.units["province"]
    hrefs = links(page(client.get(OVERVIEW, YEAR_2025)))
    for table in ("indicators", "units", "cooperatives", "linkage-models", "pilots", "trend"):
        for file_format in ("csv", "xlsx"):
            url = reverse(
                "reports:unit-export", kwargs={"pk": province.pk, "table": table, "file_format": file_format}
            )
            assert f"{url}?period=2025" in hrefs
    assert reverse("reports:unit-pdf", kwargs={"pk": province.pk}) + "?period=2025" in hrefs
    assert reverse("reports:unit-products", kwargs={"pk": province.pk}) + "?period=2025" in hrefs


def test_cooperative_page_links_to_its_trend_and_products_downloads(client, officer, world):
    tea = world.cooperatives["tea"]
    hrefs = links(page(client.get(reverse("reports:cooperative", kwargs={"pk": tea.pk}), YEAR_2025)))
    for table in ("trend", "products"):
        for file_format in ("csv", "xlsx"):
            url = reverse(
                "reports:cooperative-export",
                kwargs={"pk": tea.pk, "table": table, "file_format": file_format},
            )
            assert f"{url}?period=2025" in hrefs


def test_targets_link_only_for_those_who_may_change_targets(client, world):
    targets = reverse("reports:targets")
    officer = user_with_role(roles.PROVINCE_OFFICER)
    client.force_login(officer)
    assert targets in links(page(client.get(OVERVIEW, YEAR_2025)))
    # A reader who may see the reports but not change targets.
    reader = user_with_role(roles.BUYER)
    reader.user_permissions.add(Permission.objects.get(codename="view_reports"))
    client.force_login(reader)
    response = client.get(OVERVIEW, YEAR_2025)
    assert response.status_code == 200
    assert targets not in links(page(response))


def test_unit_products_lists_the_best_sellers_of_the_units_cooperatives(client, officer, world):
    na_hang = world.units["na_hang"]
    exports = [
        en(reverse("reports:unit-export", kwargs={"pk": na_hang.pk, "table": "products", "file_format": f}))
        for f in ("csv", "xlsx")
    ]
    response = client.get(en(reverse("reports:unit-products", kwargs={"pk": na_hang.pk})), YEAR_2025)
    soup = page(response)
    table = soup.find("caption", id="products-caption").find_parent("table")
    rows = [[text(cell) for cell in tr(["th", "td"])] for tr in table.tbody("tr")]
    # Tea: O1 (2) and O2 (1); rice: O4, whose partial refund is not split over lines.
    assert rows == [
        ["1", "Chè Shan tuyết", "HTX Chè Na Hang", "3", "2", format_vnd(300000)],
        ["2", "Gạo nếp", "HTX Gạo Thị trấn", "1", "1", format_vnd(80000)],
    ]
    for url in exports:
        assert url + "?period=2025" in links(soup)
    assert [text(a) for a in soup.find(class_="report-breadcrumb").find_all("a")] == [
        "Tỉnh Tuyên Quang",
        "Huyện Na Hang",
    ]


def test_a_period_without_orders_shows_zeros_not_errors(client, officer, world):
    soup = page(client.get(en(OVERVIEW), {"period": "2023-02"}))
    assert figure(soup, "orders") == "0"
    assert figure(soup, "gmv") == format_vnd(0)
    assert figure(soup, "online").startswith("–")
    assert "No cooperative sold in this period." in text(soup)
    assert soup.find("svg", id="trend-orders").desc.string == "Nothing in this period: every value is zero."


# --- Who sees the reports -------------------------------------------------------


@pytest.mark.parametrize(
    "make_user",
    [
        lambda cooperative: user_with_role(roles.BUYER),
        # Staff of the very cooperative the page is about see nothing either.
        lambda cooperative: cooperative_staff_user(partner=cooperative.partner),
        lambda cooperative: user_with_role(roles.TOURISM_OFFICER),
    ],
    ids=["buyer", "cooperative staff", "tourism officer"],
)
def test_other_roles_are_refused(client, small_province, make_user):
    units, cooperative = small_province
    client.force_login(make_user(cooperative))
    for url in every_page(units, cooperative):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(client, small_province):
    login = reverse("customer:login")
    for url in every_page(*small_province):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login)


@pytest.mark.parametrize("role", [roles.PROVINCE_OFFICER, roles.PLATFORM_ADMIN])
def test_province_officers_and_platform_admins_see_every_page(client, small_province, role):
    client.force_login(user_with_role(role))
    for url in every_page(*small_province):
        response = client.get(url)
        assert response.status_code == 200, url
        # Figures change with every order: never kept by a cache.
        assert "no-cache" in response["Cache-Control"], url


def test_a_district_reader_reads_only_their_district(client, world):
    units, cooperatives = world.units, world.cooperatives

    def unit(name, route="reports:unit"):
        return reverse(route, kwargs={"pk": units[name].pk})

    def cooperative(name):
        return reverse("reports:cooperative", kwargs={"pk": cooperatives[name].pk})

    reader = user_with_role(roles.BUYER)
    DistrictReportViewer.objects.create(user=reader, district=units["na_hang"])
    client.force_login(reader)
    response = client.get(OVERVIEW, YEAR_2025)
    assert response.status_code == 302
    assert response["Location"] == unit("na_hang") + "?period=2025"
    for url in (
        unit("na_hang"),
        unit("N1"),
        unit("town"),
        unit("na_hang", "reports:unit-products"),
        cooperative("tea"),
    ):
        assert client.get(url, YEAR_2025).status_code == 200, url
    for url in (unit("ham_yen"), unit("H1"), unit("ham_yen", "reports:unit-products"), cooperative("orange")):
        assert client.get(url, YEAR_2025).status_code == 403, url
    district = page(client.get(unit("na_hang"), YEAR_2025))
    assert reverse("reports:targets") not in links(district)
    # O1 and O2 (tea), O4 (rice, in the town).
    assert figure(district, "orders") == "3"


def test_a_reader_of_two_districts_chooses_one(client, world):
    units = world.units
    reader = user_with_role(roles.BUYER)
    for name in ("na_hang", "ham_yen"):
        DistrictReportViewer.objects.create(user=reader, district=units[name])
    client.force_login(reader)
    response = client.get(OVERVIEW, YEAR_2025)
    assert response.status_code == 200
    choices = page(response).find("ul", class_="report-list").find_all("a")
    assert [(text(a), a["href"]) for a in choices] == [
        ("Huyện Hàm Yên", reverse("reports:unit", kwargs={"pk": units["ham_yen"].pk}) + "?period=2025"),
        ("Huyện Na Hang", reverse("reports:unit", kwargs={"pk": units["na_hang"].pk}) + "?period=2025"),
    ]


# --- Hostile input ------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("parameter", ["period", "from", "to"])
def test_hostile_periods_get_400_and_a_reason(client, officer, small_province, parameter, value):
    response = client.get(en(OVERVIEW), {parameter: value})
    assert response.status_code == 400
    alert = page(response).find("p", class_="notice--error")
    assert text(alert).startswith("This period cannot be shown:")
    assert "<script>" not in response.content.decode()
    # The picker is still there to choose again.
    assert page(response).find("select", id="period-select") is not None


@pytest.mark.parametrize(
    "query, reason",
    [
        ({"period": "2025-13"}, "There is no month 13."),
        ({"period": "1990"}, "Choose a year from 2015 to 2100."),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "The period cannot end before it starts."),
        ({"from": "2015-01-01", "to": "2025-01-01"}, "A period can be at most five years long."),
        ({"from": "2025-02-30"}, "“2025-02-30” is not a date (YYYY-MM-DD)."),
    ],
)
def test_impossible_periods_say_why(client, officer, small_province, query, reason):
    response = client.get(en(OVERVIEW), query)
    assert response.status_code == 400
    assert reason in text(page(response).find("p", class_="notice--error"))


def test_every_report_page_answers_a_bad_period_with_400(client, officer, small_province):
    units, cooperative = small_province
    for url in every_page(units, cooperative)[:5]:
        response = client.get(url, {"period": "<script>"})
        assert response.status_code == 400, url
        assert "<script>" not in response.content.decode(), url


def test_units_and_cooperatives_of_another_province_are_not_found(client, officer, small_province):
    other = other_province_tree()
    stranger = approved_cooperative(legal_name="HTX Bắc Mê", commune=other["commune"])
    urls = [
        reverse("reports:unit", kwargs={"pk": other["province"].pk}),
        reverse("reports:unit", kwargs={"pk": other["district"].pk}),
        reverse("reports:unit", kwargs={"pk": other["commune"].pk}),
        reverse("reports:unit-products", kwargs={"pk": other["district"].pk}),
        reverse("reports:cooperative", kwargs={"pk": stranger.pk}),
    ]
    for url in urls:
        assert client.get(url, YEAR_2025).status_code == 404, url


def test_unknown_and_absurd_ids_are_not_found(client, officer, small_province):
    for name in ("reports:unit", "reports:unit-products", "reports:cooperative", "reports:target-edit"):
        for pk in (987654, int("9" * 40)):
            url = reverse(name, kwargs={"pk": pk})
            assert client.get(url).status_code == 404, url


def test_hostile_names_are_escaped(client, officer, small_province):
    units, cooperative = small_province
    cooperative.legal_name = "<script>alert('htx')</script>"
    cooperative.save()
    units["02254"].name = "<img src=x onerror=alert(1)>"
    units["02254"].save()
    for url in (OVERVIEW, reverse("reports:unit", kwargs={"pk": units["02254"].pk})):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body
        assert "<img src=x" not in body


# --- Performance --------------------------------------------------------------------


# Measured on SQLite for the world of conftest.py: the overview costs the
# same whatever the number of cooperatives and orders.
OVERVIEW_QUERIES = 30


def overview_queries(client, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = client.get(OVERVIEW, YEAR_2025)
    assert response.status_code == 200


def more_sales(world, count=5):
    """Five more cooperatives, each in a commune of its own, with a product
    and orders in 2025."""
    units = world.units
    for index, commune in enumerate(["N3", "N4", "H2", "H3", "H4"][:count]):
        cooperative = approved_cooperative(legal_name=f"HTX Thêm {index}", commune=units[commune])
        product = listed_product(cooperative, f"Sản phẩm {index}", "30000")
        for month in (2, 9):
            place_order(
                [(product, 2)],
                placed_at=local(2025, month, 10 + index, 9),
                payment="stripe",
                guest_email=f"khach{index}-{month}@example.vn",
            )


def test_overview_costs_a_constant_number_of_queries(client, officer, world, django_assert_max_num_queries):
    overview_queries(client, django_assert_max_num_queries)
    more_sales(world)
    soup = page(client.get(en(OVERVIEW), YEAR_2025))
    # The extra sales are there, and cost no extra query.
    assert figure(soup, "orders") == "13"
    overview_queries(client, django_assert_max_num_queries)


def test_query_count_is_held_tightly(client, officer, world, django_assert_num_queries):
    # If the page gets cheaper, lower OVERVIEW_QUERIES rather than leave slack.
    with django_assert_num_queries(OVERVIEW_QUERIES):
        client.get(OVERVIEW, YEAR_2025)
