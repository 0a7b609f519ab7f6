// Draws every Plotly figure the page carries as JSON (Django's json_script), with the
// locally served plotly.js. No inline script, so a strict Content-Security-Policy holds.
(function () {
  "use strict";
  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
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
