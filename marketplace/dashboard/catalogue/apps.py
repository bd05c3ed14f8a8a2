import oscar.apps.dashboard.catalogue.apps as apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    """Oscar's catalogue dashboard for platform staff only.

    Cooperative staff keep their products in the cooperative tools
    (catalog.dashboard), which carry the origin fields, take stock only from
    lots and scope every object to the cooperative. Oscar's own product
    pages would let them save products without origin or edit stock by
    hand, so partner access is taken off them.
    """

    name = "marketplace.dashboard.catalogue"

    def ready(self):
        super().ready()
        # Stock records edited by hand are recorded in the audit log; the
        # list's bulk actions take whole-number ids only.
        from .views import ProductCreateUpdateView, ProductListView

        self.product_createupdate_view = ProductCreateUpdateView
        self.product_list_view = ProductListView

    def configure_permissions(self):
        super().configure_permissions()
        for url_name, permissions in self.permissions_map.items():
            # Oscar grants partner users a second, alternative permission set.
            if isinstance(permissions, tuple):
                self.permissions_map[url_name] = permissions[0]
