// A searchable multi-pick: a filter box hides the checkboxes whose label does not contain the typed text
// (with or without diacritics); "tick all shown" and "untick all shown" act on the visible ones.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("[data-pick]").forEach(function (box) {
    var filter = box.querySelector("[data-pick-filter]");
    var items = Array.prototype.slice.call(box.querySelectorAll("[data-pick-item]"));
    var count = box.querySelector("[data-pick-count]");
    function shown() { return items.filter(function (item) { return !item.hidden; }); }
    function update() {
      var ticked = items.filter(function (item) { return item.querySelector("input").checked; }).length;
      if (count) { count.textContent = ticked + " / " + items.length; }
    }
    filter.addEventListener("input", function () {
      var wanted = fold(filter.value.trim());
      items.forEach(function (item) { item.hidden = wanted !== "" && fold(item.textContent).indexOf(wanted) === -1; });
    });
    filter.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    box.querySelector("[data-pick-all]").addEventListener("click", function () {
      shown().forEach(function (item) { item.querySelector("input").checked = true; }); update();
    });
    box.querySelector("[data-pick-none]").addEventListener("click", function () {
      shown().forEach(function (item) { item.querySelector("input").checked = false; }); update();
    });
    box.addEventListener("change", update);
    update();
  });
})();
