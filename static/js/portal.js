// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Changing the period changes which units existed, so reload the filter at once.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // The summary's cells: the tooltip "unit — indicator: chỉ tiêu 80 %" (and the
    // arrows' "so với kỳ trước") from the row's unit, the column's title and the cell's
    // data-target, sent once per row and column rather than in each of the cells.
    document.querySelectorAll("table[data-cell-titles]").forEach(function (table) {
      var columns = table.querySelectorAll("thead tr:first-child th");
      var word = table.dataset.targetWord;
      var arrowTitle = table.dataset.arrowTitle;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var unit = row.querySelector("th a");
        var name = unit ? unit.textContent.trim() : "";
        row.querySelectorAll("td").forEach(function (td, index) {
          var cell = td.querySelector("a.cell");
          var column = columns[index + 1];
          if (!cell || !column) { return; }
          var target = cell.dataset.target;
          cell.title = name + " — " + column.title + (target ? ": " + word + " " + target : "");
          var arrow = cell.querySelector(".arrow");
          if (arrow) { arrow.title = arrowTitle; }
        });
      });
    });
  });
})();
