import oscar.apps.dashboard.users.apps as apps


class UsersDashboardConfig(apps.UsersDashboardConfig):
    """Oscar's customer list, its bulk actions (activate, deactivate)
    taking whole-number ids only."""

    name = "marketplace.dashboard.users"

    def ready(self):
        super().ready()
        # Set here: Oscar loads its dashboard views through the label of its
        # parent dashboard app, which is not forked.
        from .views import IndexView

        self.index_view = IndexView
