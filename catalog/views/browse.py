"""The shop's catalogue: the product list (all products, or one category's)
with its filters, and the product page.

They replace Oscar's haystack-backed list views: browsing reads the database
directly through ``catalog.selectors``, in a fixed number of queries whatever
the page size.
"""

from urllib.parse import unquote

from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.views.generic import ListView
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_class, get_model

from marketplace import page_cache

from .. import selectors
from ..forms import ProductFilterForm
from ..models import Product

Category = get_model("catalogue", "Category")
CustomerHistoryManager = get_class("customer.history", "CustomerHistoryManager")

# Four rows of a desktop grid of two, three or four columns all come out
# full; on a phone it is a short scroll per page.
PAGE_SIZE = 24


class CatalogueView(page_cache.AnonymousPageCacheMixin, ListView):
    """All products on sale, filtered by origin, cooperative, category,
    OCOP rating and certification."""

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = PAGE_SIZE
    # Whether the filter form offers categories (the category page's
    # category comes from its address instead).
    offers_category = True

    def get(self, request, *args, **kwargs):
        # Only the filter fields are read: ``page`` and anything else in the
        # query string is left to the paginator or ignored.
        data = request.GET if any(name in request.GET for name in self.filter_names()) else None
        # The filters are the catalogue's navigation: the same for every
        # visitor until a product or the shop changes (and for the day, as
        # ratings and certifications lapse).
        choices = page_cache.remembered(
            f"catalogue-filter-choices:{timezone.localdate()}",
            [page_cache.CATALOGUE],
            selectors.storefront_filter_choices,
        )
        self.form = ProductFilterForm(data, choices=choices, with_category=self.offers_category)
        # Invalid fields are shown as errors and left out of the filters,
        # so a bad value still gives a list rather than an error page.
        self.form.is_valid()
        return super().get(request, *args, **kwargs)

    def page_cache_tags(self):
        return [page_cache.CATALOGUE]

    @staticmethod
    def filter_names():
        return ProductFilterForm.base_fields.keys()

    def get_filters(self) -> dict:
        return self.form.filters()

    def get_queryset(self):
        return selectors.storefront_products(**self.get_filters())

    def paginate_queryset(self, queryset, page_size):
        # A page number that is not a number, or past the end, shows the
        # first or last page rather than a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        page.object_list = list(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.form, **kwargs)


class ProductCategoryView(CatalogueView):
    """The products of one category and its subcategories, with the same
    filters as the full list."""

    template_name = "oscar/catalogue/category.html"
    offers_category = False

    def get(self, request, *args, **kwargs):
        self.category = Category.objects.filter(pk=kwargs["pk"]).first()
        if self.category is None:
            raise Http404
        browsable = self.category.is_public and self.category.ancestors_are_public
        if not (browsable or request.user.is_staff):
            raise Http404
        # Categories are found by id so a renamed one keeps working; the
        # address is then corrected, as Oscar does.
        expected_path = self.category.get_absolute_url()
        if unquote(expected_path) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected_path)
        return super().get(request, *args, **kwargs)

    def get_filters(self) -> dict:
        return {**super().get_filters(), "category": self.category}

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class ProductDetailView(page_cache.AnonymousPageCacheMixin, OscarProductDetailView):
    """Oscar's product page (its basket form and redirects), with the
    product's origin, OCOP rating, certifications in force and a link to the
    trace page of the lot on sale."""

    def page_cache_tags(self):
        return [page_cache.product_tag(self.kwargs["pk"])]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Served again from the page cache, the view is still counted.
        response.page_cache_on_hit = ("catalog.views.browse.product_view_count", [self.object.pk])
        return response

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        try:
            return selectors.storefront_product(pk=self.kwargs["pk"])
        except Product.DoesNotExist as error:
            raise Http404 from error

    def get_context_data(self, **kwargs):
        product = self.object
        area = product.raw_material_area
        return super().get_context_data(
            cooperative=selectors.product_cooperative(product),
            certifications=area.valid_certifications if area is not None else [],
            **kwargs,
        )


def product_view_count(request, response, product_id) -> None:
    """A product page served from the page cache still goes into the
    visitor's recently viewed products. Oscar's analytics counter is left
    out: its row update per view made every hit of a popular product wait
    on one locked row (bench/RESULTS.md), and nothing here reads it."""
    CustomerHistoryManager.update(Product(pk=product_id), request, response)
