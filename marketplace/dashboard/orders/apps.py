import oscar.apps.dashboard.orders.apps as apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order pages for platform staff only.

    Oscar lets a partner's users open any order with one of its lines, and
    then shows the whole order: every cooperative's lines and prices and the
    buyer's e-mail. Cooperatives work on their own share of orders in the
    cooperative tools (marketplace.order.dashboard), so partner access is
    taken off Oscar's order pages."""

    name = "marketplace.dashboard.orders"

    def ready(self):
        super().ready()
        # Oscar finds dashboard forms through the dashboard app, not this
        # fork, so the bounded search form comes in with its own list view.
        from .views import OrderListView

        self.order_list_view = OrderListView

    def configure_permissions(self):
        super().configure_permissions()
        for url_name, permissions in self.permissions_map.items():
            # Oscar grants partner users a second, alternative permission set.
            if isinstance(permissions, tuple):
                self.permissions_map[url_name] = permissions[0]
