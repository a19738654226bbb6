/* The dashboard's charts (ECharts) and map (Leaflet), drawn from the figures the page embeds as JSON.
   Both libraries are served by civicdesk itself; the map works without a tile server. */
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var figures = data("dashboard-figures");
  var mapConfig = data("dashboard-map");
  var labels = data("dashboard-labels");
  if (!figures) return;
  var charts = [];

  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return;
    var instance = window.echarts.init(node, null, { renderer: "svg" });
    instance.setOption(option);
    charts.push(instance);
    node.setAttribute("data-rendered", "1");
  }

  var trend = figures.trend;
  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 40, right: 16, top: 40, bottom: 30 },
    xAxis: { type: "category", data: trend.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: trend.series.map(function (s) {
      return { name: s.name, type: "line", stack: "received", areaStyle: {}, symbol: "none", data: s.data };
    })
  });

  var areas = figures.areas.slice(0, 15).reverse();
  chart("chart-areas", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 100, right: 16, top: 10, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: areas.map(function (a) { return a.name; }) },
    series: [
      { name: labels.received, type: "bar", data: areas.map(function (a) { return a.received; }) },
      { name: labels.overdue, type: "bar", data: areas.map(function (a) { return a.overdue; }), itemStyle: { color: "#c0392b" } }
    ]
  });

  var units = figures.units.slice(0, 15).reverse();
  function column(key) { return units.map(function (u) { return u[key]; }); }
  chart("chart-sla", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 140, right: 16, top: 30, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: units.map(function (u) { return u.name; }) },
    series: [
      { name: labels.on_time, type: "bar", stack: "open", data: column("on_time"), itemStyle: { color: "#2e7d32" } },
      { name: labels.approaching, type: "bar", stack: "open", data: column("approaching"), itemStyle: { color: "#f39c12" } },
      { name: labels.overdue, type: "bar", stack: "open", data: column("overdue"), itemStyle: { color: "#c0392b" } }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  var mapNode = document.getElementById("map");
  if (mapNode && window.L && mapConfig) {
    var map = window.L.map(mapNode, { attributionControl: !!mapConfig.attribution });
    if (mapConfig.tiles) {
      window.L.tileLayer(mapConfig.tiles, { attribution: mapConfig.attribution, maxZoom: 19 }).addTo(map);
    } else {
      mapNode.classList.add("no-tiles");
    }
    var points = mapConfig.areas;
    var largest = Math.max.apply(null, points.map(function (a) { return a.received; }).concat([1]));
    var bounds = [];
    points.forEach(function (a) {
      var marker = window.L.circleMarker([a.lat, a.lon], {
        radius: 6 + 24 * Math.sqrt(a.received / largest),
        color: a.overdue ? "#c0392b" : "#1f6feb",
        weight: 2,
        fillOpacity: 0.35
      }).addTo(map);
      marker.bindTooltip(a.name + " · " + labels.received + " " + a.received + " · " + labels.overdue + " " + a.overdue,
        { permanent: !mapConfig.tiles, direction: "top" });
      marker.getElement && marker.getElement() && marker.getElement().setAttribute("data-area", a.id);
      bounds.push([a.lat, a.lon]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
    } else {
      map.setView([0, 0], 1);
      mapNode.setAttribute("data-empty", labels.no_points);
    }
    mapNode.setAttribute("data-rendered", String(bounds.length));
  }
})();
