import json
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import DestinationEngagement
from tests.factories.cms import PUBLIC, add_page, destination, public

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_address")]


PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"
HOSTILE = "</script><script>alert(1)</script>"


class Head(HTMLParser):
    """The meta and link tags of a page, and the text of its JSON-LD scripts."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld = {}, [], []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs["content"])
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def og(self, name):
        return self.meta[name][0]

    def structured_data(self):
        assert len(self.json_ld) == 1
        return json.loads(self.json_ld[0])

    def hreflang(self):
        return {link["hreflang"]: link["href"] for link in self.links if link.get("rel") == "alternate"}


def head_of(client, url):
    response = client.get(url, HTTP_USER_AGENT=PHONE)
    assert response.status_code == 200
    return Head(response.content.decode())


def photo(title="Ruộng bậc thang Khâu Tràng"):
    buffer = BytesIO()
    PILImage.new("RGB", (1600, 1000), (30, 110, 70)).save(buffer, "PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name="khau-trang.png"))


def republish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


# --- Link previews and structured data --------------------------------------


def test_a_vietnamese_destination_has_its_link_preview_tags(client, site):
    khau_trang, khau_trang_en = site.destinations["Làng Khâu Tràng"]
    head = head_of(client, khau_trang.url)

    assert head.og("og:title") == "Làng Khâu Tràng"
    assert head.og("og:description") == "Giới thiệu Làng Khâu Tràng"
    assert head.og("og:url") == public(khau_trang)
    assert head.og("og:url").startswith("http")
    assert head.og("og:locale") == "vi_VN"
    assert head.meta["og:locale:alternate"] == ["en_US"]
    assert head.og("og:site_name") == "Chợ Quê"
    assert head.og("twitter:title") == "Làng Khâu Tràng"
    # No image: the small card, and no image tag pointing nowhere.
    assert head.og("twitter:card") == "summary"
    assert "og:image" not in head.meta
    assert {"rel": "canonical", "href": public(khau_trang)} in head.links
    assert head.hreflang() == {
        "vi": public(khau_trang),
        "en": public(khau_trang_en),
        "x-default": public(khau_trang),
    }


def test_an_english_destination_has_its_link_preview_tags_under_en(client, site):
    khau_trang, khau_trang_en = site.destinations["Làng Khâu Tràng"]
    head = head_of(client, khau_trang_en.url)

    assert head.og("og:title") == "Khâu Tràng village"
    assert head.og("og:description") == "About Khâu Tràng village"
    assert urlsplit(head.og("og:url")).path.startswith("/en/")
    assert head.og("og:locale") == "en_US"
    assert head.meta["og:locale:alternate"] == ["vi_VN"]
    assert head.hreflang()["vi"] == public(khau_trang)
    assert head.structured_data()["inLanguage"] == "en"


def test_the_preview_image_is_an_absolute_wide_rendition(client, site):
    khau_trang = republish(site.destinations["Làng Khâu Tràng"][0], image=photo())
    head = head_of(client, khau_trang.url)

    image_url = head.og("og:image")
    parts = urlsplit(image_url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC
    assert parts.path.startswith("/media/images/")
    assert (head.og("og:image:width"), head.og("og:image:height")) == ("1200", "630")
    assert head.og("og:image:alt") == "Ruộng bậc thang Khâu Tràng"
    assert head.og("twitter:card") == "summary_large_image"
    assert head.og("twitter:image") == image_url
    assert head.structured_data()["image"] == image_url
    # The file is really there to be fetched.
    rendition = Image.objects.get().renditions.get(width=1200, height=630)
    assert rendition.url == parts.path
    assert rendition.file.storage.exists(rendition.file.name)


def test_a_destination_is_described_as_a_tourist_attraction(client, site):
    khau_trang = republish(site.destinations["Làng Khâu Tràng"][0], contact_phone="0912345678")
    data = head_of(client, khau_trang.url).structured_data()

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "TouristAttraction"
    assert data["name"] == "Làng Khâu Tràng"
    assert data["description"] == "Giới thiệu Làng Khâu Tràng"
    assert data["url"] == public(khau_trang)
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 22.442, "longitude": 105.39}
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Xã Hồng Thái, Huyện Na Hang",
        "addressRegion": "Tuyên Quang",
        "addressCountry": "VN",
    }
    assert data["telephone"] == "0912345678"
    # Not recorded, so not claimed.
    assert "isAccessibleForFree" not in data


def test_an_event_is_described_as_an_event_at_its_destination(client, site):
    data = head_of(client, site.event.url).structured_data()

    assert data["@type"] == "Event"
    assert data["name"] == "Lễ hội Lồng Tồng"
    assert data["startDate"] == site.event.start_date.isoformat()
    assert data["endDate"] == site.event.end_date.isoformat()
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    location = data["location"]
    assert location["@type"] == "Place"
    assert location["name"] == "Thôn Khâu Tràng"
    assert location["address"]["addressLocality"] == "Thôn Khâu Tràng, Xã Hồng Thái, Huyện Na Hang"
    assert location["geo"]["latitude"] == 22.442
    assert location["url"] == public(site.destinations["Làng Khâu Tràng"][0])


def test_an_event_without_destination_is_placed_in_its_district(client, site):
    event = republish(site.event, destination=None, end_date=None)
    data = head_of(client, event.url).structured_data()

    assert data["endDate"] == data["startDate"]
    assert data["location"]["address"]["addressLocality"] == "Thôn Khâu Tràng, Huyện Na Hang"
    assert "geo" not in data["location"]


def test_other_pages_have_link_previews_but_no_structured_data(client, site):
    head = head_of(client, site.news.url)
    assert head.og("og:title") == "Khâu Tràng đón khách"
    assert head.og("og:url") == public(site.news)
    assert head.json_ld == []


def test_a_hostile_title_stays_inside_the_json_string(client, site):
    khau_trang = republish(site.destinations["Làng Khâu Tràng"][0], title=HOSTILE)
    content = client.get(khau_trang.url, HTTP_USER_AGENT=PHONE).content.decode()

    assert "<script>alert(1)" not in content
    head = Head(content)
    assert head.structured_data()["name"] == HOSTILE
    assert head.og("og:title") == HOSTILE


# --- Share links ------------------------------------------------------------


def share_url(page, network, language=""):
    prefix = f"/{language}" if language else ""
    return f"{prefix}/share/{page.pk}/{network}/"


def shares(channel):
    return DestinationEngagement.objects.filter(channel=channel).count()


def test_a_destination_page_links_to_both_share_buttons(client, site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    content = client.get(khau_trang.url, HTTP_USER_AGENT=PHONE).content.decode()
    for network in ("facebook", "zalo"):
        assert f'href="{share_url(khau_trang, network)}" rel="nofollow noopener"' in content


def test_sharing_on_facebook_counts_once_and_opens_facebooks_dialog(client, site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    response = client.get(share_url(khau_trang, "facebook"), HTTP_USER_AGENT=PHONE)

    assert response.status_code == 302
    assert response["Location"] == (
        "https://www.facebook.com/sharer/sharer.php?u=" + quote(public(khau_trang), safe="")
    )
    shared = parse_qs(urlsplit(response["Location"]).query)["u"]
    assert shared == [public(khau_trang)]
    assert "noindex" in response["X-Robots-Tag"]
    assert shares(DestinationEngagement.Channel.FACEBOOK) == 1

    # The same visitor taps again: sent on again, not counted again.
    again = client.get(share_url(khau_trang, "facebook"), HTTP_USER_AGENT=PHONE)
    assert again.status_code == 302
    assert shares(DestinationEngagement.Channel.FACEBOOK) == 1
    # Someone else counts.
    client.get(share_url(khau_trang, "facebook"), HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.9")
    assert shares(DestinationEngagement.Channel.FACEBOOK) == 2


def test_sharing_an_english_destination_on_zalo_shares_its_english_address(client, site, settings):
    settings.ZALO_SHARE_URL = "https://sp.zalo.me/share_inline?url={url}"
    khau_trang_en = site.destinations["Làng Khâu Tràng"][1]
    response = client.get(share_url(khau_trang_en, "zalo", "en"), HTTP_USER_AGENT=PHONE)

    assert response.status_code == 302
    expected = "https://sp.zalo.me/share_inline?url=" + quote(public(khau_trang_en), safe="")
    assert response["Location"] == expected
    assert "%2Fen%2F" in response["Location"]
    engagement = DestinationEngagement.objects.get()
    assert (engagement.destination_id, engagement.channel) == (khau_trang_en.pk, "zalo")


def test_robots_following_a_share_link_are_not_counted(client, site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    response = client.get(share_url(khau_trang, "zalo"), HTTP_USER_AGENT="Googlebot/2.1")
    assert response.status_code == 302
    assert not DestinationEngagement.objects.exists()


def test_share_links_lead_nowhere_for_unknown_networks_drafts_other_pages_and_posts(client, site):
    khau_trang = site.destinations["Làng Khâu Tràng"][0]
    na_hang = site.sections["072"][0]
    draft = add_page(
        na_hang,
        destination(na_hang, title="Bản nháp", slug="ban-nhap", lat="22.4", lon="105.4"),
        publish=False,
    )
    for url in [
        share_url(khau_trang, "twitter"),
        share_url(draft, "facebook"),
        share_url(site.event, "facebook"),
        "/share/999999/facebook/",
    ]:
        assert client.get(url, HTTP_USER_AGENT=PHONE).status_code == 404, url
    assert client.post(share_url(khau_trang, "facebook"), HTTP_USER_AGENT=PHONE).status_code == 405
    assert not DestinationEngagement.objects.exists()
