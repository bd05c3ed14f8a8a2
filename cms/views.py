"""Views of the public site outside Wagtail's page tree."""
