/*
 * Map of a cooperative's raw-material areas (Leaflet, OpenStreetMap tiles).
 *
 * The page lists every area as text; the map only adds to it. So when
 * Leaflet did not load, or the data is missing or broken, this does nothing
 * and the map's element stays hidden.
 *
 * Markup: <div data-cooperative-map data-source="ID" hidden> next to
 * <script type="application/json" id="ID"> (Django's json_script) holding a
 * list of {name, details, lat, lon, boundary}; boundary is a GeoJSON Polygon
 * or MultiPolygon or null. Marker images come from data-icon-url,
 * data-icon-retina-url and data-shadow-url, so their hashed static names
 * work (Leaflet's own guess of the image folder does not).
 */
(function () {
  "use strict";

  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

  function readAreas(element) {
    var source = document.getElementById(element.getAttribute("data-source") || "");
    if (!source) {
      return null;
    }
    try {
      var areas = JSON.parse(source.textContent);
      return Array.isArray(areas) ? areas : null;
    } catch (error) {
      return null;
    }
  }

  // Popups are built as DOM nodes with textContent: names typed by users
  // never become HTML.
  function popupContent(area) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = area.name || "";
    box.appendChild(name);
    if (area.details) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(area.details));
    }
    return box;
  }

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  function drawMap(L, element) {
    var areas = readAreas(element);
    if (!areas || !areas.length) {
      return;
    }
    // Leaflet needs a visible element with a height before it can draw.
    element.hidden = false;
    element.style.width = "100%";
    if (!element.clientHeight) {
      element.style.height = "300px";
    }

    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION }).addTo(map);

    // map-marker-icon.js, loaded before this script.
    var icon = window.choQueMarkerIcon ? window.choQueMarkerIcon(L, element) : new L.Icon.Default();
    var bounds = L.latLngBounds([]);
    areas.forEach(function (area) {
      if (area.boundary && typeof area.boundary === "object") {
        try {
          var shape = L.geoJSON(area.boundary, { style: { color: "#1f6b3a", weight: 2, fillOpacity: 0.2 } });
          shape.bindPopup(popupContent(area)).addTo(map);
          bounds.extend(shape.getBounds());
        } catch (error) {
          // A boundary Leaflet cannot read is left out; the marker remains.
        }
      }
      if (isNumber(area.lat) && isNumber(area.lon)) {
        L.marker([area.lat, area.lon], { icon: icon, title: area.name || "", alt: area.name || "" })
          .bindPopup(popupContent(area))
          .addTo(map);
        bounds.extend([area.lat, area.lon]);
      }
    });

    if (!bounds.isValid()) {
      map.remove();
      element.hidden = true;
      return;
    }
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  }

  function init() {
    var L = window.L;
    if (!L || typeof L.map !== "function") {
      return;
    }
    var elements = document.querySelectorAll("[data-cooperative-map]");
    for (var i = 0; i < elements.length; i += 1) {
      drawMap(L, elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
