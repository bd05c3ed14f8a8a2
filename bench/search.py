"""How fast search answers with the province's expected size: 10,000
products, 300 cooperatives and 200 destination pages, in the database
backend on PostgreSQL (what runs when no Elasticsearch is configured, or
when it cannot be reached).

Run from the project's root, against a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/choque_bench_search \\
        .venv/bin/python bench/search.py --products 10000 --cooperatives 300 --destinations 200

The database's name must contain "bench": it is created when missing, and
with --reset dropped and created again. A database that holds products,
cooperatives or destination pages the benchmark did not make (other than
the demo's) is refused. Data of an earlier run of the same size is reused.

The demo (load_demo) is loaded first, for its administrative units,
product classes and district sections; the bench cooperatives and
products are then bulk-inserted, the destination pages published through
Wagtail's page tree, and the search index rebuilt. Searches are timed
both as ``search.search()`` calls and as whole pages through Django's test
Client (no web server, no network), suggestions as the search box asks for
them. ``--explain TEXT`` prints PostgreSQL's EXPLAIN ANALYZE of every
statement that searching and suggesting TEXT runs, instead of timing.
"""

import argparse
import datetime
import io
import os
import random
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from catalog_pages import (
    BATCH_SIZE,
    CODE_PREFIX,
    database_prepare,
    django_setup,
    refuse_foreign_data,
    timed,
    timings,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/choque_bench_search"
# Marks the rows this benchmark makes, beside CODE_PREFIX for products.
COOPERATIVE_NUMBER_PREFIX = "BENCH-"
PAGE_SLUG_PREFIX = "bench-"
# p95 in milliseconds that search and suggestions should stay under.
TARGETS = {"search()": 150, "search page": 150, "suggest": 100}


class ProductLine(NamedTuple):
    """Something the province's cooperatives sell."""

    name: str
    product_class: str  # one of the demo's
    category: str  # path of the category it is filed in
    feature: str  # what its description says
    weight: int  # how often it turns up: Hàm Yên's cam sành is everywhere


FRUIT, TEA, GRAIN = "Nông sản > Trái cây", "Nông sản > Chè", "Nông sản > Gạo và ngũ cốc"
HONEY, FOOD, SMOKED = "Thực phẩm > Mật ong", "Thực phẩm > Đặc sản chế biến", "Thực phẩm > Thịt gác bếp"
PROCESSED, CRAFT = "Thực phẩm chế biến", "Thủ công mỹ nghệ"
PRODUCT_LINES = tuple(ProductLine(*line) for line in (
    ("Cam sành", "Trái cây", FRUIT, "quả mọng nước, vỏ sần xanh, vị ngọt đậm", 12),
    ("Bưởi", "Trái cây", FRUIT, "múi vàng, ráo nước, vị ngọt thanh", 5),
    ("Quýt vàng", "Trái cây", FRUIT, "quả nhỏ, vỏ mỏng, thơm mùi tinh dầu", 2),
    ("Na dai", "Trái cây", FRUIT, "cùi dày, hạt nhỏ, ngọt sắc", 2),
    ("Chè Shan tuyết", "Chè", TEA, "búp chè cổ thụ phủ lông tơ trắng, nước vàng sánh", 7),
    ("Chè xanh", "Chè", TEA, "sao thủ công trên chảo gang, nước xanh, hậu ngọt", 4),
    ("Chè búp", "Chè", TEA, "một tôm hai lá, hái buổi sáng sớm", 3),
    ("Mật ong bạc hà", "Mật ong", HONEY, "ong nuôi trên cao nguyên đá, mật sánh màu hổ phách", 4),
    ("Mật ong hoa rừng", "Mật ong", HONEY, "ong lấy mật từ hoa rừng tự nhiên", 3),
    ("Miến dong", PROCESSED, FOOD, "sợi dai, trong, làm từ củ dong riềng", 5),
    ("Măng khô", PROCESSED, FOOD, "măng nứa rừng luộc chín, phơi nắng", 4),
    ("Măng chua", PROCESSED, FOOD, "muối chua theo cách của người Tày", 2),
    ("Gạo nếp", "Gạo và ngũ cốc", GRAIN, "hạt tròn, dẻo thơm, hợp đồ xôi", 4),
    ("Gạo nếp cái hoa vàng", "Gạo và ngũ cốc", GRAIN, "giống nếp cổ truyền", 2),
    ("Gạo Bao thai", "Gạo và ngũ cốc", GRAIN, "cơm mềm, để nguội không cứng", 2),
    ("Lạc đỏ", "Gạo và ngũ cốc", GRAIN, "hạt đỏ sẫm, béo, trồng trên nương", 2),
    ("Thịt trâu gác bếp", PROCESSED, SMOKED, "tẩm mắc khén, hun khói bếp củi", 4),
    ("Lạp sườn gác bếp", PROCESSED, SMOKED, "thịt lợn bản, hun khói", 2),
    ("Bánh gai", PROCESSED, FOOD, "vỏ lá gai, nhân đỗ xanh dừa", 3),
    ("Rượu ngô men lá", PROCESSED, "Thực phẩm > Đồ uống", "ủ bằng men lá rừng theo bài thuốc Dao", 2),
    ("Tinh bột sắn dây", PROCESSED, FOOD, "lọc nhiều lần, trắng mịn", 2),
    ("Nấm hương rừng", PROCESSED, "Nông sản > Lâm sản", "mũ dày, thơm, hái trên gỗ mục", 2),
    ("Mộc nhĩ", PROCESSED, "Nông sản > Lâm sản", "tai mèo, giòn, phơi khô", 1),
    ("Ba kích tím", PROCESSED, "Nông sản > Dược liệu", "củ ba kích rừng, ngâm rượu hoặc sấy", 1),
    ("Khăn thổ cẩm", CRAFT, "Thủ công > Thổ cẩm", "dệt tay trên khung cửi, hoa văn Tày", 2),
    ("Túi thổ cẩm", CRAFT, "Thủ công > Thổ cẩm", "may từ vải dệt tay của người Dao", 1),
    ("Giỏ mây tre đan", CRAFT, "Thủ công > Mây tre đan", "đan tay từ tre, nứa của bản", 1),
))  # fmt: skip
QUALIFIERS = ("", "", "", " loại 1", " hữu cơ", " đặc biệt", " túi quà", " thượng hạng")
SALES_UNITS = ("Túi 500 g", "Hộp 1 kg", "Thùng 5 kg", "Chai 500 ml", "Gói 200 g", "Chiếc")
# Sentences any product description may carry, besides its own.
DESCRIPTION_SENTENCES = (
    "Cam kết không dùng chất bảo quản.",
    "Đóng gói cẩn thận, giao hàng toàn quốc.",
    "Bảo quản nơi khô ráo, thoáng mát.",
    "Hợp tác xã thu mua trực tiếp từ các hộ thành viên trong thôn.",
    "Sản xuất theo quy trình VietGAP.",
    "Thích hợp làm quà biếu dịp Tết.",
    "Cam kết đổi trả nếu sản phẩm không đúng mô tả.",
    "Mùa thu hoạch chính từ tháng Mười đến tháng Chạp.",
)
COOPERATIVE_TRADES = (
    "Nông nghiệp",
    "Dịch vụ nông nghiệp",
    "Nông lâm nghiệp",
    "Cam sành",
    "Chè Shan tuyết",
    "Chè búp",
    "Mật ong",
    "Miến dong",
    "Thổ cẩm",
    "Chăn nuôi",
    "Đặc sản",
)
# Tày and Dao hamlets, for the destination pages.
HAMLETS = (
    "Nà Tông", "Khuổi Nhi", "Nặm Đíp", "Bản Bung", "Pác Ban", "Khâu Tràng", "Nà Khá", "Phiêng Luông",
    "Bản Tát", "Nà Mỏ", "Khuôn Hẩu", "Thẳm Hon", "Nà Lừa", "Khuổi Phầy", "Nà Giàng", "Bản Khiển",
    "Nà Va", "Lũng Giang", "Pác Hóp", "Khuổi Mây", "Nà Cọn", "Bản Pài", "Nà Héc", "Tát Kẻ",
)  # fmt: skip
DESTINATION_TITLES = {
    "community_village": ("Làng văn hoá du lịch thôn {hamlet}", "Bản du lịch cộng đồng {hamlet}"),
    "homestay": ("Homestay {hamlet}", "Homestay nhà sàn {hamlet}"),
    "heritage": ("Đình {hamlet}", "Di tích lịch sử {commune}", "Đền {hamlet}"),
    "landscape": ("Thác {hamlet}", "Hang {hamlet}", "Hồ sinh thái {commune}", "Đồi chè Shan tuyết {hamlet}"),
    "craft_village": ("Làng nghề dệt thổ cẩm {hamlet}", "Làng nghề làm miến dong {commune}"),
    "farm": ("Vườn cam sành {commune}", "Trang trại ong mật {hamlet}", "Đồi chè {commune}"),
    "festival": ("Lễ hội Lồng Tông {commune}", "Lễ hội Nhảy lửa {hamlet}", "Lễ hội Cầu mùa {commune}"),
}

# (query, the page's other GET parameters: tab, facets, page number). A
# district is named here; the script looks up its id.
QUERIES = (
    ("cam", {}),
    ("cam", {"page": "2"}),
    ("Cam sành", {}),
    ("cam sanh", {}),
    ("cam sanh ham yen", {}),
    ("Cam sành Hàm Yên loại 1", {}),
    ("Chè Shan tuyết", {}),
    ("che shan tuyet", {}),
    ("shan tuyst", {}),
    ("mat ong bac ha", {}),
    ("Mật ong", {"type": "product", "ocop": "4"}),
    ("miến dong", {}),
    ("Măng khô Lâm Bình", {}),
    ("gao nep", {}),
    ("thit trau gac bep", {}),
    ("bưởi", {"district": "Hàm Yên"}),
    ("Tân Trào", {}),
    ("na hang", {"type": "destination"}),
    ("homestay", {}),
    ("hợp tác xã", {"type": "cooperative"}),
    ("lang nghe tho cam", {}),
    ("sầu riêng", {}),
)
SUGGEST_PREFIXES = (
    "ca", "cam", "cam s", "cam sa", "chè", "che s", "shan", "mật", "mat ong", "miến", "măng kh",
    "gao n", "thit tr", "bưởi", "tân tr", "na ha", "lâm b", "hợp tác", "homest", "thác", "yen so",
)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--cooperatives", type=int, default=300)
    parser.add_argument("--destinations", type=int, default=200)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of every count, for quick runs")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query")
    parser.add_argument("--reset", action="store_true", help="drop and create the bench database first")
    parser.add_argument("--reindex", action="store_true", help="rebuild the search index even if complete")
    parser.add_argument("--explain", metavar="TEXT", help="EXPLAIN ANALYZE the SQL of TEXT, do not time")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    counts = {
        name: max(1, round(getattr(args, name) * args.scale))
        for name in ("products", "cooperatives", "destinations")
    }

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    database_prepare(url, reset=args.reset)
    # The database backend is what is measured, whatever the environment says.
    os.environ["ELASTICSEARCH_URL"] = ""
    # The demo's pictures stay beside the database that names them, so a
    # later run reusing the data indexes them too.
    if "MEDIA_ROOT" not in os.environ:
        media = Path(tempfile.gettempdir()) / f"choque-{urlsplit(url).path.lstrip('/')}-media"
        if args.reset:
            shutil.rmtree(media, ignore_errors=True)
        os.environ["MEDIA_ROOT"] = str(media)
    django_setup(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    refuse_foreign_data()
    refuse_foreign_search_data()
    inserted = False
    found = bench_counts()
    if found != counts:
        if any(found.values()):
            sys.exit("The bench database holds data of another size: run again with --reset.")
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        bench_data_insert(counts, random.Random(args.seed))
        inserted = True
    if inserted or args.reindex or not search_index_complete():
        search_index_build()
    if args.explain:
        explain(args.explain)
        return 0
    started_load = os.getloadavg()
    results = searches_measure(args.requests)
    report(results, counts, args, started_load)
    return 0


def refuse_foreign_search_data() -> None:
    """Beside refuse_foreign_data's products: cooperatives and destination
    pages that are neither the demo's nor the benchmark's."""
    from cms.demo import DEMO_DESTINATIONS
    from cms.models import DestinationPage
    from cooperatives.demo import DEMO_COOPERATIVES
    from cooperatives.models import Cooperative

    demo_numbers = {spec.registration_number for spec in DEMO_COOPERATIVES}
    demo_slugs = {spec.slug for spec in DEMO_DESTINATIONS}
    foreign = (
        Cooperative.objects.exclude(registration_number__startswith=COOPERATIVE_NUMBER_PREFIX)
        .exclude(registration_number__in=demo_numbers)
        .exists()
        or DestinationPage.objects.exclude(slug__startswith=PAGE_SLUG_PREFIX)
        .exclude(slug__in=demo_slugs)
        .exists()
    )
    if foreign:
        sys.exit("Refusing to run: the database holds cooperatives or pages the benchmark did not make.")


def bench_counts() -> dict[str, int]:
    from catalog.models import Product
    from cms.models import DestinationPage
    from cooperatives.models import Cooperative

    return {
        "products": Product.objects.filter(code__startswith=CODE_PREFIX).count(),
        "cooperatives": Cooperative.objects.filter(
            registration_number__startswith=COOPERATIVE_NUMBER_PREFIX
        ).count(),
        "destinations": DestinationPage.objects.filter(slug__startswith=PAGE_SLUG_PREFIX).count(),
    }


def bench_data_insert(counts: dict[str, int], rng: random.Random) -> None:
    from django.db import connection, transaction
    from tqdm import tqdm

    with tqdm(total=sum(counts.values()), desc="Bench rows", unit="row") as bar, transaction.atomic():
        cooperatives = cooperatives_insert(counts["cooperatives"], rng, bar.update)
        products_insert(counts["products"], cooperatives, rng, bar.update)
        destinations_publish(counts["destinations"], rng, bar.update)
    # Fresh statistics, as autovacuum would have them in production.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _communes() -> list:
    """The demo's communes that lie in a district (the map of 2025-03-01),
    with their district, so every facet has a district."""
    from cooperatives.models import AdministrativeUnit

    return list(
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, parent__level=AdministrativeUnit.Level.DISTRICT
        )
        .select_related("parent")
        .order_by("edition", "code")
    )


def cooperatives_insert(count: int, rng: random.Random, progress) -> list:
    """``count`` approved cooperatives, each with the shop partner approval
    gives it; returns every approved cooperative, the demo's included."""
    from django.utils import timezone
    from oscar.core.loading import get_model

    from cooperatives.models import Cooperative

    Partner = get_model("partner", "Partner")
    communes = _communes()
    now = timezone.now()
    cooperatives = []
    for index in range(count):
        commune = rng.choice(communes)
        trade = rng.choice(COOPERATIVE_TRADES)
        name = f"Hợp tác xã {trade} {commune.short_name}"
        lines = rng.sample(PRODUCT_LINES, 2)
        households = rng.randint(7, 180)
        cooperatives.append(
            Cooperative(
                legal_name=name,
                slug=f"bench-htx-{index}",
                registration_number=f"{COOPERATIVE_NUMBER_PREFIX}{index:06d}",
                commune=commune,
                address=f"Thôn {rng.choice(HAMLETS)}, {commune.name}",
                phone="0912345678",
                email=f"bench-htx-{index}@htx.example",
                representative="Nguyễn Văn A",
                founding_year=rng.randint(1998, 2024),
                member_households=households,
                main_products=", ".join(line.name for line in lines),
                description=(
                    f"<p>{name} có {households} hộ thành viên ở {commune.name}, "
                    f"{commune.parent.name}. Sản phẩm chính: {lines[0].name.lower()} và "
                    f"{lines[1].name.lower()}, {lines[0].feature}.</p>"
                ),
                status=Cooperative.Status.APPROVED,
                approved_at=now,
                # As cooperative_approve makes it: the partner named after the cooperative.
                partner=Partner(code=f"bench-htx-{index}", name=name[:128]),
            )
        )
    partners = [cooperative.partner for cooperative in cooperatives]
    Partner.objects.bulk_create(partners, batch_size=BATCH_SIZE)
    for cooperative, partner in zip(cooperatives, partners, strict=True):
        cooperative.partner = partner
    for start in range(0, count, BATCH_SIZE):
        Cooperative.objects.bulk_create(cooperatives[start : start + BATCH_SIZE])
        progress(len(cooperatives[start : start + BATCH_SIZE]))
    return list(Cooperative.objects.approved().select_related("commune__parent", "partner").order_by("pk"))


def _categories() -> dict:
    """The category of every product line's path, made when missing."""
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    return {path: create_from_breadcrumbs(path) for path in {line.category for line in PRODUCT_LINES}}


def products_insert(count: int, cooperatives: list, rng: random.Random, progress) -> None:
    """``count`` products of the cooperatives, with a stock record each,
    most of them in a category and some with an OCOP rating."""
    from django.conf import settings
    from oscar.core.loading import get_model

    from catalog.models import Product
    from catalog.validators import gtin_check_digit

    ProductClass = get_model("catalogue", "ProductClass")
    ProductCategory = get_model("catalogue", "ProductCategory")
    StockRecord = get_model("partner", "StockRecord")
    classes = {product_class.name: product_class for product_class in ProductClass.objects.all()}
    categories = _categories()
    communes_by_district = {}
    for commune in _communes():
        communes_by_district.setdefault(commune.parent_id, []).append(commune)
    weights = [line.weight for line in PRODUCT_LINES]

    products, owners, lines = [], [], []
    for index in range(count):
        cooperative = rng.choice(cooperatives)
        # Mostly grown in the cooperative's commune, otherwise elsewhere in its district.
        commune = cooperative.commune
        if rng.random() < 0.3:
            commune = rng.choice(communes_by_district.get(commune.parent_id, [commune]))
        line = rng.choices(PRODUCT_LINES, weights)[0]
        place = commune.short_name if rng.random() < 0.5 else commune.parent.short_name
        title = f"{line.name} {place}{rng.choice(QUALIFIERS)}"
        rating = rng.choice([0, 0, 0, 0, 3, 3, 4, 5])
        extras = rng.sample(DESCRIPTION_SENTENCES, 2)
        if rating:
            extras.append(f"Sản phẩm đạt chứng nhận OCOP {rating} sao.")
        digits = f"8930002{index:05d}"
        products.append(
            Product(
                code=f"{CODE_PREFIX}{index:06d}",
                title=title,
                slug=f"bench-product-{index}",
                structure=Product.STANDALONE,
                product_class=classes[line.product_class],
                description=(
                    f"<p>{line.name} của {cooperative.legal_name}, trồng và làm tại {commune.name}, "
                    f"{commune.parent.name}, tỉnh Tuyên Quang: {line.feature}.</p><p>{' '.join(extras)}</p>"
                ),
                is_public=True,
                origin_commune=commune,
                ocop_rating=rating,
                ocop_certificate_number=f"BENCH-{index}" if rating else "",
                ocop_year=2024 if rating else None,
                ocop_valid_until=datetime.date(2027, 8, 5) if rating else None,
                sales_unit=rng.choice(SALES_UNITS),
                net_weight_grams=500,
                season_months=[10, 11, 12],
                storage_instructions="Nơi khô ráo",
                shelf_life_days=365,
                gtin=digits + str(gtin_check_digit(digits)) if index % 2 == 0 else "",
            )
        )
        owners.append(cooperative)
        lines.append(line)
    for start in range(0, count, BATCH_SIZE):
        Product.objects.bulk_create(products[start : start + BATCH_SIZE])
        progress(len(products[start : start + BATCH_SIZE]))
    StockRecord.objects.bulk_create(
        [
            StockRecord(
                product=product,
                partner=owners[index].partner,
                partner_sku=product.code,
                price_currency=settings.OSCAR_DEFAULT_CURRENCY,
                price=Decimal(rng.randrange(30_000, 1_500_000, 1_000)),
                num_in_stock=rng.choice([0, 20, 50, 120, 300]),
            )
            for index, product in enumerate(products)
        ],
        batch_size=BATCH_SIZE,
    )
    # Four products in five are filed in a category.
    ProductCategory.objects.bulk_create(
        [
            ProductCategory(product=product, category=categories[line.category])
            for product, line in zip(products, lines, strict=True)
            if rng.random() < 0.8
        ],
        batch_size=BATCH_SIZE,
    )


def destinations_publish(count: int, rng: random.Random, progress) -> None:
    """``count`` destination pages under the demo's Vietnamese district
    sections, added and published through Wagtail's page tree as an
    officer's would be."""
    from cms.models import DestinationKind, DestinationPage, DistrictSectionPage

    sections = list(
        DistrictSectionPage.objects.filter(locale__language_code="vi")
        .select_related("district")
        .order_by("pk")
    )
    communes_by_district = {}
    for commune in _communes():
        communes_by_district.setdefault(commune.parent_id, []).append(commune)
    for index in range(count):
        section = sections[index % len(sections)]
        # A few destinations span several communes.
        commune = rng.choice(communes_by_district[section.district_id]) if rng.random() < 0.9 else None
        kind = rng.choice(DestinationKind.values)
        where = (commune or section.district).short_name
        title = rng.choice(DESTINATION_TITLES[kind]).format(hamlet=rng.choice(HAMLETS), commune=where)
        page = DestinationPage(
            title=title,
            slug=f"{PAGE_SLUG_PREFIX}destination-{index}",
            kind=kind,
            district=section.district,
            commune=commune,
            latitude=Decimal(f"{rng.uniform(21.55, 22.65):.6f}"),
            longitude=Decimal(f"{rng.uniform(104.85, 105.60):.6f}"),
            intro=(
                f"{title} ở {where}, {section.district.name}. Du khách đến vào "
                f"{rng.choice(['mùa xuân', 'mùa lúa chín', 'dịp Tết', 'mùa hè'])}, "
                f"{rng.choice(['nghỉ nhà sàn', 'thưởng thức cá nướng', 'xem múa then', 'đi thuyền'])}."
            ),
        )
        section.add_child(instance=page)
        page.save_revision().publish()
        progress(1)


def search_index_complete() -> bool:
    from search import sources
    from search.models import SearchEntry

    return SearchEntry.objects.count() == sources.documents_count()


def search_index_build() -> None:
    """search_index_rebuild, as `manage.py search_index --rebuild` runs it;
    then fresh statistics, so the planner knows the new index."""
    from django.db import connection
    from tqdm import tqdm

    from search import services

    with tqdm(total=services.search_index_rebuild_size(), desc="Search index", unit="doc") as bar:
        services.search_index_rebuild(progress=bar.update)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry, search_searchfacetvalue, search_searchword")


def _query_params(params: dict) -> dict:
    """The GET parameters of a query, the district named by its id."""
    from cooperatives.models import AdministrativeUnit

    params = dict(params)
    if "district" in params:
        params["district"] = str(
            AdministrativeUnit.objects.get(
                level=AdministrativeUnit.Level.DISTRICT, short_name=params["district"]
            ).pk
        )
    return params


def _label(query: str, params: dict) -> str:
    extra = ", ".join(f"{name}={value}" for name, value in params.items())
    return f"{query} ({extra})" if extra else query


def searches_measure(requests: int) -> dict:
    """Times of every query as a search() call and as a page, and of every
    suggestion prefix; one warm-up each."""
    from django.test import Client
    from django.utils import translation

    import search
    from search.results import SearchFilters, page_number

    client = Client()
    results = {"search": {}, "suggest": {}}
    for query, spec in QUERIES:
        params = _query_params(spec)
        filters = SearchFilters.from_query_dict(params)
        page = page_number(params.get("page"))
        get = {"q": query, **params}

        def call(query=query, filters=filters, page=page):
            with translation.override("vi"):
                return search.search(query, filters, page)

        call()
        client.get("/search/", get)
        row = {
            "function": [],
            "function_queries": set(),
            "page": [],
            "page_queries": set(),
            "statuses": set(),
        }
        for _ in range(requests):
            elapsed, queries, found = timed(call)
            row["function"].append(elapsed)
            row["function_queries"].add(queries)
            elapsed, queries, response = timed(client.get, "/search/", get)
            row["page"].append(elapsed)
            row["page_queries"].add(queries)
            row["statuses"].add(response.status_code)
        row["total"] = found.total
        results["search"][_label(query, spec)] = row
    for prefix in SUGGEST_PREFIXES:
        client.get("/search/suggest/", {"q": prefix})
        row = {"page": [], "page_queries": set(), "statuses": set()}
        for _ in range(requests):
            elapsed, queries, response = timed(client.get, "/search/suggest/", {"q": prefix})
            row["page"].append(elapsed)
            row["page_queries"].add(queries)
            row["statuses"].add(response.status_code)
        row["total"] = len(response.json()["suggestions"])
        results["suggest"][prefix] = row
    return results


def _queries(counts: set) -> str:
    return str(min(counts)) if min(counts) == max(counts) else f"{min(counts)}–{max(counts)}"


def report(results: dict, counts: dict, args, started_load) -> None:
    """Markdown tables: each class of operation over all its requests, then
    each query and each prefix."""
    out = sys.stdout
    searches, suggestions = results["search"], results["suggest"]
    classes = {
        "search()": [t for row in searches.values() for t in row["function"]],
        "search page": [t for row in searches.values() for t in row["page"]],
        "suggest": [t for row in suggestions.values() for t in row["page"]],
    }
    class_queries = {
        "search()": set().union(*(row["function_queries"] for row in searches.values())),
        "search page": set().union(*(row["page_queries"] for row in searches.values())),
        "suggest": set().union(*(row["page_queries"] for row in suggestions.values())),
    }
    load = os.getloadavg()
    out.write(
        f"\n{counts['products']} products, {counts['cooperatives']} cooperatives, "
        f"{counts['destinations']} destination pages (and the demo's); {args.requests} timed requests "
        f"per query after one warm-up; load average {started_load[0]:.2f} at the start, "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min) at the end\n\n"
    )
    out.write("| operation | requests | median | p95 | p95 target | SQL queries |\n")
    out.write("|---|---:|---:|---:|---:|---:|\n")
    for name, times in classes.items():
        summary = timings(times)
        verdict = "" if summary["p95"] < TARGETS[name] else " (missed)"
        out.write(
            f"| {name} | {len(times)} | {summary['median']:.1f} | {summary['p95']:.1f} | "
            f"< {TARGETS[name]}{verdict} | {_queries(class_queries[name])} |\n"
        )

    out.write("\n| query | results | search() median | p95 | page median | p95 | page SQL queries |\n")
    out.write("|---|---:|---:|---:|---:|---:|---:|\n")
    for label, row in searches.items():
        function, page = timings(row["function"]), timings(row["page"])
        statuses = "" if row["statuses"] == {200} else f" (HTTP {sorted(row['statuses'])})"
        out.write(
            f"| `{label}` | {row['total']} | {function['median']:.1f} | {function['p95']:.1f} | "
            f"{page['median']:.1f} | {page['p95']:.1f} | {_queries(row['page_queries'])}{statuses} |\n"
        )

    out.write("\n| suggest prefix | suggestions | median | p95 | SQL queries |\n")
    out.write("|---|---:|---:|---:|---:|\n")
    for prefix, row in suggestions.items():
        summary = timings(row["page"])
        statuses = "" if row["statuses"] == {200} else f" (HTTP {sorted(row['statuses'])})"
        out.write(
            f"| `{prefix}` | {row['total']} | {summary['median']:.1f} | {summary['p95']:.1f} | "
            f"{_queries(row['page_queries'])}{statuses} |\n"
        )


def explain(text: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement search(text) and
    suggest(text) run, as the database backend writes them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    import search

    out = sys.stdout
    with translation.override("vi"), CaptureQueriesContext(connection) as captured:
        search.search(text)
        search.suggest(text)
    with connection.cursor() as cursor:
        for number, statement in enumerate(captured.captured_queries, start=1):
            sql = statement["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(line for (line,) in cursor.fetchall())
            out.write(f"\n-- statement {number} ({statement['time']} s)\n{sql}\n\n{plan}\n")


if __name__ == "__main__":
    sys.exit(main())
