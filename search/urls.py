"""/search/ and its suggestions (the search box asks /search/suggest/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.SearchView.as_view(), name="site-search"),
    path("suggest/", views.suggest, name="site-search-suggest"),
]
