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
    }).then(function () { element.dataset.rendered = "true"; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(draw);
  });
})();
