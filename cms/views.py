"""Views of the public site outside Wagtail's page tree."""


# (MAP SECTION: map_geojson)


# (SHARE SECTION: destination_share)
