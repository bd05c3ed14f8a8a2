from oscar.apps.dashboard.users import views

from ..bulk import WholeNumberSelectionMixin


class IndexView(WholeNumberSelectionMixin, views.IndexView):
    pass
