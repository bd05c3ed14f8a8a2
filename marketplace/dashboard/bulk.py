"""Bulk actions of Oscar's dashboard lists (orders, products, users)."""


class WholeNumberSelectionMixin:
    """Oscar filters a list by whatever was posted as the selected ids; one
    that is no whole number raised ValueError (a 500 page). None is selected
    then, and Oscar says so ("select some ...")."""

    def get_selected_ids(self, request):
        posted = request.POST.getlist(f"selected_{self.get_checkbox_object_name()}")
        if not all(value.isascii() and value.isdigit() for value in posted):
            return []
        return super().get_selected_ids(request)
