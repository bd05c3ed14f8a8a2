"""Bench destination pages under the demo's Vietnamese district sections.

Unlike the other bench rows, pages go through Wagtail's page tree one by
one (add_child, a first revision, publish), as an officer's would: the tree
paths, revisions, URLs and the page-published signals are Wagtail's own
business, and 200 pages take well under a minute.
"""

import random
from decimal import Decimal

from .base import SLUG_PREFIX
from .cooperatives import HAMLETS, LATITUDES, LONGITUDES

DESTINATION_TITLES = {
    "community_village": ("Làng văn hoá du lịch thôn {hamlet}", "Bản du lịch cộng đồng {hamlet}"),
    "homestay": ("Homestay {hamlet}", "Homestay nhà sàn {hamlet}"),
    "heritage": ("Đình {hamlet}", "Di tích lịch sử {commune}", "Đền {hamlet}"),
    "landscape": ("Thác {hamlet}", "Hang {hamlet}", "Hồ sinh thái {commune}", "Đồi chè Shan tuyết {hamlet}"),
    "craft_village": ("Làng nghề dệt thổ cẩm {hamlet}", "Làng nghề làm miến dong {commune}"),
    "farm": ("Vườn cam sành {commune}", "Trang trại ong mật {hamlet}", "Đồi chè {commune}"),
    "festival": ("Lễ hội Lồng Tông {commune}", "Lễ hội Nhảy lửa {hamlet}", "Lễ hội Cầu mùa {commune}"),
}
SEASONS = ("mùa xuân", "mùa lúa chín", "dịp Tết", "mùa hè")
ACTIVITIES = ("nghỉ nhà sàn", "thưởng thức cá nướng", "xem múa then", "đi thuyền")


def destination_sections() -> list:
    """The demo's Vietnamese district sections the pages go under."""
    from cms.models import DistrictSectionPage

    return list(
        DistrictSectionPage.objects.filter(locale__language_code="vi")
        .select_related("district")
        .order_by("pk")
    )


def destinations_publish(*, count, rng: random.Random, progress) -> None:
    """``count`` destination pages shared out over the district sections,
    most of them in one commune of the section's district."""
    from cms.models import DestinationKind, DestinationPage
    from cooperatives.models import AdministrativeUnit

    sections = destination_sections()
    communes_by_district: dict[int, list] = {}
    for commune in AdministrativeUnit.objects.filter(
        parent__in=[section.district_id for section in sections], level=AdministrativeUnit.Level.COMMUNE
    ).order_by("code"):
        communes_by_district.setdefault(commune.parent_id, []).append(commune)
    for index in range(count):
        section = sections[index % len(sections)]
        communes = communes_by_district.get(section.district_id)
        # A few destinations span several communes.
        commune = rng.choice(communes) if communes and rng.random() < 0.9 else None
        kind = rng.choice(DestinationKind.values)
        where = (commune or section.district).short_name
        title = rng.choice(DESTINATION_TITLES[kind]).format(hamlet=rng.choice(HAMLETS), commune=where)
        page = DestinationPage(
            title=title,
            slug=f"{SLUG_PREFIX}destination-{index}",
            kind=kind,
            district=section.district,
            commune=commune,
            latitude=Decimal(f"{rng.uniform(*LATITUDES):.6f}"),
            longitude=Decimal(f"{rng.uniform(*LONGITUDES):.6f}"),
            intro=(
                f"{title} ở {where}, {section.district.name}. Du khách đến vào {rng.choice(SEASONS)}, "
                f"{rng.choice(ACTIVITIES)}. (Dữ liệu bài đo hiệu năng.)"
            ),
        )
        section.add_child(instance=page)
        page.save_revision().publish()
        progress(1)
