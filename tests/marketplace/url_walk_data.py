"""The world the URL walk (test_url_walk.py) runs in: two cooperatives, A in
Na Hang and B in Hàm Yên, each with staff, a raw-material area, a
certification, a linkage model, a document, a product, a lot with a trace
event, an order with its fulfilment group and ledger entries; the tourism
site of tests/factories/cms.py with a tourism officer for each of its two
districts, each with a draft and a page under review; a province officer, a
buyer and a platform admin; and one object of each kind Oscar's dashboard,
Wagtail's admin and Django's admin have pages for.

Every owner has its secrets: text only that owner's pages may show."""

import datetime
import io
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site as DjangoSite
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import (
    AttributeOptionGroupFactory,
    CategoryFactory,
    CountryFactory,
    OptionFactory,
    ProductAlertFactory,
    ProductReviewFactory,
    RangeFactory,
    ShippingAddressFactory,
    VoucherFactory,
    VoucherSetFactory,
    WishListFactory,
    create_offer,
    create_order,
    create_product,
    create_shipping_weight_band,
    create_shipping_weight_based,
    create_stockrecord,
)
from PIL import Image as PILImage
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, Locale, Site, UploadedFile

from catalog import services as catalog_services
from cms import services as cms_services
from cooperatives.models import Certification, CooperativeDocument, LinkageModel, RawMaterialArea
from marketplace import roles
from marketplace.audit.models import AuditEvent
from marketplace.ledger.services import ledger_record_order
from reports.models import Target
from tests.factories import approved_cooperative, user_with_role
from tests.factories.cms import add_page, destination, tourism_site

Basket = get_model("basket", "Basket")
CommunicationEventType = get_model("communication", "CommunicationEventType")

# Text only one owner's pages may show to anyone but the province and the
# platform: names of private records (area, certificate, linkage model, lot,
# order note, trace diary), and the titles of unpublished pages. Product
# titles are no secret: the shop shows them.
SECRETS = {
    "a": ("Đồi chè Hồng Ba", "VG-SONTRA-01", "Chè búp tươi Sơn Trà", "SONTRA-261001",
          "Giao trước Tết Sơn Trà", "Sổ nhật ký Sơn Trà"),
    "b": ("Vườn cam Phù Lưu", "VG-PHULUU-02", "Cam tươi Phù Lưu", "PHULUU-261002",
          "Gọi trước khi giao Phù Lưu", "Sổ nhật ký Phù Lưu"),
    "x": ("Nháp riêng của Na Hang", "Chờ duyệt của Na Hang"),
    "y": ("Nháp riêng của Hàm Yên", "Chờ duyệt của Hàm Yên"),
}  # fmt: skip

ORDER_NUMBERS = {"a": "910001", "b": "910002"}


def jpeg(colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _cooperative(key, *, legal_name, commune, area_name, certificate, linkage, product_title, lot_code,
                 note, diary, country):  # fmt: skip
    cooperative = approved_cooperative(legal_name=legal_name, commune=commune)
    staff = cooperative.partner.users.get()
    area = RawMaterialArea.objects.create(
        cooperative=cooperative, name=area_name, commune=commune, area_hectares=Decimal("12.5"),
        main_crop=linkage, latitude=Decimal("22.35"), longitude=Decimal("105.38"),
    )  # fmt: skip
    certification = Certification.objects.create(
        raw_material_area=area, scheme="vietgap", certificate_number=certificate, issuer="Sở NN&PTNT",
        valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2099, 12, 31),
    )  # fmt: skip
    linkage_model = LinkageModel.objects.create(
        enterprise_name=f"Công ty {linkage}", product_description=linkage, signed_on=datetime.date(2024, 3, 1)
    )
    linkage_model.cooperatives.add(cooperative)
    linkage_model.raw_material_areas.add(area)
    document = CooperativeDocument(cooperative=cooperative)
    document.file.save(f"giay-phep-{key}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    product = create_product(title=product_title)
    create_stockrecord(
        product, price=Decimal("150000"), num_in_stock=20, partner_name=cooperative.partner.name
    )
    lot = catalog_services.lot_create(
        product=product, cooperative=cooperative, produced_on=datetime.date(2026, 10, 1), quantity=20,
        raw_material_area=area, code=lot_code,
    )  # fmt: skip
    catalog_services.trace_event_append(
        lot=lot, kind="harvest", occurred_at=timezone.now() - datetime.timedelta(days=2), place=area_name,
        actor=legal_name, note=diary,
    )  # fmt: skip

    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(product)
    address = ShippingAddressFactory(
        country=country, first_name="Lan", last_name="Nguyễn", line1="Thôn 1", line4="Na Hang",
        phone_number="+84912345678",
    )  # fmt: skip
    order = create_order(basket=basket, number=ORDER_NUMBERS[key], shipping_address=address)
    note = order.notes.create(message=note)
    ledger_record_order(order=order)
    return {
        f"coop_{key}": cooperative, f"staff_{key}": staff, f"area_{key}": area,
        f"certification_{key}": certification, f"linkage_{key}": linkage_model, f"document_{key}": document,
        f"product_{key}": product, f"lot_{key}": lot, f"order_{key}": order, f"note_{key}": note,
        f"line_{key}": order.lines.get(), f"group_{key}": order.fulfilment_groups.get(),
        f"ledger_account_{key}": cooperative.partner.ledger_account,
    }  # fmt: skip


def _district_pages(key, *, site, district_code, officer, workflow):
    section = site.sections[district_code][0]
    draft_title, review_title = SECRETS[key]
    draft = add_page(
        section,
        destination(section, title=draft_title, slug=f"nhap-{key}", lat="22.1", lon="105.1",
                    intro=draft_title),
        publish=False,
    )  # fmt: skip
    draft.owner = officer
    draft.save(update_fields=["owner"])
    in_review = add_page(
        section,
        destination(section, title=review_title, slug=f"cho-duyet-{key}", lat="22.2", lon="105.2",
                    intro=review_title),
        publish=False,
    )  # fmt: skip
    workflow_state = workflow.start(in_review, officer)
    image = Image.objects.create(
        title=f"Ảnh của {officer.username}", uploaded_by_user=officer,
        file=ImageFile(io.BytesIO(jpeg((30, 110, 70))), name=f"anh-{key}.jpg"),
    )  # fmt: skip
    document = Document.objects.create(
        title=f"Tài liệu của {officer.username}", uploaded_by_user=officer,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"tai-lieu-{key}.pdf"),
    )  # fmt: skip
    uploaded_image = UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(Image), uploaded_by_user=officer,
        file=ContentFile(jpeg((200, 10, 10)), name=f"tai-len-{key}.jpg"),
    )  # fmt: skip
    uploaded_document = UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(Document), uploaded_by_user=officer,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"tai-len-{key}.pdf"),
    )  # fmt: skip
    session = EditingSession.objects.create(
        user=officer, content_type=ContentType.objects.get_for_model(draft.specific_class),
        object_id=str(draft.pk), last_seen_at=timezone.now(),
    )  # fmt: skip
    in_review.refresh_from_db()
    published = next(iter(section.get_children().live().specific()))
    alias = published.create_alias(update_slug=f"{published.slug}-ban-sao")
    return {
        f"section_{key}": section, f"draft_{key}": draft, f"review_{key}": in_review,
        f"published_{key}": published, f"alias_{key}": alias,
        f"workflow_state_{key}": workflow_state, f"task_state_{key}": in_review.current_workflow_task_state,
        f"revision_{key}": draft.latest_revision, f"image_{key}": image, f"wagtail_document_{key}": document,
        f"uploaded_image_{key}": uploaded_image, f"uploaded_document_{key}": uploaded_document,
        f"editing_session_{key}": session,
    }  # fmt: skip


def url_walk_world() -> dict:
    """Builds everything; returns it by name (the users under their role's
    name in the walk: anonymous has none)."""
    site = tourism_site()
    units = site.units
    country = CountryFactory(iso_3166_1_a2="VN", printable_name="Việt Nam")
    world = {"site": site, "units": units, "country": country}
    world |= _cooperative(
        "a", legal_name="Hợp tác xã Sơn Trà", commune=units["02254"], area_name=SECRETS["a"][0],
        certificate=SECRETS["a"][1], linkage=SECRETS["a"][2], lot_code=SECRETS["a"][3], note=SECRETS["a"][4],
        product_title="Chè Shan tuyết Sơn Trà", diary=SECRETS["a"][5], country=country,
    )  # fmt: skip
    world |= _cooperative(
        "b", legal_name="Hợp tác xã Cam Phù Lưu", commune=units["02395"], area_name=SECRETS["b"][0],
        certificate=SECRETS["b"][1], linkage=SECRETS["b"][2], lot_code=SECRETS["b"][3], note=SECRETS["b"][4],
        product_title="Cam sành Phù Lưu", diary=SECRETS["b"][5], country=country,
    )  # fmt: skip

    workflow = cms_services.tourism_review_workflow_ensure()
    officer_x = user_with_role(roles.TOURISM_OFFICER, username="can-bo-na-hang")
    cms_services.tourism_officer_assign(user=officer_x, district=units["072"])
    officer_y = user_with_role(roles.TOURISM_OFFICER, username="can-bo-ham-yen")
    cms_services.tourism_officer_assign(user=officer_y, district=units["074"])
    world |= _district_pages("x", site=site, district_code="072", officer=officer_x, workflow=workflow)
    world |= _district_pages("y", site=site, district_code="074", officer=officer_y, workflow=workflow)
    world |= {
        "officer_x": officer_x,
        "officer_y": officer_y,
        "province": user_with_role(roles.PROVINCE_OFFICER, username="so-van-hoa"),
        "buyer": user_with_role(roles.BUYER, username="nguoi-mua"),
        "admin": user_with_role(roles.PLATFORM_ADMIN, username="quan-tri"),
        "workflow": workflow,
        "task": workflow.tasks.get(),
        "group_y": officer_y.groups.exclude(name=roles.TOURISM_OFFICER).get(),
        "collection": Collection.get_first_root_node().add_child(name="Ảnh sự kiện"),
        "redirect": Redirect.objects.create(old_path="/diem-den-cu", redirect_link="/"),
        "locale": Locale.objects.get(language_code="en"),
        "wagtail_site": Site.objects.get(is_default_site=True),
    }

    # One of each thing Oscar's dashboard has pages for (platform staff only).
    product_a = world["product_a"]
    category = CategoryFactory(name="Đặc sản")
    option_group = AttributeOptionGroupFactory()
    range_ = RangeFactory(name="Quà Tết")
    offer = create_offer(name="Giảm giá Tết", product_range=range_)
    method = create_shipping_weight_based()
    world |= {
        "category": category,
        "option_group": option_group,
        "option": OptionFactory(),
        "flatpage": _flatpage(),
        "range": range_,
        "offer": offer,
        "review": ProductReviewFactory(product=product_a, user=world["buyer"]),
        "voucher": VoucherFactory(),
        "voucher_set": VoucherSetFactory(count=1),
        "alert": ProductAlertFactory(product=product_a, user=world["buyer"]),
        "comms": CommunicationEventType.objects.get_or_create(
            code="ORDER_PLACED", defaults={"name": "Order placed", "category": "Order related"}
        )[0],
        "shipping_method": method,
        "shipping_band": create_shipping_weight_band(upper_limit=Decimal("5"), charge=Decimal("30000"),
                                                      weight_based=method),
        "wishlist": WishListFactory(owner=world["buyer"]),
    }  # fmt: skip
    # A device being set up (unconfirmed, so the buyer's sign-in asks no code).
    world["totp_device"] = TOTPDevice.objects.create(user=world["buyer"], name="Điện thoại", confirmed=False)
    world["audit_event"] = AuditEvent.objects.order_by("pk").first()
    # The targets of the plan the migrations load, or one.
    world["target"] = Target.objects.order_by("pk").first() or Target.objects.create(
        indicator=Target._meta.get_field("indicator").choices[0][0], threshold_percent=Decimal("50"),
        starts_on=datetime.date(2026, 1, 1), deadline=datetime.date(2030, 12, 31),
        source_document="QĐ 1/2026",
    )  # fmt: skip
    return world


def _flatpage():
    page = FlatPage.objects.create(url="/gioi-thieu/", title="Giới thiệu", content="Chợ Quê")
    page.sites.add(DjangoSite.objects.get_current())
    return page
