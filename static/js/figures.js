// Shows every rate live as the official types the counts. The server recomputes and
// validates everything on save; this is only feedback.
(function () {
  "use strict";
  function parseCount(text) {
    // Vietnamese grouping: "1.087" is one thousand and eighty-seven.
    var cleaned = String(text || "").replace(/[\s.]/g, "");
    if (cleaned === "") { return null; }
    return /^\d+$/.test(cleaned) ? Number(cleaned) : NaN;
  }
  function formatRate(value) {
    return value.toFixed(2).replace(".", ",") + " %";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("indicator-definitions");
    var form = document.getElementById("figures-form");
    if (!source || !form) { return; }
    var indicators = JSON.parse(source.textContent);
    function value(name) {
      var input = form.elements.namedItem(name);
      if (input && "value" in input) { return parseCount(input.value); }
      var output = document.getElementById("id_" + name);
      return output ? parseCount(output.textContent) : null;
    }
    function update() {
      indicators.forEach(function (indicator) {
        var out = document.querySelector('[data-rate="' + indicator.code + '"]');
        if (!out) { return; }
        var denominator = value(indicator.denominator);
        var numerator = 0;
        for (var i = 0; i < indicator.numerator.length; i += 1) {
          var part = value(indicator.numerator[i]);
          if (part === null || isNaN(part)) { numerator = null; break; }
          numerator += part;
        }
        if (numerator === null || denominator === null || isNaN(denominator) || denominator === 0) {
          out.textContent = "—";
        } else {
          out.textContent = formatRate(numerator * 100 / denominator);
        }
      });
    }
    form.addEventListener("input", update);
    update();
  });
})();
