// The period picker: offer only the numbers the chosen kind has (12 months, 4 quarters,
// 2 halves; none for the 9 months and the year). The form works without this script.
(function () {
  "use strict";
  var kind = document.getElementById("picker-kind");
  var number = document.getElementById("picker-number");
  if (!kind || !number) { return; }
  var limits = {};
  (number.getAttribute("data-limits") || "").split(",").forEach(function (pair) {
    var parts = pair.split(":");
    limits[parts[0]] = parseInt(parts[1], 10);
  });
  function update() {
    var limit = limits[kind.value] || 0;
    number.disabled = limit === 0;
    Array.prototype.forEach.call(number.options, function (option) {
      option.hidden = option.disabled = parseInt(option.value, 10) > limit;
    });
    if (limit && parseInt(number.value, 10) > limit) { number.value = "1"; }
  }
  kind.addEventListener("change", update);
  update();
})();
