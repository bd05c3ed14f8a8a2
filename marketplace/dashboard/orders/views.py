from oscar.apps.dashboard.orders import views as oscar_views

from ..bulk import WholeNumberSelectionMixin
from .forms import OrderSearchForm


class OrderListView(WholeNumberSelectionMixin, oscar_views.OrderListView):
    form_class = OrderSearchForm

    def get(self, request, *args, **kwargs):
        # Oscar looks the order number up (to go straight to that order)
        # before its form has checked it: a NUL byte, which PostgreSQL
        # refuses in text (a 500 page), or a 1 MB number went to the query.
        # A number the form refuses is no order's: the list is shown, with
        # every order, as Oscar does for any invalid search.
        if "order_number" in request.GET and "order_number" in self.form_class(request.GET).errors:
            return super(oscar_views.OrderListView, self).get(request, *args, **kwargs)
        return super().get(request, *args, **kwargs)
