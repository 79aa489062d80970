/* The pioneers' map: Leaflet and marker clusters served locally, data from the GeoJSON API.
   Popups are built with DOM text nodes: no HTML from the data is ever interpreted. */
(function () {
  "use strict";

  function popup(feature) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    var link = document.createElement("a");
    link.href = feature.properties.url;
    link.textContent = feature.properties.name;
    title.appendChild(link);
    box.appendChild(title);
    var solution = document.createElement("p");
    solution.textContent = feature.properties.title;
    box.appendChild(solution);
    if (feature.properties.commune) {
      var place = document.createElement("p");
      place.className = "muted";
      place.textContent = feature.properties.commune;
      box.appendChild(place);
    }
    return box;
  }

  function start() {
    var element = document.getElementById("pioneer-map");
    var status = document.getElementById("pioneer-map-status");
    if (!element || typeof L === "undefined") {
      return;
    }
    var icon = L.icon({
      iconUrl: element.dataset.icon,
      iconRetinaUrl: element.dataset.iconRetina,
      shadowUrl: element.dataset.shadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41]
    });
    var map = L.map(element, { scrollWheelZoom: false }).setView([46.6, 2.4], 6);
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 18,
      attribution: element.dataset.attribution
    }).addTo(map);
    var cluster = L.markerClusterGroup();
    fetch(element.dataset.geojson, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var markers = {};
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) { return L.marker(latlng, { icon: icon }); },
          onEachFeature: function (feature, marker) {
            marker.bindPopup(function () { return popup(feature); });
            markers[String(feature.id)] = marker;
          }
        });
        cluster.addLayer(layer);
        map.addLayer(cluster);
        if (data.features.length) {
          map.fitBounds(cluster.getBounds(), { maxZoom: 11, padding: [20, 20] });
        } else {
          status.textContent = element.dataset.empty;
        }
        var wanted = markers[window.location.hash.slice(1)];
        if (wanted) {
          cluster.zoomToShowLayer(wanted, function () { wanted.openPopup(); });
        }
        element.dataset.loaded = String(data.features.length);
      })
      .catch(function () {
        status.textContent = element.dataset.error;
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
