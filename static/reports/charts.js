/* Draw every server-built chart on the page with the site's own copy of plotly.js.
 *
 * Each chart is a <div class="chart" data-figure-id="ID"> next to a <script type="application/json" id="ID">
 * holding the figure ({data, layout}) built on the server (reports/charts.py). No inline scripts: this file
 * is loaded with `defer` and loads plotly.js itself: the cartesian bundle (bar, box, heatmap, scatter; a
 * third of the full size) unless a figure on the page needs a trace only the full bundle has (scatterpolar).
 * The script element names both files (data-plotly-cartesian, data-plotly-full). Charts are drawn one per
 * task, so the page stays responsive while a profile draws its twenty charts.
 *
 * Clicking a point whose customdata is a site URL (a string starting with "/", or a list whose first item
 * is one) opens that URL: bars and tiles link to province profiles.
 */
(function () {
  "use strict";

  function linkOf(point) {
    var data = point && point.customdata;
    if (Array.isArray(data)) {
      data = data[0];
    }
    // Only same-site paths: never follow a URL that came from data to another origin.
    if (typeof data === "string" && data.charAt(0) === "/" && data.charAt(1) !== "/") {
      return data;
    }
    return null;
  }

  var sharedTemplate = null;

  function draw(div) {
    var source = document.getElementById(div.getAttribute("data-figure-id"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    figure.layout = figure.layout || {};
    if (!figure.layout.template && sharedTemplate) {
      figure.layout.template = sharedTemplate;
    }
    var config = {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["toImage", "sendDataToCloud", "select2d", "lasso2d"],
    };
    window.Plotly.newPlot(div, figure.data || [], figure.layout || {}, config).then(function () {
      div.on("plotly_click", function (event) {
        var url = event && event.points && event.points.length ? linkOf(event.points[0]) : null;
        if (url) {
          window.location.assign(url);
        }
      });
      div.on("plotly_hover", function (event) {
        var url = event && event.points && event.points.length ? linkOf(event.points[0]) : null;
        div.style.cursor = url ? "pointer" : "";
      });
    });
  }

  function enablePngButton(button) {
    var div = document.getElementById(button.getAttribute("data-chart") + "-plot");
    if (!div) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      window.Plotly.downloadImage(div, {
        format: "png",
        filename: button.getAttribute("data-filename") || button.getAttribute("data-chart"),
        width: Math.max(div.offsetWidth, 800),
        height: Math.max(div.offsetHeight, 500),
      });
    });
  }

  function drawAll() {
    if (!window.Plotly) {
      return; // plotly.js missing (setup not run): the data tables below each chart still show the figures.
    }
    var template = document.getElementById("plotly-template");
    sharedTemplate = template ? JSON.parse(template.textContent) : null;
    var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-figure-id]"));
    (function next() {
      if (charts.length) {
        draw(charts.shift());
        window.setTimeout(next, 0); // one chart per task: no long task blocks the reader's clicks
      }
    })();
    Array.prototype.forEach.call(document.querySelectorAll("button.chart-png[data-chart]"), enablePngButton);
  }

  var FULL_ONLY_TRACES = /"type":\s*"(scatterpolar|barpolar|choropleth|scattergeo|scattermapbox|sunburst|treemap|sankey|parcoords|table|indicator|scatter3d|surface|mesh3d)"/;

  function start() {
    if (window.Plotly) {
      drawAll();
      return;
    }
    var self = document.querySelector("script[data-plotly-full]");
    if (!self) {
      return;
    }
    var needsFull = Array.prototype.some.call(document.querySelectorAll(".chart[data-figure-id]"), function (div) {
      var source = document.getElementById(div.getAttribute("data-figure-id"));
      return source && FULL_ONLY_TRACES.test(source.textContent);
    });
    var script = document.createElement("script");
    script.src = self.getAttribute(needsFull ? "data-plotly-full" : "data-plotly-cartesian");
    script.onload = drawAll;
    document.head.appendChild(script);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
