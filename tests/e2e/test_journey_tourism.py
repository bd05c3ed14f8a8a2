"""Journey 3: a district's tourism officer writes a destination in Vietnamese
and English in the Wagtail admin and submits both for review; she cannot
publish them. The province officer approves both, and only then does an
anonymous visitor find the destination: live at its Vietnamese and English
addresses, on the tourism map (GeoJSON feed, marker and list) and in the
site search, typed with or without its tones.

Everything is done through the admin's own screens, at phone size too:
Wagtail's sidebar, page explorer, editor, translation form and dashboard.
The admin is shown in Vietnamese where Wagtail has a translation and in
English elsewhere (its Vietnamese catalogue is small), so the locators use
the words on screen.
"""

import re
import unicodedata
import uuid
from dataclasses import dataclass

from playwright.sync_api import expect

from tests.e2e.demo_site import PROVINCE_OFFICER, TOURISM_OFFICER


@dataclass(frozen=True)
class Place:
    title_vi: str
    title_en: str
    intro_vi: str
    intro_en: str
    kind: str
    commune: str
    latitude: str
    longitude: str


# The demo officer writes for Sơn Dương (cms/demo.py). Each device makes its
# own kind of place, which the demo has none of in Sơn Dương, at its own
# spot: the map filtered by that kind and district then shows this test's
# place alone, as one marker, not in a cluster with the other device's.
PLACES = {
    "phone": Place(
        "Đồi chè Hồng Sơn", "Hồng Sơn tea hills",
        "Đồi chè xanh giữa các bản người Dao; khách hái chè và sao chè cùng bà con.",
        "Green tea hills among Dao villages; visitors pick and roast tea with the families.",
        "Trải nghiệm nông nghiệp", "Xã Hồng Sơn", "21.660000", "105.520000",
    ),
    "desktop": Place(
        "Làng đan lát Hợp Thành", "Hợp Thành basket-weaving village",
        "Làng nghề đan lát mây tre; khách xem và thử đan rổ, giá cùng nghệ nhân.",
        "A rattan and bamboo weaving village; visitors watch and try weaving baskets with the craftspeople.",
        "Làng nghề", "Xã Hợp Thành", "21.700000", "105.300000",
    ),
}  # fmt: skip
SECTION_VI = "Huyện Sơn Dương"


def unique_tag() -> str:
    # Letters only, like a word people type: digits would make the search
    # engine read part of the title as a number.
    return uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))


def fold(text: str) -> str:
    """The text as typed on a phone without Vietnamese tones."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def open_sidebar(page):
    menu = page.get_by_role("navigation", name="Main menu")
    if not menu.is_visible():
        # On a phone the sidebar is folded away behind its toggle.
        page.get_by_role("button", name="Toggle sidebar").click()
    return page.get_by_role("complementary", name="Sidebar")


def open_section_in_explorer(page):
    """Sidebar → Pages → the Vietnamese home → Điểm đến → the district's
    section: how an officer finds where her pages go."""
    open_sidebar(page).get_by_role("button", name="Phân trang").click()
    explorer = page.get_by_role("dialog", name="Page explorer")
    explorer.get_by_role("link", name="View child pages of 'Chợ Quê'").click()
    explorer.get_by_role("link", name="View child pages of 'Điểm đến'").click()
    explorer.get_by_role("link", name=SECTION_VI, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Exploring: {SECTION_VI}")


def submit_for_review(page):
    """The footer's "More actions" menu holds the workflow's submit button;
    an officer has no "Publish" there."""
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()
    submit = footer.get_by_role("button", name=re.compile("Province review"))
    expect(submit).to_be_visible()
    expect(footer.get_by_role("button", name=re.compile(r"^(Xuất bản|Publish)$"))).to_have_count(0)
    submit.click()


def search_from_header(page, query):
    # static/js/search-suggest.js makes the header's box a combobox.
    label = re.compile(r"^(Tìm sản phẩm|Search products), ")
    box = page.locator("header").get_by_role("combobox", name=label)
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))


def test_a_destination_written_in_two_languages_goes_live_after_review(visitor, device):
    place = PLACES[device]
    tag = unique_tag()
    title_vi = f"{place.title_vi} {tag}"
    title_en = f"{place.title_en} {tag}"

    # --- The tourism officer writes the Vietnamese page ----------------------
    officer = visitor("officer")
    officer.log_in_cms(*TOURISM_OFFICER)
    page = officer.page
    open_section_in_explorer(page)
    page.get_by_role("link", name="Add child page").click()
    page.get_by_role("link", name="Điểm đến", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mới: Điểm đến")
    page.get_by_role("textbox", name="Tiêu đề*").fill(title_vi)
    page.get_by_role("combobox", name="Loại*").select_option(label=place.kind)
    page.get_by_role("combobox", name="Xã").select_option(label=place.commune)
    page.get_by_role("spinbutton", name="Vĩ độ*").fill(place.latitude)
    page.get_by_role("spinbutton", name="Kinh độ*").fill(place.longitude)
    page.get_by_role("textbox", name="Giới thiệu*").fill(place.intro_vi)
    officer.shot("editor-vi")
    submit_for_review(page)
    status = page.get_by_role("status")
    expect(status).to_contain_text(f"Page '{title_vi}' created and submitted for moderation.")
    row = page.get_by_role("row", name=re.compile(re.escape(title_vi)))
    expect(row).to_contain_text("in moderation")
    officer.shot("submitted-vi")

    # --- …and its English translation (wagtail.contrib.simple_translation) ---
    row.get_by_role("button", name=f"More options for '{title_vi}'").click()
    row.get_by_role("link", name="Dịch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Translate page {title_vi}")
    page.get_by_role("checkbox", name="Tiếng Anh").check()
    # "Submit" is Wagtail's; locale-oscar translates the same msgid for Oscar.
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_role("status")).to_contain_text("was successfully created in Tiếng Anh")
    # The copy starts as the Vietnamese text, coordinates included.
    expect(page.get_by_role("spinbutton", name="Vĩ độ*")).to_have_value(re.compile(r"^21\.[67]"))
    page.get_by_role("textbox", name="Tiêu đề*").fill(title_en)
    page.get_by_role("textbox", name="Giới thiệu*").fill(place.intro_en)
    officer.shot("editor-en")
    submit_for_review(page)
    expect(page.get_by_role("status")).to_contain_text(
        f"Page '{title_en}' has been submitted for moderation."
    )
    expect(page.get_by_role("row", name=re.compile(re.escape(title_en)))).to_contain_text("in moderation")
    officer.shot("submitted-en")

    # Until the province approves, the public sees nothing of it.
    passer_by = visitor("passer-by")
    passer_by.goto("/")
    search_from_header(passer_by.page, tag)
    expect(passer_by.page.get_by_role("heading", level=2, name=re.compile(r"kết quả cho"))).to_have_text(
        f"0 kết quả cho “{tag}”"
    )
    expect(passer_by.page.get_by_role("link", name=title_vi)).to_have_count(0)

    # --- The province officer reviews and approves both ----------------------
    reviewer = visitor("reviewer")
    reviewer.log_in_cms(*PROVINCE_OFFICER)
    page = reviewer.page
    waiting = page.get_by_role("region", name="Awaiting your review")
    expect(waiting.get_by_role("row", name=re.compile(re.escape(title_en)))).to_contain_text("Tiếng Anh")
    expect(waiting.get_by_role("row", name=re.compile(re.escape(title_vi)))).to_contain_text("Tiếng Việt")
    reviewer.shot("awaiting-review")
    # The Vietnamese page is read in its editor before it is approved there.
    waiting.get_by_role("link", name=title_vi).click()
    expect(page.get_by_role("textbox", name="Tiêu đề*")).to_have_value(title_vi)
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()
    approve = footer.get_by_role("button", name=re.compile(r"^Phê duyệt\s*và Xuất bản$"))
    expect(approve).to_be_visible()
    reviewer.shot("approval")
    approve.click()
    expect(page.get_by_role("status")).to_contain_text(f"Page '{title_vi}' has been updated.")
    expect(page.get_by_role("row", name=re.compile(re.escape(title_vi)))).to_contain_text("live")
    # The English one straight from the dashboard's list.
    open_sidebar(page).get_by_role("link", name="Trang tổng quan").click()
    waiting = page.get_by_role("region", name="Awaiting your review")
    row = waiting.get_by_role("row", name=re.compile(re.escape(title_en)))
    row.get_by_role("button", name="Thao tác").click()
    row.get_by_role("button", name="Phê duyệt", exact=True).click()
    # The dashboard reloads without it (and the region goes when empty).
    expect(page.get_by_role("row", name=re.compile(re.escape(title_en)))).to_have_count(0)

    # --- A visitor finds it: search without tones, the page, its English ------
    visitor_ = visitor("visitor")
    page = visitor_.page
    visitor_.goto("/")
    search_from_header(page, fold(title_vi))
    hit = page.locator(".search-hit").filter(has=page.get_by_role("link", name=title_vi))
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text(f"{place.commune}, {SECTION_VI}")
    visitor_.shot("search-without-tones")
    # Typed with its tones, it is found too.
    search_box = page.get_by_role("combobox", name="Sản phẩm, hợp tác xã và điểm đến", exact=True)
    search_box.fill(title_vi)
    search_box.press("Enter")
    expect(page.get_by_role("link", name=title_vi)).to_have_count(1)

    page.get_by_role("link", name=title_vi).click()
    page.wait_for_url(re.compile(r"/diem-den/son-duong/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title_vi)
    expect(page.locator("main")).to_contain_text(place.intro_vi)
    visitor_.shot("live-vi")
    page.locator("header").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/destinations/son-duong/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title_en)
    expect(page.locator("main")).to_contain_text(place.intro_en)
    visitor_.shot("live-en")
    # English search finds the English page.
    search_from_header(page, fold(title_en))
    assert "/en/search/" in page.url
    expect(page.get_by_role("link", name=title_en)).to_have_count(1)

    # --- …and on the tourism map ----------------------------------------------
    visitor_.goto("/ban-do/")
    page.get_by_role("combobox", name="Xem").select_option(label=place.kind)
    page.get_by_role("combobox", name="Huyện").select_option(label=SECTION_VI)
    with page.expect_response(re.compile(r"/ban-do/geojson/\?")) as feed:
        page.get_by_role("button", name="Xem trên bản đồ").click()
    features = [
        feature for feature in feed.value.json()["features"] if feature["properties"]["name"] == title_vi
    ]
    assert [feature["geometry"]["coordinates"] for feature in features] == [
        [float(place.longitude), float(place.latitude)]
    ]
    marker = page.get_by_role("button", name=title_vi)
    # Markers and clusters alike are drawn as marker icons.
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    # Left by an earlier run on a kept database, places of the same kind sit
    # on the same spot: the cluster opens into its markers when tapped.
    if not marker.is_visible() and page.locator(".marker-cluster").count():
        page.locator(".marker-cluster").first.click()
    expect(marker).to_be_visible()
    places = page.locator("#map-places")
    expect(places.get_by_role("link", name=title_vi)).to_have_count(1)
    visitor_.shot("map")
    marker.click()
    expect(page.locator(".leaflet-popup").get_by_role("link", name=title_vi)).to_be_visible()

    for person in (officer, passer_by, reviewer, visitor_):
        assert person.script_errors == [], person.role
        # Map tiles are images from OpenStreetMap, refused here and allowed.
        assert [r for r in person.outside_requests if r[0] in ("script", "stylesheet", "font")] == []
