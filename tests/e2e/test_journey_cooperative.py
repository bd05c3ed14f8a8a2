"""Journey 2 of issue 10: a cooperative applies, a province officer approves
it, its staff lists a product with a lot and trace events, prints a QR label,
and ships its part of an order.

It proves, through the pages only, that a new cooperative can go from the
public application form to its first shipped parcel without anyone touching
the database: the approval e-mail leads its staff to the shop dashboard; the
product it lists is on sale with the stock of the lot it records; the lot's
label is a PDF naming the lot and the product; the public trace page shows
the events the staff appended; a guest who reaches the product from that page
buys it cash on delivery; the cooperative sees that order, and only its own
(none of Hợp tác xã Sơn Trà's), moves it to "shipped" with a tracking number,
and the buyer is e-mailed a link to an order page that says so.
"""

import datetime
import io
import re
import subprocess
import uuid
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.demo_site import COOPERATIVE_STAFF, PROVINCE_OFFICER, mail_text

SITE_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "lua-nuong-ban-thon-2025"
# The order numbers in a cooperative's list of orders.
GROUP_LINKS = "table tbody tr td:first-child a"


def labelled(page, name):
    """The control whose <label> reads ``name``, with or without the
    required-field star (a real label, not a placeholder, must exist)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(name)}\s*\*?\s*$"))


def certificate_pdf() -> bytes:
    """A one-page scan stand-in: the form checks the file's content is a PDF."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Giay chung nhan dang ky hop tac xa")
    canvas.save()
    return buffer.getvalue()


def link_in(text: str, path_part: str) -> str:
    match = re.search(rf"https?://\S*{re.escape(path_part)}\S*", text)
    assert match, f"no link to {path_part} in:\n{text}"
    return match.group(0)


def my_cooperative_menu(page, item):
    """Opens one of the cooperative's tools from the dashboard's menu (folded
    behind its toggle button on a phone)."""
    toggle = page.locator("[aria-controls=bottom_nav_bar]")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name="Hợp tác xã của tôi").click()
    page.locator(".dropdown-menu").get_by_role("link", name=item, exact=True).click()


def local(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_cooperative_from_application_to_shipped_parcel(visitor, demo_site, device, tmp_path):
    # Names unique per device and run: one site serves both sizes, and keeps
    # its data between runs with E2E_KEEP_DATABASE=1.
    tag = f"{device[0]}{uuid.uuid4().hex[:6]}"
    cooperative_name = f"Hợp tác xã Chè Minh Thanh {tag}"
    staff_email = f"htx.minhthanh.{tag}@example.com"
    cooperative_email = f"lienhe.minhthanh.{tag}@example.com"
    product_title = f"Chè xanh Minh Thanh {tag}"
    now = datetime.datetime.now(SITE_ZONE).replace(second=0, microsecond=0)
    harvest = now - datetime.timedelta(days=3)

    # --- The cooperative applies, as an anonymous visitor -------------------
    applicant = visitor("applicant")
    page = applicant.page
    applicant.goto("/cooperatives/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký bán hàng trên Chợ Quê")
    labelled(page, "Địa chỉ e-mail của bạn").fill(staff_email)
    labelled(page, "Họ và tên đệm").fill("Hoàng Văn")
    labelled(page, "Tên").fill("Minh")
    labelled(page, "Mật khẩu").fill(PASSWORD)
    labelled(page, "Nhập lại mật khẩu").fill(PASSWORD)
    labelled(page, "Tên hợp tác xã").fill(cooperative_name)
    labelled(page, "Số đăng ký").fill(f"5002-{tag}")
    # Communes are grouped under their districts in one list.
    labelled(page, "Xã").select_option(label="Xã Minh Thanh")
    labelled(page, "Địa chỉ").fill("Thôn Cả, xã Minh Thanh")
    labelled(page, "Điện thoại").fill("0912 345 678")
    labelled(page, "Địa chỉ e-mail của hợp tác xã").fill(cooperative_email)
    labelled(page, "Người đại diện theo pháp luật").fill("Hoàng Văn Minh")
    labelled(page, "Sản phẩm chính").fill("Chè xanh, chè Shan tuyết")
    labelled(page, "Giấy chứng nhận đăng ký hợp tác xã").set_input_files(
        {"name": "giay-chung-nhan.pdf", "mimeType": "application/pdf", "buffer": certificate_pdf()}
    )
    applicant.shot("application-form")
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.wait_for_url("**/cooperatives/apply/thanks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cảm ơn bạn: hồ sơ đã được gửi")
    applicant.shot("thanks")

    # --- A province officer finds the application and approves it ----------
    officer = visitor("province-officer")
    page = officer.page
    officer.log_in_cms(*PROVINCE_OFFICER)
    officer.goto("/cooperatives/review/")
    page.get_by_label("Trạng thái").select_option(label="Chờ duyệt")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/cooperatives/review/?status=applied")
    row = page.get_by_role("row").filter(has_text=cooperative_name)
    expect(row).to_contain_text("Xã Minh Thanh, Huyện Sơn Dương")
    expect(row).to_contain_text("Chờ duyệt")
    officer.shot("review-list")
    row.get_by_role("link", name=cooperative_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cooperative_name)
    expect(page.get_by_text(staff_email)).to_be_visible()
    expect(page.get_by_role("link", name="Giấy chứng nhận đăng ký hợp tác xã")).to_be_visible()
    officer.shot("review-detail")
    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    expect(page.get_by_text(f"Đã phê duyệt {cooperative_name}")).to_be_visible()
    expect(page.get_by_text("Trạng thái: Đã duyệt")).to_be_visible()
    officer.shot("approved")

    # The decision reaches both the applicant and the cooperative's address.
    decisions = demo_site.mails_to(staff_email)
    assert len(decisions) == 1 and cooperative_email in decisions[0]["To"]
    dashboard_link = link_in(mail_text(decisions[0]), "/shop/dashboard/")
    assert "phê duyệt hợp tác xã của bạn" in mail_text(decisions[0])

    # --- Its staff follows the e-mail's link and logs in --------------------
    staff = visitor("cooperative")
    page = staff.page
    staff.goto(dashboard_link)
    # The dashboard's own login form: it asks for a user name, and takes the
    # e-mail address the applicant chose (the only name it was ever told).
    page.wait_for_url("**/shop/dashboard/login/**")
    page.get_by_label("Tên đăng nhập").fill(staff_email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/shop/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trang quản trị")

    # A raw-material area first, so the lot can say which field it came from.
    my_cooperative_menu(page, "Vùng nguyên liệu")
    page.get_by_role("link", name="Thêm vùng nguyên liệu").click()
    labelled(page, "Tên").fill(f"Đồi chè Cả {tag}")
    labelled(page, "xã").select_option(label="Xã Minh Thanh (Sơn Dương)")
    labelled(page, "Diện tích (ha)").fill("4.5")
    labelled(page, "Cây trồng chính").fill("Chè trung du")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text(f"Đồi chè Cả {tag}")).to_be_visible()

    # --- It lists a product with a price in whole đồng ---------------------
    page.locator(".nav-tabs").get_by_role("link", name="Sản phẩm", exact=True).click()
    page.get_by_role("link", name="Thêm sản phẩm").click()
    labelled(page, "Tiêu đề").fill(product_title)
    labelled(page, "Mô tả").fill("Chè xanh sao tay, hái một tôm hai lá trên đồi chè Minh Thanh.")
    labelled(page, "Kiểu sản phẩm").select_option(label="Chè")
    labelled(page, "xã xuất xứ").select_option(label="Xã Minh Thanh (Sơn Dương)")
    labelled(page, "Vùng nguyên liệu").select_option(label=f"Đồi chè Cả {tag}")
    labelled(page, "Đơn vị bán").fill("gói 200 g")
    labelled(page, "Khối lượng tịnh (g)").fill("200")
    labelled(page, "Là công khai").check()
    labelled(page, "giá (đồng)").fill("120000")
    staff.shot("product-form")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu sản phẩm.")).to_be_visible()
    product_card = page.locator(".card").filter(has_text=product_title)
    # No lot yet: nothing to sell.
    expect(product_card).to_contain_text("Giá: 120.000 ₫")
    expect(product_card).to_contain_text("Tồn kho (từ các lô đang bán): 0")

    # --- A lot of it, with its trace events --------------------------------
    product_card.get_by_role("link", name="Ghi lô hàng").click()
    expect(labelled(page, "sản phẩm")).to_have_value(re.compile(r"\d+"))
    labelled(page, "vùng nguyên liệu").select_option(label=f"Đồi chè Cả {tag}")
    labelled(page, "ngày thu hoạch hoặc sản xuất").fill(harvest.date().isoformat())
    labelled(page, "số lượng").fill("40")
    labelled(page, "đơn vị").fill("gói")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã ghi lô hàng và mở bán.")).to_be_visible()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"Lô hàng \S+"))
    lot_code = heading.inner_text().split()[-1]

    events = [
        ("Gieo trồng", now - datetime.timedelta(days=400), "Đồi chè Cả", "Tổ sản xuất số 1"),
        ("Thu hoạch", harvest.replace(hour=7, minute=30), "Đồi chè Cả", "Tổ sản xuất số 1"),
        ("Đóng gói", now - datetime.timedelta(days=2), "Xưởng chè Minh Thanh", "Hoàng Văn Minh"),
    ]
    for kind, moment, place, actor in events:
        labelled(page, "loại").select_option(label=kind)
        labelled(page, "thời điểm").fill(local(moment))
        labelled(page, "địa điểm").fill(place)
        labelled(page, "người thực hiện").fill(actor)
        page.get_by_role("button", name="Lưu").click()
        expect(page.get_by_text("Đã thêm sự kiện vào nhật ký của lô.")).to_be_visible()
    log = page.locator("ol").filter(has_text="Gieo trồng")
    expect(log.locator("li")).to_have_count(3)
    for number, (kind, moment, place, actor) in enumerate(events, start=1):
        entry = log.locator("li").nth(number - 1)
        expect(entry).to_contain_text(f"{number}. {kind} · {moment:%d/%m/%Y %H:%M}")
        expect(entry).to_contain_text(f"{place} · {actor}")
    expect(page.get_by_text("3 sự kiện")).to_be_visible()
    staff.shot("lot-with-trace-events")

    # --- The QR label: a PDF naming the lot and the product ----------------
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải nhãn (PDF)").click()
    label = tmp_path / "label.pdf"
    download_info.value.save_as(label)
    assert label.read_bytes().startswith(b"%PDF")
    label_text = subprocess.run(
        ["pdftotext", "-layout", str(label), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat_label = " ".join(label_text.split())
    assert lot_code in flat_label, flat_label
    assert product_title in flat_label, flat_label
    trace_path = f"/trace/{lot_code}/"
    expect(page.get_by_role("link", name="Trang truy xuất công khai")).to_have_attribute(
        "href", re.compile(re.escape(trace_path))
    )

    # --- Someone scans the label: the public trace page --------------------
    buyer = visitor("buyer")
    page = buyer.page
    buyer.goto(trace_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(product_title)
    expect(page.get_by_text(lot_code).first).to_be_visible()
    timeline = page.get_by_role("list").filter(has_text="Gieo trồng")
    expect(timeline.get_by_role("listitem")).to_have_count(3)
    for number, (kind, moment, place, actor) in enumerate(events):
        entry = timeline.get_by_role("listitem").nth(number)
        expect(entry.get_by_role("heading")).to_have_text(kind)
        for detail in (f"{moment:%d/%m/%Y %H:%M}", place, actor):
            expect(entry).to_contain_text(detail)
    expect(page.get_by_text("Đã xác minh: 3 sự kiện")).to_be_visible()
    expect(page.locator("main")).to_contain_text(cooperative_name)
    buyer.shot("trace-page")

    # --- ... and buys it as a guest, cash on delivery -----------------------
    buyer_email = f"khach.{tag}@example.com"
    page.get_by_role("link", name="Xem sản phẩm này trong cửa hàng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product_title)
    expect(page.locator("main")).to_contain_text("120.000 ₫")
    # The lot's 40 packets are the product's stock.
    expect(page.locator("main")).to_contain_text("40 có sẵn")
    page.get_by_role("button", name="Thêm vào giỏ hàng").click()
    expect(page.get_by_role("status").filter(has_text=product_title)).to_contain_text(
        "đã được thêm vào giỏ hàng"
    )
    page.get_by_role("link", name="Hiển thị giỏ hàng").click()
    page.wait_for_url("**/shop/basket/")
    page.get_by_role("link", name="Tiến hành thanh toán").first.click()
    page.locator("#id_username").fill(buyer_email)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/checkout/shipping-address/")
    labelled(page, "Họ và tên đệm").fill("Nguyễn Thị")
    labelled(page, "Tên").fill("Lan")
    labelled(page, "Điện thoại").fill("0987 654 321")
    labelled(page, "Xã, phường hoặc thị trấn").select_option(label="Xã Tân Trào")
    labelled(page, "Số nhà, đường, thôn hoặc bản").fill("Thôn Tân Lập")
    page.get_by_role("button", name="Tiếp tục").click()
    # Delivery is the new cooperative's only way (no pickup offered), so the
    # shipping method step is skipped.
    page.wait_for_url("**/checkout/payment-details/")
    page.get_by_label("Thanh toán khi nhận hàng").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/checkout/preview/")
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_url("**/checkout/thank-you/")
    confirmation = page.get_by_role("heading", level=1)
    expect(confirmation).to_have_text(re.compile(r"Đơn hàng \d+"))
    order_number = re.search(r"\d+", confirmation.inner_text()).group(0)
    buyer.shot("order-placed")

    # --- The cooperative sees its part of the order, and only its own ------
    page = staff.page
    staff.goto("/shop/dashboard/")
    my_cooperative_menu(page, "Đơn hàng")
    page.wait_for_url("**/shop/dashboard/cooperative/orders/")
    expect(page.get_by_role("heading", name="Đơn hàng cần xử lý")).to_be_visible()
    own_numbers = page.locator(GROUP_LINKS).all_inner_texts()
    assert own_numbers == [order_number]
    order_row = page.get_by_role("row").filter(has_text=order_number)
    expect(order_row).to_contain_text("Thanh toán khi nhận hàng")
    expect(order_row).to_contain_text("Mới")

    son_tra = visitor("son-tra-staff")
    son_tra.log_in_shop(*COOPERATIVE_STAFF)
    son_tra.goto("/shop/dashboard/cooperative/orders/")
    son_tra_numbers = son_tra.page.locator(GROUP_LINKS).all_inner_texts()
    assert son_tra_numbers, "the demo's Sơn Trà has orders to compare with"
    assert not set(son_tra_numbers) & set(own_numbers)
    # Nor can it be reached by its address.
    son_tra_group = son_tra.page.locator(GROUP_LINKS).first.get_attribute("href")
    staff.goto(son_tra_group, status=404)
    staff.goto("/shop/dashboard/cooperative/orders/")
    staff.shot("orders-list")

    # --- It confirms, packs and ships its parcel ---------------------------
    page.get_by_role("link", name=order_number).click()
    expect(page.get_by_role("row").filter(has_text=product_title)).to_contain_text(lot_code)
    page.get_by_role("button", name="Xác nhận đơn hàng").click()
    expect(page.get_by_text("Đã cập nhật trạng thái đơn hàng.")).to_be_visible()
    page.get_by_role("button", name="Đánh dấu đã đóng gói").click()
    expect(page.get_by_text("Đã cập nhật trạng thái đơn hàng.")).to_be_visible()
    tracking_number = f"VTP{uuid.uuid4().hex[:10].upper()}"
    page.get_by_label("Đơn vị vận chuyển").fill("Viettel Post")
    page.get_by_label("Mã vận đơn").fill(tracking_number)
    page.get_by_role("button", name="Đánh dấu đã gửi hàng").click()
    expect(page.get_by_text("Đã cập nhật trạng thái đơn hàng.")).to_be_visible()
    status_line = page.locator("p").filter(has_text="Trạng thái:")
    expect(status_line).to_contain_text("Đã gửi hàng")
    expect(status_line).to_contain_text(f"Đơn vị vận chuyển: Viettel Post · Mã vận đơn: {tracking_number}")
    staff.shot("shipped")

    # --- The buyer is told, and the order page says so ---------------------
    shipped = [
        message for message in demo_site.mails_to(buyer_email) if tracking_number in mail_text(message)
    ]
    assert len(shipped) == 1
    page = buyer.page
    buyer.goto(link_in(mail_text(shipped[0]), "/shop/"))
    # Oscar asks a guest for the order's e-mail address before showing it
    # (the link alone could have been forwarded).
    email_field = page.get_by_label("Địa chỉ email")
    email_field.fill(buyer_email)
    page.locator("form").filter(has=email_field).get_by_role("button").click()
    parcel = page.locator(".card").filter(has_text=cooperative_name)
    expect(parcel).to_contain_text("Trạng thái: Đã gửi hàng")
    expect(parcel).to_contain_text(tracking_number)
    buyer.shot("order-page-shipped")

    for person in (applicant, officer, staff, buyer, son_tra):
        assert person.script_errors == []
        assert [r for r in person.outside_requests if r[0] in ("script", "stylesheet", "font")] == []
