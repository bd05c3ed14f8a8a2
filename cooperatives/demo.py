"""Demo cooperatives of Tuyên Quang, so every district of the 2021–2025 map
(edition 2025-03-01) has at least one approved cooperative, with raw-material
areas, certificates, linkage models and two pilot communes.

Where cooperatives/data/tuyen_quang_ocop_and_destinations.json names a real
cooperative and its product, the demo uses them and links the source. Every
other fact (contacts, representatives, areas, certificates, agreements,
registration numbers) is invented for the demo, so no demo profile claims to
be verified: each page shows the "not verified" notice. Districts without a
real cooperative in the file get plainly invented ones.

Safe to run again: whatever already exists is left exactly as it is.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

from marketplace.sanitize import sanitize_rich_text

from . import services
from .models import (
    AdministrativeUnit,
    Certification,
    Cooperative,
    LinkageModel,
    PilotProgramme,
    RawMaterialArea,
)

EDITION = "2025-03-01"
# The staff user "htx.sontra" of marketplace.demo belongs to this partner.
SON_TRA_PARTNER_CODE = "htx-son-tra"

CERTIFIED_FROM = datetime.date(2024, 1, 1)
CERTIFIED_UNTIL = datetime.date(2027, 12, 31)
DEMO_ISSUER = "Tổ chức chứng nhận (dữ liệu demo)"
# Half the side of the square drawn as an area's boundary, in degrees (~400 m).
BOUNDARY_HALF_SIDE = Decimal("0.0036")

REAL_NOTE = (
    "<p><em>Hồ sơ demo.</em> Tên hợp tác xã, địa bàn và sản phẩm lấy từ nguồn công khai (xem liên kết "
    "nguồn); số đăng ký, điện thoại, e-mail, người đại diện, vùng nguyên liệu, chứng nhận và liên kết "
    "sản xuất là dữ liệu minh hoạ, không phải thông tin của hợp tác xã.</p>"
)
INVENTED_NOTE = (
    "<p><em>Dữ liệu demo.</em> Hợp tác xã này được tạo ra để minh hoạ sàn Chợ Quê; tên, địa chỉ, "
    "sản phẩm, vùng nguyên liệu và liên kết sản xuất đều là dữ liệu giả định.</p>"
)
# Real cooperatives get no invented person as their representative.
REAL_REPRESENTATIVE = "Ban giám đốc hợp tác xã (dữ liệu demo)"


@dataclass(frozen=True)
class DemoCertification:
    scheme: str
    number: str


@dataclass(frozen=True)
class DemoArea:
    name: str
    commune_code: str
    hectares: str
    latitude: str
    longitude: str
    main_crop: str
    certification: DemoCertification | None = None
    with_boundary: bool = False


@dataclass(frozen=True)
class DemoCooperative:
    registration_number: str
    legal_name: str
    commune_code: str
    address: str
    main_products: str
    about: str
    areas: tuple[DemoArea, ...]
    # Named in the reference file (with its source), or invented.
    real: bool = True
    source_url: str = ""
    representative: str = REAL_REPRESENTATIVE
    founding_year: int | None = None
    member_households: int | None = None
    partner_code: str | None = None

    @property
    def email(self) -> str:
        return f"{self.registration_number.lower()}@choque.example"

    @property
    def phone(self) -> str:
        # 0207 is Tuyên Quang's area code; no subscriber number starts with 0,
        # so these can never ring a real line.
        district, number = self.registration_number.split("-")[2:]
        return f"0207 000 {district}{number[-1]}"


@dataclass(frozen=True)
class DemoLinkage:
    enterprise_name: str
    product_description: str
    cooperatives: tuple[str, ...]
    signed_on: datetime.date
    expires_on: datetime.date
    volume_agreed: str
    volume_unit: str
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoPilot:
    commune_code: str
    kind: str
    field: str
    started_on: datetime.date
    note: str


VG, ORGANIC = Certification.Scheme.VIETGAP, Certification.Scheme.ORGANIC
Tool = LinkageModel.DigitalTool

SOURCE_OCOP_2024 = (
    "http://santmdttuyenquang.gov.vn/News/18896/1/"
    "Tuyen-Quang-Cong-bo-danh-sach-san-pham-OCOP-dat-hang-cao.html"
)
SOURCE_NONG_SAN = "https://baotuyenquang.com.vn/media/photo/nang-tam-nong-san-xu-tuyen-143310.html"
SOURCE_GI = (
    "http://santmdttuyenquang.gov.vn/News/18841/1/Tuyen-Quang-co-04-chi-dan-dia-ly-da-duoc-bao-ho.html"
)

DEMO_COOPERATIVES: tuple[DemoCooperative, ...] = (
    DemoCooperative(
        registration_number="DEMO-08-070-001",
        legal_name="Hợp tác xã chăn nuôi ong Phong Thổ",
        commune_code="02503",
        address="Xã An Khang, thành phố Tuyên Quang, tỉnh Tuyên Quang",
        main_products="Mật ong Hương rừng (mật ong Tuyên Quang, OCOP 4 sao)",
        about="<p>Mật ong Hương rừng đạt OCOP 4 sao (2020, 2024); đàn ong được chứng nhận VietGAP.</p>",
        source_url=SOURCE_OCOP_2024,
        areas=(
            DemoArea(
                "Vùng nuôi ong xã An Khang",
                "02503",
                "35.00",
                "21.864200",
                "105.227100",
                "Ong mật",
                DemoCertification(VG, "DEMO-VG-070-001"),
            ),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-071-001",
        legal_name="Hợp tác xã Nông nghiệp Lâm Bình",
        commune_code="02266",
        address="Thị trấn Lăng Can, huyện Lâm Bình, tỉnh Tuyên Quang",
        main_products="Gạo nếp, măng khô",
        about="<p>Hợp tác xã giả định trồng lúa nếp và chế biến măng khô.</p>",
        real=False,
        representative="Ma Văn Toàn",
        founding_year=2019,
        member_households=42,
        areas=(
            DemoArea("Cánh đồng lúa nếp Lăng Can", "02266", "12.00", "22.446800", "105.221300", "Lúa nếp"),
            DemoArea("Rừng măng Lăng Can", "02266", "20.50", "22.452500", "105.230200", "Măng tre"),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-072-001",
        legal_name="Hợp tác xã Sơn Trà",
        commune_code="02254",
        address="Thôn Hồng Ba, xã Hồng Thái, huyện Na Hang, tỉnh Tuyên Quang",
        main_products="Chè Shan tuyết Hồng Thái 1 tôm 1 lá (OCOP 4 sao), Chè Shan tuyết Hồng Thái lộc trà",
        about=(
            "<p>Chè Shan tuyết Hồng Thái 1 tôm 1 lá đạt OCOP 4 sao (2020) và được đánh giá là sản phẩm "
            "tiềm năng 5 sao năm 2024.</p>"
        ),
        source_url="http://en.baotuyenquang.com.vn/business/tuyen-quang-promotes-ocop-products-612.html",
        partner_code=SON_TRA_PARTNER_CODE,
        areas=(
            DemoArea(
                "Vùng chè Shan tuyết thôn Hồng Ba",
                "02254",
                "30.00",
                "22.437100",
                "105.304500",
                "Chè Shan tuyết",
                DemoCertification(ORGANIC, "DEMO-HC-072-001"),
                with_boundary=True,
            ),
            DemoArea(
                "Vùng chè Shan tuyết thôn Khâu Tràng",
                "02254",
                "18.50",
                "22.430200",
                "105.312700",
                "Chè Shan tuyết",
                DemoCertification(VG, "DEMO-VG-072-001"),
            ),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-072-002",
        legal_name="Hợp tác xã Rượu ngô men lá Na Hang",
        commune_code="02221",
        address="Thị trấn Na Hang, huyện Na Hang, tỉnh Tuyên Quang",
        main_products="Rượu ngô men lá",
        about=(
            "<p>Hợp tác xã giả định. Rượu ngô men lá Na Hang là một trong bốn chỉ dẫn địa lý của "
            "Tuyên Quang (xem nguồn).</p>"
        ),
        real=False,
        source_url=SOURCE_GI,
        representative="Hoàng Văn Lâm",
        founding_year=2020,
        member_households=18,
        areas=(DemoArea("Vùng ngô nguyên liệu Na Hang", "02221", "15.00", "22.355300", "105.390500", "Ngô"),),
    ),
    DemoCooperative(
        registration_number="DEMO-08-073-001",
        legal_name="Hợp tác xã nông lâm nghiệp Đồng Lộc",
        commune_code="02287",
        address="Thị trấn Vĩnh Lộc, huyện Chiêm Hóa, tỉnh Tuyên Quang",
        main_products="Bánh gai Chiêm Hóa (OCOP 4 sao)",
        about="<p>Bánh gai Chiêm Hóa đạt OCOP 4 sao năm 2024 (QĐ 321/QĐ-UBND).</p>",
        source_url=SOURCE_OCOP_2024,
        areas=(
            DemoArea(
                "Vùng trồng gai và lúa nếp Vĩnh Lộc",
                "02287",
                "8.00",
                "22.150500",
                "105.264200",
                "Cây gai, lúa nếp",
                DemoCertification(VG, "DEMO-VG-073-001"),
            ),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-074-001",
        legal_name="Hợp tác xã Sản xuất cá chiên Thái Hòa",
        commune_code="02419",
        address="Xã Thái Hòa, huyện Hàm Yên, tỉnh Tuyên Quang",
        main_products="Cá chiên sông Lô nuôi lồng",
        about="<p>Cá chiên nuôi lồng trên sông Lô, được xã chọn làm sản phẩm OCOP.</p>",
        source_url=SOURCE_NONG_SAN,
        areas=(
            DemoArea("Vùng nuôi cá lồng sông Lô", "02419", "2.50", "21.998500", "105.092700", "Cá chiên"),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-074-002",
        legal_name="Hợp tác xã Cam sành Sơn Nữ",
        commune_code="02410",
        address="Xã Nhân Mục, huyện Hàm Yên, tỉnh Tuyên Quang",
        main_products="Cam sành Hàm Yên",
        about="<p>Thành lập năm 2017, các tổ thành viên ở xã Nhân Mục và xã Bằng Cốc, sản xuất theo hướng "
        "hữu cơ.</p>",
        source_url="https://hanhdung.vn/cam-ham-yen-son-nu-tuyen-quang-dong-cam-nuc-danh-xu-bac",
        founding_year=2017,
        areas=(
            DemoArea(
                "Vùng cam sành Nhân Mục",
                "02410",
                "45.00",
                "22.129000",
                "105.005000",
                "Cam sành",
                DemoCertification(VG, "DEMO-VG-074-002"),
                with_boundary=True,
            ),
            DemoArea("Vùng cam sành Bằng Cốc", "02416", "30.00", "22.161800", "104.984500", "Cam sành"),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-075-001",
        legal_name="Hợp tác xã dịch vụ sản xuất nông nghiệp Sử Anh",
        commune_code="02506",
        address="Xã Mỹ Bằng, huyện Yên Sơn, tỉnh Tuyên Quang",
        main_products="Chè xanh Ngọc Thúy, Trà Ngọc Thúy (OCOP 4 sao)",
        about="<p>Chè xanh Ngọc Thúy Nõn và Trà Ngọc Thúy đạt OCOP 4 sao (QĐ 321/QĐ-UBND năm 2024).</p>",
        source_url=SOURCE_OCOP_2024,
        areas=(
            DemoArea(
                "Vùng chè Mỹ Bằng",
                "02506",
                "20.00",
                "21.903500",
                "105.143200",
                "Chè xanh",
                DemoCertification(VG, "DEMO-VG-075-001"),
            ),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-075-002",
        legal_name="Hợp tác xã nông sản hữu cơ Bình Minh",
        commune_code="02464",
        address="Xã Tứ Quận, huyện Yên Sơn, tỉnh Tuyên Quang",
        main_products="Trà ổi, hoa đu đủ đực ngâm mật ong",
        about="<p>Thành lập tháng 8/2022; hai sản phẩm được chọn để xuất khẩu năm 2024.</p>",
        source_url="http://santmdttuyenquang.gov.vn/News/19939/1/Tuyen-Quang-phat-trien-cac-san-pham-Ocop.html",
        founding_year=2022,
        areas=(
            DemoArea(
                "Vườn ổi và đu đủ Tứ Quận",
                "02464",
                "5.00",
                "21.962000",
                "105.188500",
                "Ổi, đu đủ",
                DemoCertification(ORGANIC, "DEMO-HC-075-002"),
            ),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-075-003",
        legal_name="Hợp tác xã Nông nghiệp Xuân Vân",
        commune_code="02449",
        address="Xã Xuân Vân, huyện Yên Sơn, tỉnh Tuyên Quang",
        main_products="Bưởi Soi Hà",
        about=(
            "<p>Hợp tác xã giả định. Bưởi Soi Hà do các hộ dân thôn Soi Hà trồng và được bảo hộ chỉ dẫn "
            "địa lý (xem nguồn).</p>"
        ),
        real=False,
        source_url="https://nongnghiepmoitruong.vn/buoi-soi-ha-duoc-chung-nhan-chi-dan-dia-ly-d303177.html",
        representative="Nguyễn Văn Hải",
        founding_year=2021,
        member_households=36,
        areas=(
            DemoArea(
                "Vùng bưởi thôn Soi Hà",
                "02449",
                "25.00",
                "21.938500",
                "105.255800",
                "Bưởi",
                DemoCertification(VG, "DEMO-VG-075-003"),
            ),
        ),
    ),
    DemoCooperative(
        registration_number="DEMO-08-076-001",
        legal_name="Hợp tác xã Sản xuất tinh bột sắn dây thị trấn Sơn Dương",
        commune_code="02536",
        address="Thị trấn Sơn Dương, huyện Sơn Dương, tỉnh Tuyên Quang",
        main_products="Bột sắn dây Thục Sơn (OCOP 3 sao)",
        about="<p>Bột sắn dây Thục Sơn được đánh giá đạt tiêu chuẩn OCOP 3 sao.</p>",
        source_url=SOURCE_NONG_SAN,
        areas=(DemoArea("Vùng sắn dây Sơn Dương", "02536", "10.00", "21.695800", "105.392100", "Sắn dây"),),
    ),
    DemoCooperative(
        registration_number="DEMO-08-076-002",
        legal_name="Hợp tác xã chè búp Ngân Sơn",
        commune_code="02539",
        address="Xã Trung Yên, huyện Sơn Dương, tỉnh Tuyên Quang",
        main_products="Chè búp Ngân Sơn",
        about="<p>Sản phẩm OCOP của địa phương từ năm 2018, trên 20 ha chè sản xuất theo VietGAP.</p>",
        source_url=(
            "https://dantocmiennui.vn/"
            "tuyen-quang-xay-dung-thuong-hieu-cho-san-pham-nong-nghiep-the-manh/182378.html"
        ),
        areas=(
            DemoArea(
                "Vùng chè VietGAP Trung Yên",
                "02539",
                "20.00",
                "21.812000",
                "105.410500",
                "Chè",
                DemoCertification(VG, "DEMO-VG-076-002"),
            ),
        ),
    ),
)

DEMO_LINKAGES: tuple[DemoLinkage, ...] = (
    DemoLinkage(
        "Công ty TNHH Thương mại Mật ong Sông Lô (dữ liệu demo)",
        "Mật ong Hương rừng",
        ("DEMO-08-070-001",),
        datetime.date(2023, 5, 15),
        datetime.date(2028, 5, 14),
        "8",
        "tấn",
        (Tool.TRACEABILITY, Tool.ECOMMERCE),
    ),
    DemoLinkage(
        "Công ty CP Nông sản Vùng cao (dữ liệu demo)",
        "Măng khô",
        ("DEMO-08-071-001",),
        datetime.date(2024, 3, 1),
        datetime.date(2027, 2, 28),
        "3",
        "tấn",
        (Tool.FARM_DIARY,),
    ),
    DemoLinkage(
        "Công ty TNHH Chế biến Chè Việt Bắc (dữ liệu demo)",
        "Chè Shan tuyết búp tươi",
        ("DEMO-08-072-001",),
        datetime.date(2023, 3, 1),
        datetime.date(2028, 2, 29),
        "30",
        "tấn",
        (Tool.FARM_DIARY, Tool.TRACEABILITY, Tool.ECOMMERCE),
    ),
    DemoLinkage(
        "Chuỗi cửa hàng Đặc sản Xứ Tuyên (dữ liệu demo)",
        "Bánh gai",
        ("DEMO-08-073-001",),
        datetime.date(2024, 6, 1),
        datetime.date(2027, 6, 30),
        "20000",
        "chiếc",
        (Tool.ECOMMERCE, Tool.ERP),
    ),
    DemoLinkage(
        "Công ty CP Xuất nhập khẩu Nông sản Sông Lô (dữ liệu demo)",
        "Cam sành",
        ("DEMO-08-074-002",),
        datetime.date(2023, 9, 1),
        datetime.date(2028, 8, 31),
        "300",
        "tấn",
        (Tool.TRACEABILITY, Tool.SENSORS),
    ),
    DemoLinkage(
        "Công ty TNHH Trà Ngọc Sơn (dữ liệu demo)",
        "Chè xanh búp tươi",
        ("DEMO-08-075-001",),
        datetime.date(2024, 1, 10),
        datetime.date(2029, 1, 9),
        "25",
        "tấn",
        (Tool.FARM_DIARY, Tool.TRACEABILITY),
    ),
    DemoLinkage(
        "Công ty CP Thực phẩm Tân Trào (dữ liệu demo)",
        "Bột sắn dây",
        ("DEMO-08-076-001",),
        datetime.date(2023, 11, 20),
        datetime.date(2027, 11, 19),
        "12",
        "tấn",
        (Tool.ERP,),
    ),
)

DEMO_PILOTS: tuple[DemoPilot, ...] = (
    DemoPilot(
        "02254",
        PilotProgramme.Kind.ECOMMERCE_COMMUNE,
        "",
        datetime.date(2023, 1, 1),
        "Dữ liệu demo: xã điểm thương mại điện tử, các hợp tác xã đưa chè Shan tuyết lên sàn.",
    ),
    DemoPilot(
        "02269",
        PilotProgramme.Kind.SMART_COMMUNE,
        PilotProgramme.Field.RURAL_TOURISM,
        datetime.date(2024, 1, 1),
        "Dữ liệu demo: xã thông minh về du lịch nông thôn (làng văn hóa du lịch thôn Nà Tông).",
    ),
)


def demo_cooperatives_count() -> int:
    """How many cooperatives demo_cooperatives_ensure handles (for a progress bar)."""
    return len(DEMO_COOPERATIVES)


@transaction.atomic
def demo_cooperatives_ensure(
    *, on_progress: Callable[[int], None] | None = None
) -> list[tuple[Cooperative, bool]]:
    """The demo cooperatives, approved, with their areas, certificates,
    linkage models, and the pilot communes; returns each cooperative with
    whether it was created. Needs the administrative units of edition
    2025-03-01 (marketplace.demo.demo_administrative_units_load); run after
    demo_users_ensure so the demo staff user becomes staff of Sơn Trà.

    Approving a new cooperative e-mails it (to @choque.example addresses)
    once the transaction commits, as any approval does."""
    communes = _demo_communes()
    results = []
    by_number = {}
    for spec in DEMO_COOPERATIVES:
        cooperative, created = _cooperative_ensure(spec, communes)
        for area in spec.areas:
            _area_ensure(cooperative, area, communes)
        by_number[spec.registration_number] = cooperative
        results.append((cooperative, created))
        if on_progress:
            on_progress(1)
    for linkage in DEMO_LINKAGES:
        _linkage_ensure(linkage, by_number)
    for pilot in DEMO_PILOTS:
        PilotProgramme.objects.get_or_create(
            commune=communes[pilot.commune_code],
            kind=pilot.kind,
            started_on=pilot.started_on,
            defaults={"field": pilot.field, "status": PilotProgramme.Status.ACTIVE, "note": pilot.note},
        )
    return results


def _demo_communes() -> dict[str, AdministrativeUnit]:
    codes = {spec.commune_code for spec in DEMO_COOPERATIVES}
    codes |= {area.commune_code for spec in DEMO_COOPERATIVES for area in spec.areas}
    codes |= {pilot.commune_code for pilot in DEMO_PILOTS}
    communes = {
        unit.code: unit
        for unit in AdministrativeUnit.objects.filter(
            edition=EDITION, level=AdministrativeUnit.Level.COMMUNE, code__in=codes
        )
    }
    missing = sorted(codes - communes.keys())
    if missing:
        raise ValueError(
            f"The communes {', '.join(missing)} of edition {EDITION} are missing: "
            "load the administrative units first."
        )
    return communes


def _cooperative_ensure(spec: DemoCooperative, communes) -> tuple[Cooperative, bool]:
    existing = Cooperative.objects.filter(registration_number=spec.registration_number).first()
    if existing is not None:
        return existing, False
    partner = None
    if spec.partner_code:
        Partner = get_model("partner", "Partner")
        partner, _created = Partner.objects.get_or_create(
            code=spec.partner_code, defaults={"name": spec.legal_name[:128]}
        )
        # Someone may have given this partner a cooperative of their own
        # (through the dashboard or admin): that one stands for it.
        already = Cooperative.objects.filter(partner=partner).first()
        if already is not None:
            return already, False
    cooperative = Cooperative(
        legal_name=spec.legal_name,
        slug=services._unique_slug(spec.legal_name),
        registration_number=spec.registration_number,
        commune=communes[spec.commune_code],
        address=spec.address,
        phone=spec.phone,
        email=spec.email,
        representative=spec.representative,
        founding_year=spec.founding_year,
        member_households=spec.member_households,
        main_products=spec.main_products,
        description=sanitize_rich_text((REAL_NOTE if spec.real else INVENTED_NOTE) + spec.about),
        status=Cooperative.Status.APPLIED,
        partner=partner,
        source_url=spec.source_url,
        facts_verified=False,
    )
    cooperative.full_clean()
    cooperative.save()
    return services.cooperative_approve(cooperative=cooperative, approved_by=None), True


def _boundary(area: DemoArea) -> dict:
    """A small square around the area's point, as a GeoJSON Polygon."""
    lat, lon, half = Decimal(area.latitude), Decimal(area.longitude), BOUNDARY_HALF_SIDE
    corners = [
        (lon - half, lat - half),
        (lon + half, lat - half),
        (lon + half, lat + half),
        (lon - half, lat + half),
    ]
    ring = [[float(x), float(y)] for x, y in corners + corners[:1]]
    return {"type": "Polygon", "coordinates": [ring]}


def _area_ensure(cooperative: Cooperative, spec: DemoArea, communes) -> RawMaterialArea:
    area = RawMaterialArea.objects.filter(cooperative=cooperative, name=spec.name).first()
    if area is None:
        area = services.raw_material_area_save(
            area=RawMaterialArea(
                cooperative=cooperative,
                name=spec.name,
                commune=communes[spec.commune_code],
                area_hectares=Decimal(spec.hectares),
                latitude=Decimal(spec.latitude),
                longitude=Decimal(spec.longitude),
                boundary=_boundary(spec) if spec.with_boundary else None,
                main_crop=spec.main_crop,
            )
        )
    if (
        spec.certification
        and not area.certifications.filter(certificate_number=spec.certification.number).exists()
    ):
        # Saved directly rather than through certification_save, which refuses
        # expired certificates: the demo must still load after 2027.
        certification = Certification(
            raw_material_area=area,
            scheme=spec.certification.scheme,
            certificate_number=spec.certification.number,
            issuer=DEMO_ISSUER,
            valid_from=CERTIFIED_FROM,
            valid_until=CERTIFIED_UNTIL,
        )
        certification.full_clean()
        certification.save()
    return area


def _linkage_ensure(spec: DemoLinkage, by_number: dict[str, Cooperative]) -> LinkageModel:
    existing = LinkageModel.objects.filter(
        enterprise_name=spec.enterprise_name,
        product_description=spec.product_description,
        signed_on=spec.signed_on,
    ).first()
    if existing is not None:
        return existing
    cooperatives = [by_number[number] for number in spec.cooperatives]
    return services.linkage_model_save(
        linkage_model=LinkageModel(
            enterprise_name=spec.enterprise_name,
            product_description=spec.product_description,
            signed_on=spec.signed_on,
            expires_on=spec.expires_on,
            volume_agreed=Decimal(spec.volume_agreed),
            volume_unit=spec.volume_unit,
            declared_digital_tools=[str(tool) for tool in spec.tools],
        ),
        cooperatives=cooperatives,
        raw_material_areas=list(RawMaterialArea.objects.filter(cooperative__in=cooperatives).order_by("pk")),
    )
