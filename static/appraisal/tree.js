// Running totals of the appraisal tree while typing (the server recomputes them on every save).
// Self mode changes the self-score totals; appraise mode the appraised totals, where an empty field
// counts the self-score it accepts. Numbers read the Vietnamese way when they have a comma ("1,5").
(function () {
  "use strict";
  var form = document.getElementById("tree-form");
  if (!form) { return; }
  var mode = form.getAttribute("data-mode");
  var kind = mode === "self" ? "self" : mode === "appraise" ? "final" : null;
  if (!kind) { return; }
  var locale = document.documentElement.lang || "vi";

  function parse(text) {
    text = (text || "").trim();
    if (!text) { return null; }
    if (text.indexOf(",") !== -1) { text = text.replace(/\./g, "").replace(",", "."); }
    var number = Number(text);
    return isNaN(number) ? null : number;
  }

  function leafValue(row) {
    var input = row.querySelector("input[name^='score-']");
    var typed = input ? parse(input.value) : null;
    if (typed !== null) { return typed; }
    if (kind === "final") { return parse(row.getAttribute("data-final")) || parse(row.getAttribute("data-self")) || 0; }
    return parse(row.getAttribute("data-self")) || 0;
  }

  function recompute() {
    var sums = {};
    form.querySelectorAll("tr[data-self]").forEach(function (row) {
      var value = leafValue(row);
      (row.getAttribute("data-ancestors") || "").split(" ").forEach(function (id) {
        if (id) { sums[id] = (sums[id] || 0) + value; }
      });
    });
    form.querySelectorAll("td[data-sum-for][data-kind='" + kind + "']").forEach(function (cell) {
      var total = sums[cell.getAttribute("data-sum-for")] || 0;
      cell.textContent = total.toLocaleString(locale, { maximumFractionDigits: 2 });
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.name && event.target.name.indexOf("score-") === 0) { recompute(); }
  });
})();
