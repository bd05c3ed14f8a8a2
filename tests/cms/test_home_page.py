import pytest
from wagtail.models import Locale, Page, Site

from cms.models import HomePage

pytestmark = pytest.mark.django_db


def test_the_site_starts_on_the_vietnamese_home_page():
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.locale.language_code == "vi"
    english = home.get_translation(Locale.objects.get(language_code="en"))
    assert english.live
    # Wagtail's placeholder page is gone.
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()


def test_home_page_is_served_in_vietnamese_at_the_root(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "truy xuất được nguồn gốc" in content
    # The project's own strings are translated too.
    assert "Xem các sản phẩm" in content
    assert 'href="/en/"' in content


def test_home_page_is_served_in_english_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "traceable back to the field" in content
    assert "Browse the products" in content
    assert 'href="/en/shop/catalogue/"' in content
    # The switcher leads back to the Vietnamese page.
    assert 'href="/" lang="vi"' in content


def test_a_page_without_a_live_translation_says_so(client):
    english = HomePage.objects.get(locale__language_code="en")
    english.unpublish()
    content = client.get("/").content.decode()
    assert "chưa được dịch" in content
    # Wagtail falls back to the Vietnamese page, and the page says so.
    fallback = client.get("/en/").content.decode()
    assert "This page is not translated yet; it is shown in Tiếng Việt." in fallback
    assert "truy xuất được nguồn gốc" in fallback


def test_home_page_fits_a_phone_screen(client):
    content = client.get("/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content


@pytest.mark.parametrize("path", ["/shop/catalogue/", "/en/shop/catalogue/"])
def test_the_shop_catalogue_answers_in_both_languages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert ("en" if path.startswith("/en/") else "vi") == response.wsgi_request.LANGUAGE_CODE


def test_shop_root_leads_to_the_catalogue(client):
    response = client.get("/shop/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("/shop/catalogue/")
