from oscar.apps.dashboard.catalogue import views

from ..bulk import WholeNumberSelectionMixin
from .formsets import StockRecordFormSet


class ProductCreateUpdateView(views.ProductCreateUpdateView):
    """Oscar's product page, whose stock record edits go to the audit log.

    Set from the app config (apps.py): Oscar loads its dashboard views as
    ``dashboard.catalogue.views`` through the label of its parent dashboard
    app, which is not forked, so a module here is not found by get_class."""

    stockrecord_formset = StockRecordFormSet


class ProductListView(WholeNumberSelectionMixin, views.ProductListView):
    """Oscar's product list, its bulk actions refusing ids that are no number."""
