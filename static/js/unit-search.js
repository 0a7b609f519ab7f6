// The parent picker's search box (templates/indicators/_unit_picker.html): as the user
// types a name ("hoai nhon", accents optional), ask /don-vi/tim/ for at most 20 matching
// units and list them; choosing one puts its GSO code in the box. Without this script
// the box still takes a code typed by hand.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input.unit-search"), function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    var timer = null;
    var asked = "";

    function hide() { list.hidden = true; list.textContent = ""; }

    function choose(code) {
      input.value = code;
      hide();
      input.focus();
    }

    function show(units) {
      list.textContent = "";
      units.forEach(function (unit) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.setAttribute("role", "option");
        button.setAttribute("data-code", unit.code);
        button.textContent = unit.label + " (" + unit.code + ")";
        button.addEventListener("click", function () { choose(unit.code); });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = units.length === 0;
    }

    function search() {
      var query = input.value.trim();
      // A code is typed as it is; a name needs two letters to say anything.
      if (query.length < 2 || query === asked) { if (query.length < 2) { hide(); } return; }
      asked = query;
      var url = input.getAttribute("data-search-url") + "?q=" + encodeURIComponent(query) +
        "&period=" + encodeURIComponent(input.getAttribute("data-period") || "");
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { units: [] }; })
        .then(function (data) { if (asked === query) { show(data.units || []); } })
        .catch(hide);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden) {
        var first = list.querySelector("button");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape") {
        hide();
      }
    });
    // Typed before this script ran (it waits for the page, plotly.js included).
    if (input.value !== input.defaultValue) { search(); }
    list.addEventListener("keydown", function (event) {
      var current = document.activeElement;
      var item = current && current.parentNode;
      if (event.key === "ArrowDown" && item && item.nextElementSibling) {
        event.preventDefault(); item.nextElementSibling.querySelector("button").focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (item && item.previousElementSibling) {
          item.previousElementSibling.querySelector("button").focus();
        } else { input.focus(); }
      } else if (event.key === "Escape") {
        hide(); input.focus();
      }
    });
  });
})();
