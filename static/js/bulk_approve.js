// "Chọn tất cả" for the bulk approval of the figures list; without it each box is ticked by hand.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.querySelector("input[data-select-all]");
    if (!all) { return; }
    var boxes = function () {
      return document.querySelectorAll('input[type="checkbox"][form="bulk-approve"][name="figures"]');
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
  });
})();
