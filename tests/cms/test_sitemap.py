import xml.etree.ElementTree as ET

import pytest

from tests.factories.cms import PUBLIC, add_page, destination, public

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_address")]


NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }


def test_the_sitemap_lists_destinations_in_both_languages_with_absolute_addresses(client, site):
    entries = sitemap(client)
    for vi, en in site.destinations.values():
        assert PUBLIC + vi.url in entries
        assert PUBLIC + en.url in entries
        assert en.url.startswith("/en/")
        assert not vi.url.startswith("/en/")
    # Every address is under the public one, not Wagtail's Site record.
    assert all(location.startswith(PUBLIC + "/") for location in entries)
    # The home pages and the other pages are there too.
    assert PUBLIC + "/" in entries
    assert PUBLIC + "/en/" in entries
    assert PUBLIC + "/en/map/" in entries
    assert public(site.event) in entries


def test_each_entry_names_its_translations(client, site):
    khau_trang, khau_trang_en = site.destinations["Làng Khâu Tràng"]
    entries = sitemap(client)
    expected = {"vi": public(khau_trang), "en": public(khau_trang_en), "x-default": public(khau_trang)}
    assert entries[public(khau_trang)] == expected
    assert entries[public(khau_trang_en)] == expected


def test_drafts_and_untranslated_pages_are_listed_as_they_are(client, site):
    na_hang = site.sections["072"][0]
    add_page(
        na_hang,
        destination(na_hang, title="Bản nháp", slug="ban-nhap", lat="22.4", lon="105.4"),
        publish=False,
    )
    pac_ban, pac_ban_en = site.destinations["Thác Pác Ban"]
    pac_ban_en.unpublish()

    entries = sitemap(client)
    assert not any("ban-nhap" in location for location in entries)
    assert public(pac_ban_en) not in entries
    # A page without a live translation names no alternates.
    assert entries[public(pac_ban)] == {}
