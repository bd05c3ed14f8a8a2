/*
 * The digital tourism map (Leaflet, OpenStreetMap tiles, marker clustering).
 *
 * The page lists every place as text; the map only adds to it. So when
 * Leaflet did not load, or the GeoJSON cannot be fetched or read, this does
 * nothing and the map's element stays hidden. Without the clustering plugin
 * the markers are drawn one by one.
 *
 * Markup: <div data-tourism-map data-geojson-url="URL" hidden>, where URL
 * answers a GeoJSON FeatureCollection of Points whose properties carry
 * name, url, layer_label, details, commune_name and district_name. Marker
 * images come from data-icon-url, data-icon-retina-url and data-shadow-url,
 * so their hashed static names work (Leaflet's own guess of the image folder
 * does not). An element marked data-tourism-map-skip (a link past the map)
 * is shown once the map is drawn.
 */
(function () {
  "use strict";

  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  // Only links to this site or to a web page: a "javascript:" address typed
  // somewhere upstream never becomes a link.
  function isSafeUrl(url) {
    return typeof url === "string" && (/^https?:\/\//i.test(url) || /^\/(?!\/)/.test(url));
  }

  // Popups are built as DOM nodes with textContent: names typed by users
  // never become HTML.
  function popupContent(properties) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    if (isSafeUrl(properties.url)) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = properties.name || "";
      name.appendChild(link);
    } else {
      name.textContent = properties.name || "";
    }
    box.appendChild(name);
    var lines = [properties.layer_label];
    // A destination's details are its kind, already given as its layer.
    if (properties.details !== properties.layer_label) {
      lines.push(properties.details);
    }
    lines.push([properties.commune_name, properties.district_name].filter(Boolean).join(", "));
    lines.forEach(function (line) {
      if (line) {
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(line));
      }
    });
    return box;
  }

  // The located points of a FeatureCollection, or null when it is not one.
  function readPoints(text) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return null;
    }
    if (!data || data.type !== "FeatureCollection" || !Array.isArray(data.features)) {
      return null;
    }
    var points = [];
    data.features.forEach(function (feature) {
      var geometry = feature && feature.geometry;
      var coordinates = geometry && geometry.type === "Point" && geometry.coordinates;
      // GeoJSON gives longitude first, Leaflet wants latitude first.
      if (coordinates && isNumber(coordinates[0]) && isNumber(coordinates[1])) {
        points.push({ lat: coordinates[1], lon: coordinates[0], properties: feature.properties || {} });
      }
    });
    return points;
  }

  function fetchText(url, done) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/geo+json, application/json");
    request.onload = function () {
      if (request.status >= 200 && request.status < 300) {
        done(request.responseText);
      }
    };
    request.send();
  }

  function drawMap(L, element, points) {
    if (!points || !points.length) {
      return;
    }
    // Leaflet needs a visible element with a height before it can draw.
    element.hidden = false;
    element.style.width = "100%";
    if (!element.clientHeight) {
      element.style.height = "360px";
    }

    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION }).addTo(map);

    // map-marker-icon.js, loaded before this script.
    var icon = window.choQueMarkerIcon ? window.choQueMarkerIcon(L, element) : new L.Icon.Default();
    var markers = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 })
      : L.featureGroup();
    var bounds = L.latLngBounds([]);
    points.forEach(function (point) {
      var name = point.properties.name || "";
      L.marker([point.lat, point.lon], { icon: icon, title: name, alt: name })
        .bindPopup(popupContent(point.properties))
        .addTo(markers);
      bounds.extend([point.lat, point.lon]);
    });
    markers.addTo(map);
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });

    var skips = document.querySelectorAll("[data-tourism-map-skip]");
    for (var i = 0; i < skips.length; i += 1) {
      skips[i].hidden = false;
    }
  }

  function init() {
    var L = window.L;
    if (!L || typeof L.map !== "function" || typeof XMLHttpRequest === "undefined") {
      return;
    }
    var elements = document.querySelectorAll("[data-tourism-map]");
    Array.prototype.forEach.call(elements, function (element) {
      var url = element.getAttribute("data-geojson-url");
      if (!url) {
        return;
      }
      fetchText(url, function (text) {
        drawMap(L, element, readPoints(text));
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
