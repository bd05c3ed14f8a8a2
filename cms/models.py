"""The public site's pages: the home page, rural-tourism destinations in
their district sections, events, news and the digital tourism map.

Tree (the same in each language)::

    HomePage
    ├── DestinationIndexPage         /diem-den/
    │   └── DistrictSectionPage      one per district, what its officers may edit
    │       ├── DestinationPage
    │       ├── EventPage
    │       └── NewsPage
    ├── EventIndexPage               every event of the site
    ├── NewsIndexPage                every news item of the site
    └── TourismMapPage               /ban-do/, /en/map/
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cooperatives.models import AdministrativeUnit

from .blocks import RICH_TEXT_FEATURES, StoryBlock
from .forms import DistrictSectionPageForm, SectionChildPageForm


class DestinationKind(models.TextChoices):
    COMMUNITY_VILLAGE = "community_village", _("Community-based tourism village")
    HOMESTAY = "homestay", _("Homestay")
    HERITAGE = "heritage", _("Historical or cultural site")
    LANDSCAPE = "landscape", _("Natural landscape")
    CRAFT_VILLAGE = "craft_village", _("Craft village")
    FARM = "farm", _("Farm experience")
    FESTIVAL = "festival", _("Festival")


def _image_field(verbose_name):
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class HomePage(Page):
    """The site's front page, one per language: it introduces the
    marketplace, leads buyers to the shop and visitors to the destinations."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True, features=["bold", "italic", "link", "h2", "h3", "ul", "ol"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.DestinationIndexPage",
        "cms.EventIndexPage",
        "cms.NewsIndexPage",
        "cms.TourismMapPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["featured_destinations"] = selectors.destinations_featured(locale=self.locale)
        context["ocop_products"] = selectors.ocop_products_featured()
        context["upcoming_events"] = selectors.events_upcoming(locale=self.locale, limit=3)
        context["latest_news"] = selectors.news_latest(locale=self.locale, limit=3)
        context["map_page"] = selectors.map_page(locale=self.locale)
        context["destination_index"] = DestinationIndexPage.objects.live().filter(locale=self.locale).first()
        return context


class DestinationIndexPage(Page):
    """All destinations of the province, filterable by district and kind;
    its children are the district sections."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.DistrictSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("destination index")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        filters = selectors.DestinationFilters.from_query(request.GET, locale=self.locale)
        context["filters"] = filters
        context["destinations"] = selectors.paginate(
            selectors.destinations_live(locale=self.locale, filters=filters),
            request.GET.get("page"),
            per_page=12,
        )
        context["districts"] = selectors.districts_with_sections(locale=self.locale)
        context["kinds"] = DestinationKind.choices
        return context


class DistrictSectionPage(Page):
    """A district's part of the site: its destinations, events and news.
    Each district's tourism officers may edit only under their section."""

    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="tourism_sections",
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    image = _image_field(_("image"))

    content_panels = Page.content_panels + [FieldPanel("district"), FieldPanel("intro"), FieldPanel("image")]

    parent_page_types = ["cms.DestinationIndexPage"]
    subpage_types = ["cms.DestinationPage", "cms.EventPage", "cms.NewsPage"]
    base_form_class = DistrictSectionPageForm

    class Meta:
        verbose_name = _("district section")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["destinations"] = (
            DestinationPage.objects.child_of(self).live().public().select_related("image")
        )
        context["events"] = selectors.events_upcoming(locale=self.locale, within=self)
        context["news"] = selectors.news_latest(locale=self.locale, within=self, limit=5)
        return context


class DestinationPage(Page):
    """A rural-tourism destination (điểm đến): a community-tourism village,
    homestay, relic site, landscape… promoted online (indicator 6.5)."""

    kind = models.CharField(_("kind"), max_length=32, choices=DestinationKind.choices)
    # Copied from the district section by the page form; kept on the page so
    # lists and the map filter by district without walking the tree.
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="destinations",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
        help_text=_("Leave empty when the destination spans several communes."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    intro = models.TextField(_("introduction"), max_length=600)
    image = _image_field(_("main image"))
    body = StreamField(StoryBlock(), verbose_name=_("body"), blank=True)
    best_season = models.CharField(_("best season"), max_length=200, blank=True)
    how_to_get_there = RichTextField(_("how to get there"), blank=True, features=RICH_TEXT_FEATURES)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    prices = models.CharField(_("prices"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    featured = models.BooleanField(_("show on the home page"), default=False)
    source_url = models.URLField(
        _("source"), blank=True, help_text=_("Where the facts on this page come from.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("commune"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Location")),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("best_season"),
                FieldPanel("how_to_get_there"),
                FieldPanel("opening_hours"),
                FieldPanel("prices"),
            ],
            heading=_("Visiting"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_email"),
                FieldPanel("website"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("featured"),
        FieldPanel("source_url"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("district"),
    ]

    parent_page_types = ["cms.DistrictSectionPage"]
    subpage_types = []
    base_form_class = SectionChildPageForm

    class Meta:
        verbose_name = _("destination")
        verbose_name_plural = _("destinations")

    def clean(self):
        super().clean()
        if self.commune_id and self.district_id and self.commune.parent_id != self.district_id:
            raise ValidationError({"commune": _("This commune is not in the section's district.")})

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["nearby"] = selectors.destinations_nearby(self)
        context["cooperatives"] = selectors.commune_cooperatives(self.commune)
        context["products"] = selectors.commune_products(self.commune)
        context["events"] = selectors.events_upcoming(locale=self.locale, destination=self)
        return context

    def serve(self, request, *args, **kwargs):
        from . import services

        response = super().serve(request, *args, **kwargs)
        if request.method == "GET" and not getattr(request, "is_preview", False):
            services.destination_engagement_record(
                destination=self, channel=DestinationEngagement.Channel.VIEW, request=request
            )
            # Served again from the page cache, the view is still recorded.
            response.page_cache_on_hit = ("cms.services.destination_view_on_hit", [self.pk])
        return response


class EventPage(Page):
    """A festival, fair or market day, linked to a destination where it has one."""

    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    destination = models.ForeignKey(
        "cms.DestinationPage",
        verbose_name=_("destination"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_pages",
    )
    intro = models.TextField(_("introduction"), max_length=600)
    image = _image_field(_("main image"))
    body = StreamField(StoryBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        FieldPanel("place"),
        PageChooserPanel("destination", "cms.DestinationPage"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("place")]

    parent_page_types = ["cms.DistrictSectionPage", "cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date"]

    def clean(self):
        super().clean()
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("An event cannot end before it starts.")})

    @property
    def last_day(self):
        return self.end_date or self.start_date

    @property
    def is_past(self):
        return self.last_day < timezone.localdate()


class NewsPage(Page):
    """A news item: what happened at a destination, a market, a new homestay."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), max_length=600)
    image = _image_field(_("main image"))
    body = StreamField(StoryBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.DistrictSectionPage", "cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")


class EventIndexPage(Page):
    """Every event of the site, wherever in the tree it is: coming ones
    first, then past ones."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_events"] = selectors.events_upcoming(locale=self.locale)
        context["past_events"] = selectors.paginate(
            selectors.events_past(locale=self.locale), request.GET.get("page"), per_page=12
        )
        return context


class NewsIndexPage(Page):
    """Every news item of the site, newest first."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["news"] = selectors.paginate(
            selectors.news_latest(locale=self.locale), request.GET.get("page"), per_page=12
        )
        return context


class TourismMapPage(RoutablePageMixin, Page):
    """The digital map of rural tourism (Plan, indicator 6.5): destinations,
    cooperatives and raw-material areas. The page lists every marker as text
    too, so it serves phones where the map cannot load."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("tourism map")

    @path("")
    def map_view(self, request):
        from . import selectors

        filters = selectors.MapFilters.from_query(request.GET, locale=self.locale)
        return self.render(
            request,
            context_overrides={
                "filters": filters,
                "features": selectors.map_features(locale=self.locale, filters=filters, request=request),
                "districts": selectors.districts_with_sections(locale=self.locale),
                "layers": selectors.MAP_LAYERS,
            },
        )

    @path("geojson/", name="geojson")
    def geojson_view(self, request):
        from . import views

        return views.map_geojson(request, self)


class DestinationEngagement(models.Model):
    """One counted use of a destination page: a view, or a click on one of
    its share links. Repeats by the same visitor within
    ``services.ENGAGEMENT_WINDOW`` are not counted; the visitor is kept only
    as a salted hash, never an address."""

    class Channel(models.TextChoices):
        VIEW = "view", _("Page view")
        FACEBOOK = "facebook", _("Shared on Facebook")
        ZALO = "zalo", _("Shared on Zalo")

    destination = models.ForeignKey(
        DestinationPage, verbose_name=_("destination"), on_delete=models.CASCADE, related_name="engagements"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    visitor = models.CharField(_("visitor (hashed)"), max_length=64)
    window = models.BigIntegerField(_("time window"))
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        verbose_name = _("destination engagement")
        verbose_name_plural = _("destination engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "channel", "visitor", "window"],
                name="one_engagement_per_visitor_window",
            )
        ]
        indexes = [models.Index(fields=["destination", "channel", "occurred_at"])]

    def __str__(self):
        return f"{self.destination_id} {self.channel} {self.occurred_at:%Y-%m-%d %H:%M}"
