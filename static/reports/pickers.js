/* Searchable pickers (issue 15): the site's own copy of Tom Select turns long drop-downs into a search box.
 *
 * Enhanced: every <select multiple> (the compare page's provinces and indicators, where a native list box is
 * unusable by touch) and any <select data-searchable>; single drop-downs stay native (phones show their own
 * touch picker), which also keeps the filters from changing height as the page loads (no layout shift).
 * The original <select> stays in the form (hidden, named by an aria-label), so the form sends exactly what
 * it did before and works without JavaScript.
 * Tom Select is loaded only on pages that have such a picker; this script names its files in
 * data-tom-select-js / data-tom-select-css. No inline scripts or styles: CSP script-src 'self' holds.
 */
(function () {
  "use strict";

  function pickers() {
    return Array.prototype.filter.call(document.querySelectorAll("select"), function (select) {
      return !select.hasAttribute("data-native") && (select.multiple || select.hasAttribute("data-searchable"));
    });
  }

  function text(select, name, fallback) {
    var self = document.querySelector("script[data-tom-select-js]");
    return (select.form && select.form.getAttribute("data-" + name)) || (self && self.getAttribute("data-" + name)) || fallback;
  }

  function enhance(select) {
    var options = {
      maxOptions: null,
      hidePlaceholder: false, // true would hide the text box, and Tom Select then refuses pasted text
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
    // Tom Select points the <label> at its own text box; the hidden <select> keeps the label's text.
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.trim());
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
