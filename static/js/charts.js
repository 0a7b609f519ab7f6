// Draws every Plotly figure the page carries as JSON (Django's json_script), with the
// locally served plotly.js. No inline script, so a strict Content-Security-Policy holds.
(function () {
  "use strict";
  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = expandUnits(JSON.parse(source.textContent));
    Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      toImageButtonOptions: { format: "png", filename: element.dataset.filename || "bieu-do" }
    }).then(function () {
      if (element.dataset.click === "navigate") { navigateOnClick(element); }
      element.dataset.rendered = "true";
    });
  }
  // The units' map comes compact (indicators/maps.py, whose `expanded` is the same in
  // Python): each unit's name, page path and coordinates once in figure.units; per point
  // its unit's index and its own hover lines; per trace the lines its points share and the
  // query of their URLs. Rebuilt here into ordinary traces: x, y and customdata
  // [URL, hover HTML] (names and lines were escaped by the server).
  function expandUnits(figure) {
    var units = figure.units;
    if (!units) { return figure; }
    figure.data.forEach(function (trace) {
      var meta = trace.meta || {};
      var query = meta.query || "";
      var points = trace.customdata || [];
      trace.x = points.map(function (p) { return units.x[p[0]]; });
      trace.y = points.map(function (p) { return units.y[p[0]]; });
      trace.customdata = points.map(function (p) {
        var own = p.slice(1);
        var chosen = meta.hover ? meta.hover.map(function (item) {
          return typeof item === "number" ? own[item] : item;
        }) : own;
        var lines = ["<b>" + units.name[p[0]] + "</b>"].concat(chosen.filter(function (line) {
          return line;
        }));
        return [units.path[p[0]] + query, lines.join("<br>")];
      });
    });
    delete figure.units;
    return figure;
  }
  // A chart whose points are pages (the units' map): customdata[0] of the clicked point
  // is a path of this site, opened in place. Anything else (another host) is ignored.
  function navigateOnClick(element) {
    element.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var url = point && point.customdata && point.customdata[0];
      if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
        window.location.assign(url);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(draw);
  });
})();
