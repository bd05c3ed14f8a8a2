"""The bench cooperatives, on the real map of the reports' edition: each
approved with its shop partner, the status changes a report reads, a
raw-material area, and what checkout needs to sell its products (a shipping
policy, a ledger account); then linkage models and pilot communes.

Most rural communes get a cooperative and a few get none, so the province's
indicator 1 is high but not complete; wards and towns get theirs too.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from oscar.core.loading import get_model

from .base import BATCH_SIZE, NUMBER_PREFIX, SLUG_PREFIX, moment
from .catalogue import line_pair

# Tày and Dao hamlets, for addresses and destination pages.
HAMLETS = (
    "Nà Tông", "Khuổi Nhi", "Nặm Đíp", "Bản Bung", "Pác Ban", "Khâu Tràng", "Nà Khá", "Phiêng Luông",
    "Bản Tát", "Nà Mỏ", "Khuôn Hẩu", "Thẳm Hon", "Nà Lừa", "Khuổi Phầy", "Nà Giàng", "Bản Khiển",
    "Nà Va", "Lũng Giang", "Pác Hóp", "Khuổi Mây", "Nà Cọn", "Bản Pài", "Nà Héc", "Tát Kẻ",
)  # fmt: skip
# What a cooperative names itself after when not after its main product.
TRADES = ("Nông nghiệp", "Dịch vụ nông nghiệp", "Nông lâm nghiệp", "Chăn nuôi", "Đặc sản", "Thổ cẩm")
REPRESENTATIVES = (
    "Nguyễn Văn Hùng", "Ma Thị Lan", "Hoàng Văn Toàn", "Triệu Thị Mai", "Nông Văn Sơn", "Lý Thị Hoa",
    "Bàn Văn Lâm", "Quan Thị Hằng",
)  # fmt: skip
# Where the province lies, for points on the map.
LATITUDES, LONGITUDES = (21.55, 22.65), (104.85, 105.60)
# Approved during the plan (2021–2025) as the province's cooperatives were.
FIRST_APPROVAL = datetime.datetime(2021, 1, 4, 8, tzinfo=datetime.UTC)
LAST_APPROVAL = datetime.datetime(2025, 5, 30, 8, tzinfo=datetime.UTC)
# About 85% of the rural communes have a cooperative.
RURAL_COVERAGE = 0.85
CERTIFIER = "Tổ chức chứng nhận (dữ liệu bài đo)"


@dataclass
class BenchCooperative:
    """A bench cooperative with what the later steps need of it."""

    cooperative: object
    area: object
    lines: tuple  # its main product line, then a second one
    policy: object


def map_communes() -> list:
    """The communes of the reports' map in force on its date (a commune
    merged away earlier is kept in the data for history only), with their
    parents, by code."""
    from cooperatives.models import AdministrativeUnit
    from reports.selectors import province_unit

    province = province_unit()
    return list(
        AdministrativeUnit.objects.filter(
            pk__in=province.descendant_ids(), level=AdministrativeUnit.Level.COMMUNE
        )
        .exclude(valid_until__lt=datetime.date.fromisoformat(province.edition))
        .select_related("parent")
        .order_by("code")
    )


def _point(rng: random.Random) -> tuple[Decimal, Decimal]:
    return (
        Decimal(f"{rng.uniform(*LATITUDES):.6f}"),
        Decimal(f"{rng.uniform(*LONGITUDES):.6f}"),
    )


def cooperatives_insert(*, count, communes, categories, rng: random.Random, now, progress) -> list:
    """``count`` approved cooperatives, every chosen commune getting one
    before any gets a second; returns them as ``BenchCooperative``s."""
    from cooperatives.models import Cooperative, CooperativeStatusChange, RawMaterialArea
    from marketplace.ledger.models import LedgerAccount
    from marketplace.shipping.models import CooperativeShippingPolicy

    Partner = get_model("partner", "Partner")
    rural = [commune for commune in communes if commune.unit_type in settings.REPORTS_COMMUNE_TYPES]
    places = rng.sample(rural, round(RURAL_COVERAGE * len(rural)))
    places += [commune for commune in communes if commune.unit_type not in settings.REPORTS_COMMUNE_TYPES]
    last_approval = min(LAST_APPROVAL, now - datetime.timedelta(days=30))

    planned = []
    for index in range(count):
        commune = places[index] if index < len(places) else rng.choice(places)
        main, second = line_pair(rng)
        trade = main.name if rng.random() < 0.5 else rng.choice(TRADES)
        name = f"Hợp tác xã {trade} {commune.short_name}"
        households = rng.randint(7, 180)
        approved_at = moment(rng, FIRST_APPROVAL, last_approval)
        address = f"Thôn {rng.choice(HAMLETS)}, {commune.name}"
        cooperative = Cooperative(
            legal_name=name,
            slug=f"{SLUG_PREFIX}htx-{index}",
            registration_number=f"{NUMBER_PREFIX}{index:06d}",
            commune=commune,
            address=address,
            # 0207 is the province's area code; no subscriber number starts
            # with 0, so these never ring a real line.
            phone=f"0207 0{index:06d}",
            email=f"{SLUG_PREFIX}htx-{index}@htx.example",
            representative=rng.choice(REPRESENTATIVES),
            founding_year=rng.randint(1998, approved_at.year),
            member_households=households,
            main_products=f"{main.name}, {second.name}",
            description=(
                f"<p>{name} có {households} hộ thành viên ở {commune.name}, {commune.parent.name}. "
                f"Sản phẩm chính: {main.name.lower()} và {second.name.lower()}, {main.feature}.</p>"
                "<p><em>Dữ liệu bài đo hiệu năng</em>: hợp tác xã giả định.</p>"
            ),
            status=Cooperative.Status.APPROVED,
            applied_at=approved_at - datetime.timedelta(days=rng.randint(7, 60)),
            approved_at=approved_at,
            facts_verified=False,
            # As cooperative_approve makes it: a partner named after the cooperative.
            partner=Partner(code=f"{SLUG_PREFIX}htx-{index}", name=name[:128]),
        )
        latitude, longitude = _point(rng)
        area = RawMaterialArea(
            name=f"Vùng nguyên liệu {main.name} {commune.short_name}",
            commune=commune,
            area_hectares=Decimal(rng.randrange(50, 3000)) / 10,
            latitude=latitude,
            longitude=longitude,
            main_crop=main.name,
        )
        pickup = rng.random() < 0.2
        policy = CooperativeShippingPolicy(
            flat_fee=rng.choice([20_000, 25_000, 30_000, 35_000]),
            fee_per_kg=rng.choice([0, 3_000, 5_000]),
            free_shipping_threshold=500_000 if rng.random() < 0.3 else None,
            allows_pickup=pickup,
            pickup_instructions=f"Tại trụ sở hợp tác xã, {address}; 7:00–17:00, thứ Hai đến thứ Bảy."
            if pickup
            else "",
        )
        planned.append(
            BenchCooperative(cooperative=cooperative, area=area, lines=(main, second), policy=policy)
        )

    Partner.objects.bulk_create([bench.cooperative.partner for bench in planned], batch_size=BATCH_SIZE)
    for bench in planned:
        # The partner now has its id; assigning again copies it to partner_id.
        bench.cooperative.partner = bench.cooperative.partner
    # bulk_create skips Cooperative.save(), which records status changes:
    # the reports read approvals from them, so they are written here.
    Cooperative.objects.bulk_create([bench.cooperative for bench in planned], batch_size=BATCH_SIZE)
    CooperativeStatusChange.objects.bulk_create(
        [
            CooperativeStatusChange(cooperative=bench.cooperative, status=status, at=at)
            for bench in planned
            for status, at in (
                (Cooperative.Status.APPLIED, bench.cooperative.applied_at),
                (Cooperative.Status.APPROVED, bench.cooperative.approved_at),
            )
        ],
        batch_size=BATCH_SIZE,
    )
    for bench in planned:
        bench.area.cooperative = bench.cooperative
        bench.policy.cooperative = bench.cooperative
    RawMaterialArea.objects.bulk_create([bench.area for bench in planned], batch_size=BATCH_SIZE)
    _certifications_insert(planned, rng, now)
    CooperativeShippingPolicy.objects.bulk_create([bench.policy for bench in planned], batch_size=BATCH_SIZE)
    # Made now rather than on a first sale, so two buyers of a new
    # cooperative never race to create its account.
    LedgerAccount.objects.bulk_create(
        [LedgerAccount(partner_id=bench.cooperative.partner_id) for bench in planned], batch_size=BATCH_SIZE
    )
    Cooperative.product_categories.through.objects.bulk_create(
        [
            Cooperative.product_categories.through(
                cooperative_id=bench.cooperative.pk, category_id=categories[path].pk
            )
            for bench in planned
            for path in sorted({line.category for line in bench.lines})
        ],
        batch_size=BATCH_SIZE,
    )
    progress(count)
    return planned


def _certifications_insert(planned: list[BenchCooperative], rng: random.Random, now) -> None:
    """One raw-material area in three is certified (VietGAP, or organic),
    from its cooperative's approval for a few years to come."""
    from cooperatives.models import Certification

    Scheme = Certification.Scheme
    certifications = []
    for index, bench in enumerate(planned):
        if rng.random() >= 1 / 3:
            continue
        scheme = Scheme.VIETGAP if rng.random() < 2 / 3 else Scheme.ORGANIC
        certifications.append(
            Certification(
                raw_material_area=bench.area,
                scheme=scheme,
                certificate_number=f"{NUMBER_PREFIX}{scheme.upper()[:2]}-{index:06d}",
                issuer=CERTIFIER,
                valid_from=bench.cooperative.approved_at.date(),
                valid_until=now.date() + datetime.timedelta(days=rng.randint(365, 3 * 365)),
            )
        )
    Certification.objects.bulk_create(certifications, batch_size=BATCH_SIZE)


DIGITAL_TOOLS = ("farm_diary", "ecommerce", "traceability", "sensors", "erp")


def linkage_models_insert(*, count, cooperatives: list[BenchCooperative], categories, rng: random.Random):
    """Linkage models of one to three cooperatives of a district, three in
    four tied to their raw-material areas, 15% expired, some declaring
    digital tools."""
    from cooperatives.models import LinkageModel

    by_district: dict[int, list[BenchCooperative]] = {}
    for bench in cooperatives:
        by_district.setdefault(bench.cooperative.commune.parent_id, []).append(bench)
    districts = sorted(by_district)
    models, members, areas = [], [], []
    for index in range(count):
        group = by_district[districts[index % len(districts)]]
        chosen = rng.sample(group, min(len(group), rng.choice([1, 1, 2, 3])))
        line = chosen[0].lines[0]
        signed_on = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randint(0, 1750))
        expired = rng.random() < 0.15
        models.append(
            LinkageModel(
                enterprise_name=f"{NUMBER_PREFIX}Công ty Nông sản {index}",
                product_category=categories[line.category],
                product_description=line.name,
                signed_on=signed_on,
                expires_on=signed_on + datetime.timedelta(days=rng.randint(200, 500)) if expired else None,
                volume_agreed=Decimal(rng.randint(5, 500)),
                volume_unit="tấn",
                declared_digital_tools=rng.sample(DIGITAL_TOOLS, rng.randint(1, 3))
                if rng.random() < 0.4
                else [],
            )
        )
        members.append(chosen)
        areas.append([bench.area for bench in chosen] if rng.random() < 0.75 else [])
    LinkageModel.objects.bulk_create(models)
    LinkageModel.cooperatives.through.objects.bulk_create(
        [
            LinkageModel.cooperatives.through(linkagemodel_id=model.pk, cooperative_id=bench.cooperative.pk)
            for model, chosen in zip(models, members, strict=True)
            for bench in chosen
        ]
    )
    LinkageModel.raw_material_areas.through.objects.bulk_create(
        [
            LinkageModel.raw_material_areas.through(linkagemodel_id=model.pk, rawmaterialarea_id=area.pk)
            for model, chosen in zip(models, areas, strict=True)
            for area in chosen
        ]
    )


def pilots_insert(*, count, cooperatives: list[BenchCooperative], rng: random.Random) -> None:
    """Pilot communes among the cooperatives' communes, a third of them
    smart communes for rural tourism, one in three stopped or only planned."""
    from cooperatives.models import PilotProgramme

    communes = sorted({bench.cooperative.commune for bench in cooperatives}, key=lambda unit: unit.code)
    rng.shuffle(communes)
    statuses = [PilotProgramme.Status.ACTIVE] * 4 + [
        PilotProgramme.Status.STOPPED,
        PilotProgramme.Status.PLANNED,
    ]
    programmes = []
    for index in range(count):
        # More pilots than communes (a very small scale) come round again,
        # started in a later span, so no commune runs two alike from one day.
        round_number, position = divmod(index, len(communes))
        smart = index % 3 == 2
        programmes.append(
            PilotProgramme(
                commune=communes[position],
                kind=PilotProgramme.Kind.SMART_COMMUNE if smart else PilotProgramme.Kind.ECOMMERCE_COMMUNE,
                field=PilotProgramme.Field.RURAL_TOURISM if smart else "",
                started_on=datetime.date(2022, 1, 1)
                + datetime.timedelta(days=round_number * 400 + rng.randint(0, 399)),
                status=rng.choice(statuses),
                note=f"{NUMBER_PREFIX}thí điểm của bài đo",
            )
        )
    PilotProgramme.objects.bulk_create(programmes)
