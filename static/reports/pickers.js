/* Searchable pickers (issue 15): the site's own copy of Tom Select turns long drop-downs into a search box.
 *
 * Enhanced: every <select multiple> (the compare page's provinces and indicators) and every <select> with
 * more options than fit on a phone screen (LONG_LIST), unless it carries data-native. The original <select>
 * stays in the form (hidden), so the form sends exactly what it did before and works without JavaScript.
 * Tom Select is loaded only on pages that have such a picker; this script names its files in
 * data-tom-select-js / data-tom-select-css. No inline scripts or styles: CSP script-src 'self' holds.
 */
(function () {
  "use strict";

  var LONG_LIST = 25;

  function pickers() {
    return Array.prototype.filter.call(document.querySelectorAll("select"), function (select) {
      return !select.hasAttribute("data-native") && (select.multiple || select.options.length > LONG_LIST);
    });
  }

  function text(select, name, fallback) {
    var self = document.querySelector("script[data-tom-select-js]");
    return (select.form && select.form.getAttribute("data-" + name)) || (self && self.getAttribute("data-" + name)) || fallback;
  }

  function enhance(select) {
    var options = {
      maxOptions: null,
      hidePlaceholder: true,
      plugins: select.multiple ? ["remove_button", "checkbox_options", "clear_button"] : ["dropdown_input"],
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = text(select, "picker-no-results", "—");
          return div;
        },
      },
    };
    if (select.multiple) {
      options.maxItems = select.getAttribute("data-max-items") ? parseInt(select.getAttribute("data-max-items"), 10) : null;
      options.placeholder = text(select, "picker-placeholder", "");
      options.closeAfterSelect = false;
    }
    // eslint-disable-next-line no-new
    new window.TomSelect(select, options);
  }

  function start() {
    var found = pickers();
    var self = document.querySelector("script[data-tom-select-js]");
    if (!found.length || !self) {
      return;
    }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = self.getAttribute("data-tom-select-css");
    document.head.appendChild(link);
    var script = document.createElement("script");
    script.src = self.getAttribute("data-tom-select-js");
    script.onload = function () {
      found.forEach(enhance);
    };
    document.head.appendChild(script);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
