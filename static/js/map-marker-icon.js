/*
 * The marker icon of the site's maps (cooperative-map.js, tourism-map.js),
 * loaded before them.
 *
 * Leaflet guesses its image folder from its stylesheet's address, which
 * hashed static names break; so the icon's images come from the map
 * element's data-icon-url, data-icon-retina-url and data-shadow-url.
 */
(function () {
  "use strict";

  window.choQueMarkerIcon = function (L, element) {
    var url = element.getAttribute("data-icon-url");
    if (!url) {
      return new L.Icon.Default();
    }
    return L.icon({
      iconUrl: url,
      iconRetinaUrl: element.getAttribute("data-icon-retina-url") || url,
      shadowUrl: element.getAttribute("data-shadow-url") || undefined,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41]
    });
  };
})();
