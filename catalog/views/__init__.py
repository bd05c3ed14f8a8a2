"""Views of the forked catalogue app.

Oscar's CatalogueConfig loads its views with
``get_class("catalogue.views", ...)``, which looks in this package (the
fork's ``catalogue.views``) before Oscar's module: the names below replace
Oscar's.
"""

from .browse import CatalogueView, ProductCategoryView, ProductDetailView

__all__ = ["CatalogueView", "ProductCategoryView", "ProductDetailView"]
