"""A buyer's journey through the demo shop, on a phone and on a desktop.

The demo buyer signs in, types "che xanh" without its tones in the header's
search box and finds the teas of two districts, narrows the results to one
district and then to another with the search page's district filter, and
adds a tea from each district's cooperative to the basket from its product
page, where the price is in whole đồng and the stock is shown. The checkout
takes a Vietnamese address through the province → district → commune
chooser, shows each cooperative's delivery fee, and places an order paid in
cash on delivery; the order page of the account then shows one parcel per
cooperative, and the stock has gone down. The same two teas are bought a
second time, to the address the first order saved, by card: the card page
holds the payment, and once it is confirmed the order is placed, paid by
card, again with both cooperatives' parcels.

The card page loads Stripe.js from js.stripe.com, which the test's browser
may not reach (every request outside the site is refused), so Stripe
Elements never draws the card field. What Stripe.js would do in the buyer's
browser is done here from the test, against the localstripe server the site
uses: the test reads the payment's client secret from the card form, attaches
a test Visa card to the PaymentIntent and confirms it with the real `stripe`
library, then sends the browser to the form's return address, as Stripe.js
does once the card is accepted.
"""

import re
import uuid

import stripe
from playwright.sync_api import expect

from tests.e2e.demo_site import BUYER, STRIPE_SECRET_KEY, mail_text

QUERY = "che xanh"  # "Chè xanh", typed without its tones, as on a phone without a Vietnamese keyboard

# The demo data (catalog/demo.py, cooperatives/demo.py): two teas of two
# districts, each sold by its own cooperative.
GREEN_TEA = "Chè xanh Ngọc Thúy Nõn"
GREEN_TEA_PRICE = 180_000
SU_ANH = "Hợp tác xã dịch vụ sản xuất nông nghiệp Sử Anh"
YEN_SON = "Huyện Yên Sơn"
SHAN_TEA = "Chè Shan tuyết Hồng Thái 1 tôm 1 lá"
SHAN_TEA_PRICE = 350_000
SON_TRA = "Hợp tác xã Sơn Trà"
NA_HANG = "Huyện Na Hang"

VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
# The site writes money as whole đồng, dots between thousands and a no-break
# space before the sign (marketplace.money.format_vnd): "150.000 ₫".
MONEY = re.compile(r"\d{1,3}(?:\.\d{3})*\u00a0₫")
IN_STOCK = re.compile(r"\(\s*(\d+) có sẵn\)")


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + "\u00a0₫"


def dong(text: str) -> int:
    """The amount of a price as the page writes it, refusing any other form."""
    assert MONEY.fullmatch(text.strip()), f"not whole đồng: {text!r}"
    return int(text.strip().removesuffix("₫").strip().replace(".", ""))


def results(page):
    return page.locator(".search-hits")


def search_count(page) -> int:
    return int(page.locator("#search-results-heading").inner_text().split()[0])


def choose_district(v, device, district):
    """The search page's district filter; on a phone the filters are folded
    under "Bộ lọc" so the results come first."""
    page = v.page
    facet = page.get_by_role("region", name="Huyện", exact=True).get_by_role(
        "link", name=re.compile(f"^{district} \\d+$")
    )
    if device == "phone":
        expect(facet).to_be_hidden()
        page.locator("details.search-facets > summary").click()
    expect(facet).to_be_visible()
    facet.click()
    page.wait_for_load_state()


def product_page(v, title, price, cooperative, district) -> int:
    """Checks the product page a result leads to; returns the stock shown."""
    page = v.page
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert page.locator(".shop-product .shop-price").inner_text() == vnd(price)
    expect(page.locator("[data-cooperative]")).to_have_text(cooperative)
    expect(page.locator("[data-origin-district]")).to_have_text(district)
    stock = IN_STOCK.search(page.locator(".shop-product").inner_text())
    assert stock, "the product page does not say how many are in stock"
    return int(stock.group(1))


def add_to_basket(v, title):
    page = v.page
    page.get_by_role("button", name="Thêm vào giỏ hàng").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_have_text(f"{title} đã được thêm vào giỏ hàng của bạn.")


def add_from_the_results(v, shot, title, price, cooperative, district):
    """Opens a product from the search results, checks its page and puts it
    in the basket; returns the page's address and the stock it showed."""
    results(v.page).get_by_role("link", name=title).click()
    v.page.wait_for_load_state()
    url = v.page.url
    stock = product_page(v, title, price, cooperative, district)
    v.shot(shot)
    add_to_basket(v, title)
    return url, stock


def empty_the_basket(v):
    """The demo buyer's basket is kept on the server between visits: a
    journey stopped halfway (or a person trying the demo) leaves lines in it,
    which would join this journey's order."""
    v.goto("/shop/basket/")
    remove = v.page.get_by_role("link", name="Gỡ bỏ")
    for left in reversed(range(remove.count())):
        remove.first.click()
        expect(remove).to_have_count(left)
    expect(v.page.locator("#content_inner")).to_contain_text("Giỏ hàng của bạn trống")


def check_the_delivery_per_cooperative(page) -> int:
    """Each cooperative sends its own parcel: the totals list both with
    their products and fee, and the order total adds them up. Returns it."""
    rows = page.locator(".shipping-breakdown > li")
    expect(rows).to_have_count(2)
    fees = 0
    for name, subtotal in ((SU_ANH, GREEN_TEA_PRICE), (SON_TRA, SHAN_TEA_PRICE)):
        row = rows.filter(has=page.locator("strong", has_text=re.compile(f"^{name}$")))
        expect(row).to_have_count(1)
        assert f"Sản phẩm: {vnd(subtotal)}" in row.inner_text()
        fees += dong(row.locator("div").last.inner_text())
    total = GREEN_TEA_PRICE + SHAN_TEA_PRICE + fees
    total_row = page.locator("tr", has_text="Tổng đơn hàng").last
    assert vnd(total) in total_row.inner_text()
    return total


def fill_the_new_address(page, line1):
    page.get_by_label("Họ và tên đệm").fill("Nguyễn Thị")
    page.get_by_label(re.compile("^Tên")).fill("Lan")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    # The communes follow the district chosen (static/js/address-chooser.js).
    expect(page.get_by_label("Tỉnh hoặc thành phố")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Huyện").select_option(label=YEN_SON)
    communes = page.get_by_label("Xã, phường hoặc thị trấn").locator("option")
    expect(communes.filter(has_text="Xã Hồng Thái")).to_have_count(0)  # Na Hang's
    page.get_by_label("Xã, phường hoặc thị trấn").select_option(label="Xã Mỹ Bằng")
    page.get_by_label("Số nhà, đường, thôn hoặc bản").fill(line1)


def order_number_of_the_thank_you_page(v, total, payment, reference="") -> str:
    """The confirmation page: the order's number, its teas, and the whole
    total allocated to the way it was paid (with the card payment's
    reference, for a card)."""
    page = v.page
    page.wait_for_url("**/shop/checkout/thank-you/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^\s*Đơn hàng \d+: xác nhận\s*$"))
    number = re.search(r"Đơn hàng (\d+):", heading.inner_text()).group(1)
    text = page.locator("body").inner_text()
    allocation = [
        line for line in text.splitlines() if payment in line and line.strip().startswith("Thanh toán ")
        and vnd(total) in line
    ]  # fmt: skip
    assert len(allocation) == 1, text
    assert vnd(total) in allocation[0] and reference in allocation[0]
    assert GREEN_TEA in text and SHAN_TEA in text
    return number


def check_the_buyer_email(demo_site, number):
    """The confirmation the thank-you page promises: one e-mail naming both
    cooperatives, each sending its own parcel."""
    bodies = [mail_text(message) for message in demo_site.mails_to(BUYER[0])]
    placed = [body for body in bodies if f"đơn hàng {number}" in body]
    assert len(placed) == 1, bodies
    assert SU_ANH in placed[0] and SON_TRA in placed[0]


def check_the_order_page(v, number, total):
    """The account's order history leads to the order, which shows one
    parcel per cooperative."""
    page = v.page
    v.goto("/shop/accounts/orders/")
    row = page.locator("tr", has=page.get_by_role("link", name=number, exact=True))
    expect(row).to_contain_text(vnd(total))
    row.get_by_role("link", name=number, exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đơn hàng #{number}")
    parcels = page.get_by_role("region", name="Các kiện hàng")
    cooperatives = parcels.get_by_role("heading", level=3)
    expect(cooperatives).to_have_count(2)
    assert sorted(cooperatives.all_inner_texts()) == sorted([SU_ANH, SON_TRA])
    expect(parcels).to_contain_text("Trạng thái: Mới")
    assert f"Tổng đơn hàng\t{vnd(total)}" in page.locator("body").inner_text()
    # Oscar's order tables are wider than a phone: they scroll within
    # themselves, the page does not.
    page_width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert page_width <= page.viewport_size["width"]


def stripe_client(demo_site):
    """A client of the site's Stripe account, built as the site builds its
    own (marketplace.payments.services.stripe_client), against the same
    localstripe server: the site runs in another process, with these keys."""
    return stripe.StripeClient(STRIPE_SECRET_KEY, base_addresses={"api": demo_site.env["STRIPE_API_BASE"]})


def confirm_the_card_as_stripe_js_would(demo_site, client_secret):
    """What Stripe Elements does in the buyer's browser (it cannot load
    here): attach the card to the PaymentIntent and confirm it."""
    client = stripe_client(demo_site)
    intent_id = client_secret.split("_secret_")[0]
    card = client.v1.payment_methods.create(params={"type": "card", "card": VISA})
    # localstripe does not take payment_method on confirm; it is set first.
    client.v1.payment_intents.update(intent_id, params={"payment_method": card.id})
    intent = client.v1.payment_intents.confirm(intent_id)
    # Manual capture: the amount is held; the site takes it once the order is placed.
    assert intent.status == "requires_capture", intent.status
    return intent_id


def test_buyer_searches_filters_and_buys_from_two_cooperatives(demo_site, visitor, device):
    v = visitor("buyer")
    page = v.page
    address_line = f"Thôn Hồng Ba, nhà {device}-{uuid.uuid4().hex[:6]}"
    v.log_in_shop(*BUYER)
    empty_the_basket(v)

    # Searching without tones finds the teas of two districts.
    v.goto("/")
    box = page.get_by_role("combobox", name="Tìm sản phẩm, hợp tác xã và điểm đến")
    box.fill(QUERY)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=che\+xanh$"))
    expect(results(page).get_by_role("link", name=GREEN_TEA)).to_be_visible()
    expect(results(page).get_by_role("link", name=SHAN_TEA)).to_be_visible()
    everything = search_count(page)
    v.shot("search-results")

    # The district filter keeps Yên Sơn's tea and drops Na Hang's.
    choose_district(v, device, YEN_SON)
    expect(page.get_by_role("link", name=re.compile(f"^Huyện: {YEN_SON}"))).to_be_visible()
    expect(results(page).get_by_role("link", name=SHAN_TEA)).to_have_count(0)
    assert search_count(page) < everything
    assert results(page).locator(".search-hit__price").first.inner_text() == vnd(GREEN_TEA_PRICE)
    v.shot("filtered-yen-son")
    yen_son_results = page.url

    green_tea_url, green_tea_stock = add_from_the_results(
        v, "product-green-tea", GREEN_TEA, GREEN_TEA_PRICE, SU_ANH, YEN_SON
    )

    # Back to the results: the other district instead.
    page.goto(yen_son_results)
    page.get_by_role("link", name=re.compile(f"^Huyện: {YEN_SON}")).click()
    page.wait_for_load_state()
    assert search_count(page) == everything
    choose_district(v, device, NA_HANG)
    expect(results(page).get_by_role("link", name=GREEN_TEA)).to_have_count(0)
    v.shot("filtered-na-hang")
    shan_tea_url, shan_tea_stock = add_from_the_results(
        v, "product-shan-tea", SHAN_TEA, SHAN_TEA_PRICE, SON_TRA, NA_HANG
    )

    # The basket: a line per tea, the delivery of each cooperative.
    v.goto("/shop/basket/")
    basket = page.locator("#content_inner")
    expect(basket).to_contain_text(GREEN_TEA)
    expect(basket).to_contain_text(SHAN_TEA)
    total = check_the_delivery_per_cooperative(page)
    v.shot("basket")

    # First order: cash on delivery, to a new address.
    page.get_by_role("link", name="Tiến hành thanh toán").click()
    page.wait_for_url("**/shop/checkout/shipping-address/")
    fill_the_new_address(page, address_line)
    v.shot("checkout-address")
    page.locator("#new_shipping_address").get_by_role("button", name="Tiếp tục").last.click()
    # One way to deliver (each cooperative's own, fee per cooperative):
    # Oscar skips the delivery method step.
    page.wait_for_url("**/shop/checkout/payment-details/")
    expect(page.locator("p.lead")).to_have_text(f"Tổng đơn hàng: {vnd(total)}")
    page.get_by_label("Thanh toán khi nhận hàng").check()
    v.shot("checkout-payment-cash")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/shop/checkout/preview/")
    preview = page.locator("body")
    expect(preview).to_contain_text(address_line)
    expect(preview).to_contain_text("Xã Mỹ Bằng")
    expect(preview).to_contain_text("Thanh toán khi nhận hàng")
    assert check_the_delivery_per_cooperative(page) == total
    v.shot("checkout-preview-cash")
    page.get_by_role("button", name="Đặt hàng").click()
    cash_order = order_number_of_the_thank_you_page(v, total, "Thanh toán khi nhận hàng")
    v.shot("confirmation-cash")
    check_the_buyer_email(demo_site, cash_order)

    check_the_order_page(v, cash_order, total)
    v.shot("order-cash")

    # The order took one of each from the stock shown; the same teas again.
    page.goto(green_tea_url)
    assert product_page(v, GREEN_TEA, GREEN_TEA_PRICE, SU_ANH, YEN_SON) == green_tea_stock - 1
    add_to_basket(v, GREEN_TEA)
    page.goto(shan_tea_url)
    assert product_page(v, SHAN_TEA, SHAN_TEA_PRICE, SON_TRA, NA_HANG) == shan_tea_stock - 1
    add_to_basket(v, SHAN_TEA)

    # Second order: by card, to the address the first one saved.
    v.goto("/shop/basket/")
    assert check_the_delivery_per_cooperative(page) == total
    page.get_by_role("link", name="Tiến hành thanh toán").click()
    page.wait_for_url("**/shop/checkout/shipping-address/")
    saved = page.locator(".card", has=page.locator("address", has_text=address_line))
    expect(saved).to_have_count(1)
    v.shot("checkout-saved-address")
    saved.locator("button.ship-address").click()
    page.wait_for_url("**/shop/checkout/payment-details/")
    page.get_by_label("Thẻ (Visa, Mastercard, JCB)").check()
    v.shot("checkout-payment-card")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/shop/checkout/preview/")
    expect(page.locator("body")).to_contain_text(address_line)
    expect(page.locator("body")).to_contain_text("Thẻ (Visa, Mastercard, JCB)")
    v.shot("checkout-preview-card")
    page.get_by_role("button", name="Đặt hàng").click()

    page.wait_for_url(re.compile(r"/shop/checkout/card/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thanh toán bằng thẻ")
    expect(page.locator("#card-pay")).to_have_text(f"Thanh toán {vnd(total)}")
    card_form = page.locator("#card-form")
    client_secret = card_form.get_attribute("data-client-secret")
    return_url = card_form.get_attribute("data-return-url")
    assert client_secret and "_secret_" in client_secret
    assert return_url.startswith(demo_site.url)
    v.shot("card-page")
    # Stripe.js was refused (outside the site): no card field to type into.
    # The payment is confirmed from here instead, as the docstring explains.
    intent_id = confirm_the_card_as_stripe_js_would(demo_site, client_secret)
    page.goto(return_url)
    card_order = order_number_of_the_thank_you_page(v, total, "Thẻ (Visa, Mastercard, JCB)", intent_id)
    assert card_order != cash_order
    # The order placed, the site took the amount it held.
    assert stripe_client(demo_site).v1.payment_intents.retrieve(intent_id).status == "succeeded"
    v.shot("confirmation-card")
    check_the_buyer_email(demo_site, card_order)

    check_the_order_page(v, card_order, total)
    v.shot("order-card")

    # The card page's Stripe.js is the one request outside the site, and the
    # card page's script, finding no Stripe, the one script error: both come
    # from js.stripe.com being out of reach here, not from the site.
    assert [r for r in v.outside_requests if r[0] in ("script", "stylesheet", "font")] == [
        ("script", "https://js.stripe.com/v3/")
    ]
    assert len(v.script_errors) == 1 and "/shop/checkout/card/" in v.script_errors[0]
    assert "Stripe is not defined" in v.script_errors[0]
