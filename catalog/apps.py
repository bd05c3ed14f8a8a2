import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    """Oscar's catalogue app, forked so products can carry their origin."""

    name = "catalog"
