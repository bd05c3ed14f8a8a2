from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _check_position(position):
    if (
        not isinstance(position, list | tuple)
        or len(position) < 2
        or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in position[:2])
    ):
        raise ValidationError(_("Each point of the boundary is a [longitude, latitude] pair of numbers."))
    longitude, latitude = position[0], position[1]
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValidationError(_("A point of the boundary lies outside the globe's coordinates."))


def _check_ring(ring):
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(_("Each ring of the boundary needs at least four points."))
    for position in ring:
        _check_position(position)
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise ValidationError(_("Each ring of the boundary must end where it starts."))


def validate_geojson_polygon(value):
    """A GeoJSON Polygon or MultiPolygon geometry (RFC 7946), or nothing."""
    if value in (None, ""):
        return
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    coordinates = value.get("coordinates")
    polygons = [coordinates] if value["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("The boundary has no coordinates."))
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("The boundary has no coordinates."))
        for ring in polygon:
            _check_ring(ring)


def validate_digital_tools(value):
    from .models import LinkageModel

    allowed = set(LinkageModel.DigitalTool.values)
    if not isinstance(value, list) or any(tool not in allowed for tool in value):
        raise ValidationError(_("Choose the digital tools from the list."))
