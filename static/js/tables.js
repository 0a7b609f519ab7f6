// Sortable ranked tables: every header of a table.sortable becomes a button. Numbers are
// read the Vietnamese way ("1.087", "93,33 %", "−6,06"); a cell may give its own key in
// data-sort. Rows without a value stay last in both directions; only tbody.children is
// sorted, so the district desk above and the total rows in tfoot stay where they are.
(function () {
  "use strict";

  function cellKey(cell, numeric) {
    if (!cell) { return null; }
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    raw = raw.trim();
    if (!numeric) { return raw === "" || raw === "—" ? null : raw; }
    var match = raw.replace(/\s/g, "").match(/[−+-]?\d[\d.]*(?:,\d+)?/);
    if (!match) { return null; }
    var value = parseFloat(match[0].replace(/−/g, "-").replace(/\./g, "").replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function compare(a, b, numeric) {
    if (numeric) { return a - b; }
    return a.localeCompare(b, "vi", { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, header, index) {
    var numeric = header.classList.contains("num");
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    table.querySelectorAll("tbody.children").forEach(function (body) {
      var rows = Array.prototype.filter.call(body.rows, function (row) { return row.hasAttribute("data-code"); });
      var keyed = rows.map(function (row, position) {
        return { row: row, key: cellKey(row.cells[index], numeric), position: position };
      });
      keyed.sort(function (a, b) {
        if (a.key === null || b.key === null) {
          if (a.key === b.key) { return a.position - b.position; }
          return a.key === null ? 1 : -1;
        }
        var order = compare(a.key, b.key, numeric);
        if (order === 0) { return a.position - b.position; }
        return ascending ? order : -order;
      });
      keyed.forEach(function (item) { body.appendChild(item.row); });
    });
    var status = table.parentNode.querySelector(".sort-status");
    if (status) {
      status.textContent = header.textContent.trim() + (ascending ? " ↑" : " ↓");
    }
  }

  function enhance(table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
    var status = document.createElement("p");
    status.className = "sort-status visually-hidden";
    status.setAttribute("aria-live", "polite");
    table.parentNode.appendChild(status);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(enhance);
  });
})();
