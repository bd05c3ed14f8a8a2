"""The database search index: one row per searchable thing.

The database backend searches these rows; they are kept whether or not
Elasticsearch is configured, because search falls back to them when
Elasticsearch cannot be reached. Texts are stored three ways: as written,
lower-cased with diacritics (``*_exact``, for ranking exact spellings) and
folded (``*_folded``, for matching without tones); see ``search.text``.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchKind(models.TextChoices):
    PRODUCT = "product", _("Products")
    COOPERATIVE = "cooperative", _("Cooperatives")
    DESTINATION = "destination", _("Destinations")


class SearchEntry(models.Model):
    """A product, cooperative or destination page as search sees it."""

    kind = models.CharField(max_length=16, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField()
    # "" for things shown in every language (products, cooperatives); a
    # destination page exists once per language.
    language = models.CharField(max_length=8, blank=True)
    title = models.CharField(max_length=255)
    title_exact = models.CharField(max_length=255)
    title_folded = models.CharField(max_length=255)
    # Weighted below the title: category, origin, cooperative, kind.
    context = models.TextField(blank=True)
    context_folded = models.TextField(blank=True)
    body = models.TextField(blank=True)
    body_folded = models.TextField(blank=True)
    slug = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=500, blank=True)
    image = models.CharField(max_length=500, blank=True)
    price = models.PositiveBigIntegerField(null=True, blank=True)
    in_stock = models.BooleanField(default=True)
    subtitle = models.CharField(max_length=255, blank=True)
    # PostgreSQL only (weighted title > context > body, unaccented); unused
    # on SQLite, where the folded columns are matched directly.
    search_vector = SearchVectorField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry_per_object")
        ]
        indexes = [models.Index(fields=["language", "kind"])]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchFacetValue(models.Model):
    """One facet value of an entry (its district, a category, a
    certification…); counting these rows for the matching entries gives every
    facet's counts in one query."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facet_values")
    facet = models.CharField(max_length=24)
    value = models.CharField(max_length=64)
    label = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "facet", "value"], name="one_facet_value_per_entry")
        ]
        indexes = [models.Index(fields=["facet", "value"])]

    def __str__(self):
        return f"{self.facet}={self.value}"


class SearchWord(models.Model):
    """Every folded word of the indexed titles and contexts, once: a typo in
    a query is matched to the words it could be (trigram similarity), which
    are then searched like any other word."""

    word = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return self.word
