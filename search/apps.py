"""Oscar's search app, forked so the project owns the ``search`` label: one
search interface over products, cooperatives and destinations."""

import oscar.apps.search.apps as apps
from django.db.backends.signals import connection_created


def _sqlite_functions(sender, connection, **kwargs):
    """SQLite has no trigram module: the database backend's typo matching
    calls pg_trgm's similarity, written in Python."""
    if connection.vendor == "sqlite":
        from .text import similarity

        connection.connection.create_function("similarity", 2, similarity, deterministic=True)


class SearchConfig(apps.SearchConfig):
    """Oscar's search app, forked; its haystack pages are replaced by the
    project's search interface."""

    name = "search"
    verbose_name = "Search"

    def ready(self):
        # Oscar's ready() loads its haystack views; ours are loaded here.
        from . import signals, views

        self.search_view = views.SearchView
        connection_created.connect(_sqlite_functions, dispatch_uid="search-sqlite-functions")
        signals.connect()

    def get_urls(self):
        from django.urls import path

        from . import views

        urls = [
            path("", views.SearchView.as_view(), name="search"),
            path("suggest/", views.suggest, name="suggest"),
        ]
        return self.post_process_urls(urls)
