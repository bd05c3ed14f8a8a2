import oscar.apps.search.apps as apps


class SearchConfig(apps.SearchConfig):
    """Oscar's search app, forked; its haystack pages are replaced by the
    project's search interface."""

    name = "search"
