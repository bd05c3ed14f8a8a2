import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import PartnerFactory, ProductFactory

from cooperatives import services
from cooperatives.models import (
    AdministrativeUnit,
    Certification,
    Cooperative,
    LinkageModel,
    RawMaterialArea,
)

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")


@pytest.fixture
def units():
    """A small map: one province, two districts, three communes."""

    def unit(code, name, level, parent=None):
        return AdministrativeUnit.objects.create(
            edition="2025-03-01",
            code=code,
            name=name,
            short_name=name.split(" ", 1)[1],
            unit_type=name.split(" ", 1)[0],
            level=level,
            parent=parent,
        )

    province = unit("08", "Tỉnh Tuyên-Quang", "province")
    na_hang = unit("072", "Huyện Na-Hang", "district", province)
    ham_yen = unit("074", "Huyện Hàm-Yên", "district", province)
    return {
        "na_hang": na_hang,
        "ham_yen": ham_yen,
        "hong_thai": unit("02254", "Xã Hồng-Thái", "commune", na_hang),
        "sinh_long": unit("02227", "Xã Sinh-Long", "commune", na_hang),
        "thai_hoa": unit("02419", "Xã Thái-Hòa", "commune", ham_yen),
    }


_numbers = iter(range(1, 10_000))


def make_cooperative(name, commune, *, status=Cooperative.Status.APPROVED, **fields):
    """A cooperative straight in the database (approved ones with their
    partner), without the e-mails of the services."""
    number = next(_numbers)
    values = {
        "legal_name": name,
        "slug": f"htx-{number}",
        "registration_number": f"T-{number:05d}",
        "commune": commune,
        "address": "Thôn Hồng Ba",
        "phone": "0207 000 0000",
        "email": f"htx{number}@choque.example",
        "representative": "Lý Văn Hùng",
        "status": status,
        **fields,
    }
    if status != Cooperative.Status.APPLIED and "partner" not in values:
        values["partner"] = PartnerFactory(name=name[:128])
    return Cooperative.objects.create(**values)


def make_area(cooperative, name="Vùng chè Hồng Ba", **fields):
    values = {
        "cooperative": cooperative,
        "name": name,
        "commune": cooperative.commune,
        "area_hectares": Decimal("12.50"),
        "latitude": Decimal("22.437100"),
        "longitude": Decimal("105.304500"),
        "main_crop": "Chè Shan tuyết",
        **fields,
    }
    return RawMaterialArea.objects.create(**values)


def make_certification(area, number, valid_from, valid_until, scheme=Certification.Scheme.VIETGAP):
    return Certification.objects.create(
        raw_material_area=area,
        scheme=scheme,
        certificate_number=number,
        issuer="Trung tâm chứng nhận thử",
        valid_from=valid_from,
        valid_until=valid_until,
    )


def make_product(title, partner=None, **fields):
    # Oscar's factory adds a category with a hand-made tree path, which
    # collides with the categories these tests add through treebeard.
    if partner is not None:
        fields["stockrecords__partner"] = partner
    return ProductFactory(title=title, categories=None, **fields)


def today():
    return timezone.localdate()


def days(number):
    return datetime.timedelta(days=number)


# --- Directory ---------------------------------------------------------------


def test_directory_lists_approved_cooperatives_only(client, units):
    make_cooperative("HTX Được Duyệt", units["hong_thai"])
    make_cooperative("HTX Đang Chờ", units["hong_thai"], status=Cooperative.Status.APPLIED)
    make_cooperative("HTX Bị Từ Chối", units["hong_thai"], status=Cooperative.Status.REJECTED)
    make_cooperative("HTX Tạm Dừng", units["hong_thai"], status=Cooperative.Status.SUSPENDED)

    content = client.get("/cooperatives/").content.decode()

    assert "HTX Được Duyệt" in content
    for hidden in ("HTX Đang Chờ", "HTX Bị Từ Chối", "HTX Tạm Dừng"):
        assert hidden not in content


def test_directory_shows_place_products_categories_logo_and_links_the_profile(client, units):
    tea = Category.add_root(name="Chè")
    cooperative = make_cooperative(
        "HTX Sơn-Trà", units["hong_thai"], main_products="Chè Shan tuyết 1 tôm 1 lá", logo="logo/son-tra.png"
    )
    cooperative.product_categories.add(tea)

    content = client.get("/cooperatives/").content.decode()

    assert f'href="{cooperative.get_absolute_url()}"' in content
    assert "Xã Hồng-Thái, Huyện Na-Hang" in content
    assert "Chè Shan tuyết 1 tôm 1 lá" in content
    assert "<li>Chè</li>" in content
    assert f'src="{settings.MEDIA_URL}logo/son-tra.png"' in content


def test_directory_filters_by_district(client, units):
    make_cooperative("HTX Hồng-Thái", units["hong_thai"])
    make_cooperative("HTX Sinh-Long", units["sinh_long"])
    make_cooperative("HTX Thái-Hòa", units["thai_hoa"])

    content = client.get("/cooperatives/", {"district": units["na_hang"].pk}).content.decode()

    assert "HTX Hồng-Thái" in content
    assert "HTX Sinh-Long" in content
    assert "HTX Thái-Hòa" not in content
    # The choice stays selected in the form.
    assert f'<option value="{units["na_hang"].pk}" selected>' in content


def test_directory_filters_by_commune(client, units):
    make_cooperative("HTX Hồng-Thái", units["hong_thai"])
    make_cooperative("HTX Sinh-Long", units["sinh_long"])

    content = client.get("/cooperatives/", {"commune": units["sinh_long"].pk}).content.decode()

    assert "HTX Sinh-Long" in content
    assert "HTX Hồng-Thái" not in content


def test_a_commune_outside_the_chosen_district_matches_nothing(client, units):
    make_cooperative("HTX Thái-Hòa", units["thai_hoa"])

    response = client.get(
        "/en/cooperatives/", {"district": units["na_hang"].pk, "commune": units["thai_hoa"].pk}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "HTX Thái-Hòa" not in content
    assert "No cooperative matches these filters." in content


def test_directory_filters_by_category_and_its_subcategories(client, units):
    drinks = Category.add_root(name="Đồ uống")
    tea = drinks.add_child(name="Chè")
    fruit = Category.add_root(name="Trái cây")
    tea_maker = make_cooperative("HTX Chè", units["hong_thai"])
    tea_maker.product_categories.add(tea)
    fruit_grower = make_cooperative("HTX Cam", units["thai_hoa"])
    fruit_grower.product_categories.add(fruit)

    by_parent = client.get("/cooperatives/", {"category": drinks.pk}).content.decode()
    by_child = client.get("/cooperatives/", {"category": tea.pk}).content.decode()
    by_fruit = client.get("/cooperatives/", {"category": fruit.pk}).content.decode()

    assert "HTX Chè" in by_parent and "HTX Cam" not in by_parent
    assert "HTX Chè" in by_child and "HTX Cam" not in by_child
    assert "HTX Cam" in by_fruit and "HTX Chè" not in by_fruit
    # The parent of a used category is offered too, labelled with its path.
    assert "Đồ uống › Chè" in by_parent
    assert f'<option value="{drinks.pk}" selected>Đồ uống</option>' in by_parent


def test_filter_choices_are_units_and_categories_that_have_approved_cooperatives(client, units):
    make_cooperative("HTX Hồng-Thái", units["hong_thai"])
    make_cooperative("HTX Chờ", units["thai_hoa"], status=Cooperative.Status.APPLIED)

    content = client.get("/cooperatives/").content.decode()

    assert f'<option value="{units["na_hang"].pk}"' in content
    assert f'<option value="{units["hong_thai"].pk}"' in content
    assert f'<option value="{units["ham_yen"].pk}"' not in content
    assert f'<option value="{units["thai_hoa"].pk}"' not in content


@pytest.mark.parametrize(
    "params",
    [
        {"district": "abc"},
        {"district": "99999999999999999999999"},
        {"district": "-3"},
        {"district": "٣"},
        {"commune": "1.5"},
        {"category": "' OR 1=1 --"},
        {"category": "0"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999999"},
        {"district": "", "commune": "", "category": "", "page": ""},
    ],
)
def test_junk_filter_values_are_ignored(client, units, params):
    make_cooperative("HTX Hồng-Thái", units["hong_thai"])

    response = client.get("/cooperatives/", params)

    assert response.status_code == 200
    assert "HTX Hồng-Thái" in response.content.decode()


def test_a_unit_of_the_wrong_level_is_ignored(client, units):
    make_cooperative("HTX Thái-Hòa", units["thai_hoa"])

    # A commune's id given as the district, a district's id as the commune.
    response = client.get(
        "/cooperatives/", {"district": units["hong_thai"].pk, "commune": units["na_hang"].pk}
    )

    assert response.status_code == 200
    assert "HTX Thái-Hòa" in response.content.decode()


def test_an_unknown_id_is_ignored(client, units):
    make_cooperative("HTX Thái-Hòa", units["thai_hoa"])
    response = client.get("/cooperatives/", {"district": 987654, "commune": 987655, "category": 987656})
    assert response.status_code == 200
    assert "HTX Thái-Hòa" in response.content.decode()


def test_directory_pages_by_24_and_bad_page_numbers_fall_back(client, units):
    for number in range(25):
        make_cooperative(f"HTX Số {number:02d}", units["hong_thai"])

    first = client.get("/cooperatives/").content.decode()
    second = client.get("/cooperatives/", {"page": 2}).content.decode()
    not_a_number = client.get("/cooperatives/", {"page": "abc"}).content.decode()
    past_the_end = client.get("/cooperatives/", {"page": 99})

    assert first.count('class="coop-card"') == 24
    assert second.count('class="coop-card"') == 1
    assert "HTX Số 24" in second and "HTX Số 24" not in first
    assert not_a_number.count('class="coop-card"') == 24
    assert past_the_end.status_code == 200
    assert "HTX Số 24" in past_the_end.content.decode()


def test_pagination_links_keep_the_filters(client, units):
    for number in range(25):
        make_cooperative(f"HTX Số {number:02d}", units["hong_thai"])

    content = client.get("/cooperatives/", {"district": units["na_hang"].pk}).content.decode()

    assert f'href="?district={units["na_hang"].pk}&amp;page=2"' in content


@pytest.mark.parametrize(("path", "language"), [("/cooperatives/", "vi"), ("/en/cooperatives/", "en")])
def test_directory_answers_in_both_languages(client, units, path, language):
    make_cooperative("HTX Hồng-Thái", units["hong_thai"])
    response = client.get(path)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_every_filter_field_has_a_label_and_the_form_works_without_javascript(client, units):
    make_cooperative("HTX Hồng-Thái", units["hong_thai"])
    content = client.get("/en/cooperatives/").content.decode()

    # The filter form, not the header's search box.
    opening, body = next(
        form
        for form in re.findall(r"(<form[^>]*>)(.*?)</form>", content, re.S)
        if "filter-district" in form[1]
    )
    assert 'method="get"' in opening
    for name in ("district", "commune", "category"):
        assert f'<label for="filter-{name}">' in body
        assert f'<select id="filter-{name}" name="{name}">' in body
    assert '<button type="submit"' in body


def test_empty_directory_says_so(client):
    response = client.get("/en/cooperatives/")
    assert response.status_code == 200
    assert "No cooperative is listed yet." in response.content.decode()


# --- Profile -----------------------------------------------------------------


def test_profile_of_an_approved_cooperative(client, units):
    cooperative = make_cooperative(
        "HTX Sơn-Trà",
        units["hong_thai"],
        phone="0207 000 0721",
        founding_year=2012,
        member_households=135,
        main_products="Chè Shan tuyết",
    )

    response = client.get(f"/cooperatives/{cooperative.slug}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>HTX Sơn-Trà</h1>" in content
    assert "Xã Hồng-Thái, Huyện Na-Hang, Tỉnh Tuyên-Quang" in content
    assert 'href="tel:02070000721"' in content
    assert f'href="mailto:{cooperative.email}"' in content
    assert "Lý Văn Hùng" in content
    assert "2012" in content
    assert "135" in content
    assert "Chè Shan tuyết" in content


@pytest.mark.parametrize(
    "status", [Cooperative.Status.APPLIED, Cooperative.Status.SUSPENDED, Cooperative.Status.REJECTED]
)
def test_profile_of_a_cooperative_that_is_not_approved_is_not_found(client, units, status):
    cooperative = make_cooperative("HTX Ẩn", units["hong_thai"], status=status)
    assert client.get(f"/cooperatives/{cooperative.slug}/").status_code == 404
    assert client.get(f"/en/cooperatives/{cooperative.slug}/").status_code == 404


def test_profile_of_an_unknown_slug_is_not_found(client, units):
    assert client.get("/cooperatives/khong-co-htx-nay/").status_code == 404


def test_profile_answers_in_english_under_en(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    response = client.get(f"/en/cooperatives/{cooperative.slug}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Raw-material areas" in content


def test_only_valid_certifications_are_shown(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    area = make_area(cooperative)
    make_certification(area, "VG-CON-HAN", today() - days(30), today() + days(365))
    make_certification(area, "VG-HET-HAN", today() - days(400), today() - days(1))
    make_certification(area, "VG-CHUA-HIEU-LUC", today() + days(10), today() + days(400))

    content = client.get(f"/en/cooperatives/{cooperative.slug}/").content.decode()

    assert "VG-CON-HAN" in content
    assert "Trung tâm chứng nhận thử" in content
    assert "VG-HET-HAN" not in content
    assert "VG-CHUA-HIEU-LUC" not in content


def test_an_area_with_only_expired_certifications_says_none_is_in_force(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    make_certification(make_area(cooperative), "VG-HET-HAN", today() - days(400), today() - days(1))

    content = client.get(f"/en/cooperatives/{cooperative.slug}/").content.decode()

    assert "VG-HET-HAN" not in content
    assert "None in force" in content


def test_description_is_shown_as_html_once_the_service_sanitised_it(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    services.cooperative_profile_update(
        cooperative=cooperative,
        data={
            "description": '<p>Chè <strong>ngon</strong></p><script>alert("x")</script>'
            '<a href="javascript:alert(1)" onclick="steal()">link</a>'
        },
    )

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    assert "<p>Chè <strong>ngon</strong></p>" in content
    assert "alert(" not in content
    assert "steal()" not in content
    assert "javascript:" not in content


def test_areas_are_listed_as_text_for_pages_without_the_map(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    area = make_area(cooperative, name="Vùng chè Khâu Tràng")
    make_certification(area, "HC-0001", today() - days(1), today() + days(100), Certification.Scheme.ORGANIC)
    make_area(cooperative, name="Vùng chưa định vị", latitude=None, longitude=None, main_crop="Chè xanh")

    content = client.get(f"/en/cooperatives/{cooperative.slug}/").content.decode()

    listing = content[content.index('<ul class="coop-areas">') :]
    assert "Vùng chè Khâu Tràng" in listing
    assert "Xã Hồng-Thái" in listing
    assert "12.50 ha" in listing
    assert "Chè Shan tuyết" in listing
    assert "22.437100, 105.304500" in listing
    assert "Organic no. HC-0001" in listing
    # An area without coordinates is still listed, just not on the map.
    assert "Vùng chưa định vị" in listing
    # The map is hidden until the script shows it.
    assert re.search(r'<div class="coop-map" id="cooperative-map" hidden', content)


def test_map_data_holds_markers_and_boundaries(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    boundary = {
        "type": "Polygon",
        "coordinates": [[[105.3, 22.43], [105.31, 22.43], [105.31, 22.44], [105.3, 22.44], [105.3, 22.43]]],
    }
    make_area(cooperative, name="Có ranh giới", boundary=boundary)
    make_area(cooperative, name="Chỉ có ranh giới", latitude=None, longitude=None, boundary=boundary)
    make_area(cooperative, name="Không có vị trí", latitude=None, longitude=None)

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    data = re.search(
        r'<script id="cooperative-map-data" type="application/json">(.*?)</script>', content, re.S
    )
    areas = {area["name"]: area for area in json.loads(data.group(1))}
    assert set(areas) == {"Có ranh giới", "Chỉ có ranh giới"}
    assert areas["Có ranh giới"]["lat"] == pytest.approx(22.4371)
    assert areas["Có ranh giới"]["lon"] == pytest.approx(105.3045)
    assert areas["Có ranh giới"]["boundary"] == boundary
    assert areas["Chỉ có ranh giới"]["lat"] is None


def test_a_name_in_the_map_data_cannot_break_out_of_its_script(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    make_area(cooperative, name="</script><script>alert(1)</script>")

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    assert "<script>alert(1)" not in content


def test_profile_uses_the_local_leaflet_and_no_other_host(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    make_area(cooperative)

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in content
    assert '<script src="/static/js/map-marker-icon.js" defer></script>' in content
    assert '<script src="/static/js/cooperative-map.js" defer></script>' in content
    assert 'href="/static/vendor/leaflet/leaflet.css"' in content
    sources = re.findall(r'<script[^>]*\ssrc="([^"]*)"', content)
    sheets = re.findall(r'<link[^>]*\shref="([^"]*)"', content)
    assert sources and sheets
    for url in sources + sheets:
        assert url.startswith("/static/"), url
    assert "openstreetmap" not in content


def test_the_only_hosts_of_the_map_script_are_openstreetmaps():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "cooperative-map.js").read_text()
    hosts = set(re.findall(r"https?://([^/\"']+)", script))
    assert hosts == {"{s}.tile.openstreetmap.org", "www.openstreetmap.org"}
    for name in ("leaflet.js", "leaflet.css", "images/marker-icon.png", "LICENSE"):
        assert (Path(settings.BASE_DIR) / "static" / "vendor" / "leaflet" / name).is_file()


def test_profile_without_located_areas_loads_no_map(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    make_area(cooperative, latitude=None, longitude=None)

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    assert "leaflet" not in content
    assert "cooperative-map-data" not in content


def test_unverified_facts_carry_a_notice_with_their_source(client, units):
    unverified = make_cooperative(
        "HTX Từ Báo",
        units["hong_thai"],
        facts_verified=False,
        source_url="https://baotuyenquang.com.vn/bai-viet",
    )
    verified = make_cooperative("HTX Đã Xác Minh", units["hong_thai"])

    notice = "This information comes from public sources and has not been verified"
    unverified_page = client.get(f"/en/cooperatives/{unverified.slug}/").content.decode()
    verified_page = client.get(f"/en/cooperatives/{verified.slug}/").content.decode()

    assert notice in unverified_page
    assert 'href="https://baotuyenquang.com.vn/bai-viet"' in unverified_page
    assert notice not in verified_page


def test_only_active_linkage_models_are_shown(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    active = LinkageModel.objects.create(
        enterprise_name="Công ty Chè Đang Mua",
        product_description="Chè búp tươi",
        signed_on=datetime.date(2024, 3, 1),
        expires_on=today() + days(365),
    )
    ended = LinkageModel.objects.create(
        enterprise_name="Công ty Đã Ngừng",
        product_description="Chè khô",
        signed_on=datetime.date(2020, 1, 1),
        expires_on=today() - days(1),
    )
    active.cooperatives.add(cooperative)
    ended.cooperatives.add(cooperative)

    content = client.get(f"/en/cooperatives/{cooperative.slug}/").content.decode()

    assert "Công ty Chè Đang Mua" in content
    assert "Chè búp tươi" in content
    assert "Công ty Đã Ngừng" not in content


def test_profile_lists_the_cooperatives_public_products(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    on_sale = make_product("Chè Shan tuyết hộp 200 g", cooperative.partner)
    hidden = make_product("Chè chưa mở bán", cooperative.partner, is_public=False)
    someone_elses = make_product("Cam của HTX khác")

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    assert f'href="{on_sale.get_absolute_url()}"' in content
    assert "Chè Shan tuyết hộp 200 g" in content
    assert hidden.title not in content
    assert someone_elses.title not in content


def test_profile_shows_at_most_twelve_products(client, units):
    cooperative = make_cooperative("HTX Sơn-Trà", units["hong_thai"])
    for number in range(14):
        make_product(f"Sản phẩm {number:02d}", cooperative.partner)

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    products = content[content.index('<ul class="coop-products">') :]
    products = products[: products.index("</ul>")]
    assert products.count("<li>") == 12


def test_profile_has_open_graph_tags(client, units):
    cooperative = make_cooperative(
        "HTX Sơn-Trà", units["hong_thai"], main_products="Chè Shan tuyết", logo="logo/son-tra.png"
    )

    content = client.get(f"/cooperatives/{cooperative.slug}/").content.decode()

    assert "<title>HTX Sơn-Trà · Chợ Quê</title>" in content
    assert '<meta property="og:title" content="HTX Sơn-Trà">' in content
    assert re.search(
        r'<meta property="og:description" content="HTX Sơn-Trà \(Xã Hồng-Thái, [^"]*Chè', content
    )
    assert f'<meta property="og:url" content="http://testserver/cooperatives/{cooperative.slug}/">' in content
    assert '<meta property="og:image" content="http://testserver/media/logo/son-tra.png">' in content


def _rich_cooperative(units, size):
    """An approved cooperative with ``size`` of each thing its profile shows."""
    cooperative = make_cooperative("HTX Đầy Đủ", units["hong_thai"], logo="logo/day-du.png")
    for number in range(size):
        area = make_area(
            cooperative,
            name=f"Vùng {number}",
            commune=units["sinh_long"] if number % 2 else units["hong_thai"],
            boundary={
                "type": "Polygon",
                "coordinates": [[[105.3, 22.43], [105.31, 22.43], [105.31, 22.44], [105.3, 22.43]]],
            },
        )
        make_certification(area, f"VG-{number}", today() - days(10), today() + days(100))
        make_certification(area, f"HC-{number}", today() - days(10), today() + days(100), "organic")
        make_certification(area, f"CU-{number}", today() - days(400), today() - days(10))
        linkage = LinkageModel.objects.create(
            enterprise_name=f"Công ty {number}",
            product_category=Category.add_root(name=f"Loại {number}"),
            product_description="Chè",
            signed_on=datetime.date(2024, 1, 1),
            expires_on=today() + days(300),
        )
        linkage.cooperatives.add(cooperative)
        cooperative.product_categories.add(Category.add_root(name=f"Nhóm {number}"))
        make_product(f"Sản phẩm {number}", cooperative.partner)
    return cooperative


def test_profile_takes_few_queries(client, units, django_assert_max_num_queries):
    cooperative = _rich_cooperative(units, 4)
    with django_assert_max_num_queries(15):
        response = client.get(f"/cooperatives/{cooperative.slug}/")
    assert response.status_code == 200
    assert response.content.decode().count("<h3>Vùng ") == 4


def test_profile_query_count_does_not_grow_with_its_content(client, units):
    small = _rich_cooperative(units, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/cooperatives/{small.slug}/")
    small.delete()
    big = _rich_cooperative(units, 5)
    with CaptureQueriesContext(connection) as five:
        client.get(f"/cooperatives/{big.slug}/")
    assert len(five) == len(one)


def test_directory_query_count_does_not_grow_with_its_content(client, units):
    for number in range(3):
        cooperative = make_cooperative(f"HTX {number}", units["hong_thai"])
        cooperative.product_categories.add(Category.add_root(name=f"Nhóm {number}"))
    with CaptureQueriesContext(connection) as three:
        client.get("/cooperatives/")
    for number in range(3, 20):
        cooperative = make_cooperative(f"HTX {number}", units["sinh_long"])
        cooperative.product_categories.add(Category.add_root(name=f"Nhóm {number}"))
    with CaptureQueriesContext(connection) as twenty:
        client.get("/cooperatives/")
    assert len(twenty) == len(three)
