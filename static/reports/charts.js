/* Draw every server-built chart on the page with the site's own copy of plotly.js.
 *
 * Each chart is a <div class="chart" data-figure-id="ID"> next to a <script type="application/json" id="ID">
 * holding the figure ({data, layout}) built on the server (reports/charts.py), or with a data-figures-url: the
 * figures of a page's many small multiples ({ID: figure}) are then fetched, once for all of them, when the
 * first of them comes near the screen (their cartesian traces need no more than the cartesian bundle). No inline scripts: this file
 * is loaded with `defer` and loads plotly.js itself: the site's own bundle (bar, box, heatmap, histogram, scatter;
 * bundles/plotly-cartesian.js, a quarter of the full size) unless a figure on the page needs another trace type
 * (scatterpolar), which only the full bundle has.
 * The script element names both files (data-plotly-cartesian, data-plotly-full).
 *
 * Charts are drawn when they come near the screen (IntersectionObserver), one per task, and plotly.js itself
 * is fetched only when the first chart does: a phone opening a long page parses no chart it never scrolls to.
 * Before printing, every chart is drawn and sized for A4.
 * Legend names are wrapped to the chart's width and a long legend gets its own room (fitLegend).
 *
 * Clicking a point whose customdata is a site URL (a string starting with "/", or a list whose first item
 * is one) opens that URL: bars and tiles link to province profiles.
 *
 * A chart's "show the data as a table" (<details class="chart-data">) holds its table, or, on pages of many
 * small multiples, only a link to the CSV and a data-table-url: the table is then fetched from that URL (an
 * HTML fragment of the page's own server, ?chart=ID&format=table) when the reader opens it, and replaces the
 * link; if the fetch fails the CSV link stays with a message. <details> keeps it keyboard-usable and tells
 * screen readers whether it is open.
 *
 * Downloads (issue 15): "Download PNG" saves the chart with its title, the page's heading (indicator, year,
 * units), the source line ("Nguồn: …", from data-sources on the chart's figure) and the page's address;
 * "Copy link" copies the page's address with the chart's anchor and its exact state (the series hidden in its
 * legend, the zoomed or panned axis ranges), which this script restores when the link is opened.
 */
(function () {
  "use strict";

  var PRINT_WIDTH = 680; // 18 cm at 96 dpi: A4 less the print stylesheet's margins
  var sharedTemplate = null;
  var plotlyLoading = null;
  var queue = [];
  var queued = false;

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

  function withTemplate(figure) {
    figure.layout = figure.layout || {};
    if (!figure.layout.template && sharedTemplate) {
      figure.layout.template = sharedTemplate;
    }
    return figure;
  }

  function figureOf(div) {
    var source = document.getElementById(div.getAttribute("data-figure-id"));
    if (!source) {
      return null;
    }
    return withTemplate(JSON.parse(source.textContent));
  }

  var fetchedFigures = {};

  /* The chart's figure: from its <script> in the page, or from the page's figures URL (fetched once). */
  function figureFor(div) {
    var url = div.getAttribute("data-figures-url");
    if (!url) {
      return Promise.resolve(figureOf(div));
    }
    if (!fetchedFigures[url]) {
      fetchedFigures[url] = window
        .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        });
      fetchedFigures[url].catch(function () {
        delete fetchedFigures[url]; // a chart scrolled to later tries again
      });
    }
    return fetchedFigures[url].then(function (figures) {
      var figure = figures[div.getAttribute("data-figure-id")];
      return figure ? withTemplate(figure) : null;
    });
  }

  /* The chart's state in a link: "#ID-block", then "~hide=1.3" (the traces hidden from the legend) and one
   * "~xaxis=LOW,HIGH" per axis the reader zoomed or panned ("~yaxis2=…"; dates and categories' positions
   * as plotly gives them), e.g. "#line-par_index-block~hide=2~xaxis=2019.5,2023.5~yaxis=80,95". */
  var AXIS = /^[xy]axis\d*$/;

  function rangeText(value) {
    return typeof value === "number" ? String(Number(value.toPrecision(8))) : encodeURIComponent(String(value));
  }

  function stateHash(div) {
    var id = div.getAttribute("data-figure-id");
    var parts = [id + "-block"];
    var hidden = [];
    (div.data || []).forEach(function (trace, index) {
      if (trace.visible === "legendonly" || trace.visible === false) {
        hidden.push(index);
      }
    });
    if (hidden.length) {
      parts.push("hide=" + hidden.join("."));
    }
    var layout = div.layout || {};
    var original = div.originalAxes || (figureOf(div) || {}).layout || {};
    Object.keys(layout)
      .filter(function (key) {
        return AXIS.test(key);
      })
      .sort()
      .forEach(function (key) {
        var axis = layout[key] || {};
        var before = original[key] || {};
        var range = axis.range;
        // Only a range the reader chose: plotly sets autorange false when the reader zooms or pans.
        if (axis.autorange !== false || !range || range.length !== 2) {
          return;
        }
        if (before.range && String(before.range) === String(range)) {
          return;
        }
        parts.push(key + "=" + rangeText(range[0]) + "," + rangeText(range[1]));
      });
    return "#" + parts.join("~");
  }

  function stateFromHash(div) {
    var state = { hide: [], ranges: {} };
    var parts = window.location.hash.replace(/^#/, "").split("~");
    if (parts[0] !== div.getAttribute("data-figure-id") + "-block") {
      return state;
    }
    parts.slice(1).forEach(function (part) {
      var pair = part.split("=");
      if (pair.length !== 2) {
        return;
      }
      if (pair[0] === "hide" && /^[\d.]+$/.test(pair[1])) {
        state.hide = pair[1].split(".").map(function (n) {
          return parseInt(n, 10);
        });
      } else if (AXIS.test(pair[0])) {
        var ends = pair[1].split(",").map(function (text) {
          var value;
          try {
            value = decodeURIComponent(text);
          } catch (error) {
            return null; // a mangled link: that axis keeps its own range
          }
          return /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value) ? parseFloat(value) : value;
        });
        if (ends.length === 2 && ends[0] !== null && ends[1] !== null) {
          state.ranges[pair[0]] = ends;
        }
      }
    });
    return state;
  }

  function draw(div) {
    if (div.drawing) {
      return div.drawing;
    }
    div.setAttribute("data-drawn", "1");
    div.drawing = figureFor(div).then(
      function (figure) {
        return figure ? plot(div, figure) : null;
      },
      function () {
        div.removeAttribute("data-drawn");
        div.drawing = null;
        div.textContent = scriptData("data-chart-failed");
      }
    );
    return div.drawing;
  }

  var LEGEND_SYMBOL_PX = 48; // a legend entry's line sample and gaps
  var LEGEND_LINE_PX = 19;
  var LEGEND_ROWS_FITTED = 4; // the rows a figure's own height already leaves room for
  var measuring = null;

  /* Wrap legend names to the chart's width and make room for the legend's rows.
   *
   * plotly.js neither wraps a legend entry nor grows the figure for its legend (it caps a legend outside the
   * plot at half the figure's height, and scrolls the rest): a long series name (an average "over 3–25 units
   * with data (too few to …)", a rank history's "indicator — unit") was cut at the chart's edge, and a legend
   * of many rows squeezed the plot to a strip. Names are broken at spaces into lines that fit this chart (its
   * width is only known here, on the reader's screen; text measured in the figure's font), the entries are
   * laid out as plotly.js flows a horizontal legend, and the figure grows by the rows beyond those its height
   * was made for. */
  function fitLegend(div, figure) {
    var layout = figure.layout || {};
    var legend = layout.legend || {};
    if (layout.showlegend === false || !figure.data || typeof layout.height !== "number") {
      return;
    }
    var width = div.clientWidth || 0;
    if (width < 200) {
      return;
    }
    var font = (legend.font && legend.font.size) || (layout.font && layout.font.size) || 13;
    font = font + "px " + ((layout.font && layout.font.family) || "sans-serif");
    // The legend starts at the plot's left edge and flows over the plot's width (plotly.js's _maxWidth): the
    // margins are the figure's, widened a little where plotly.js pushes them for the axes' labels.
    var margin = layout.margin || {};
    var plotWidth = width - (margin.l || 80) - (margin.r || 80) - 20;
    var room = width - (margin.l || 80) - LEGEND_SYMBOL_PX - 12;
    var entries = [];
    figure.data.forEach(function (trace) {
      if (!trace.name || trace.showlegend === false) {
        return;
      }
      var lines = wrapText(String(trace.name), room, font);
      trace.name = lines.join("<br>");
      var widest = Math.max.apply(
        null,
        lines.map(function (line) {
          return textWidth(line, font);
        })
      );
      entries.push({ lines: lines.length, width: LEGEND_SYMBOL_PX + widest });
    });
    if (!entries.length) {
      return;
    }
    // As plotly.js lays out a horizontal legend: one row if every entry fits, else a grid of columns as wide
    // as the widest entry, each row as tall as its tallest entry.
    var widths = entries.map(function (entry) {
      return entry.width;
    });
    var combined = widths.reduce(function (a, b) {
      return a + b;
    }, 0);
    var perRow =
      combined < plotWidth ? entries.length : Math.max(1, Math.floor(plotWidth / Math.max.apply(null, widths)));
    var rows = 0;
    for (var start = 0; start < entries.length; start += perRow) {
      rows += Math.max.apply(
        null,
        entries.slice(start, start + perRow).map(function (entry) {
          return entry.lines;
        })
      );
    }
    var outside = legend.orientation === "h" && (legend.y < 0 || legend.y > 1);
    if (outside && rows > LEGEND_ROWS_FITTED) {
      layout.height += (rows - LEGEND_ROWS_FITTED) * LEGEND_LINE_PX;
      layout.legend = Object.assign({}, legend, { maxheight: rows * LEGEND_LINE_PX + 40 });
      div.style.minHeight = layout.height + "px";
    }
  }

  function plainText(text) {
    // Names arrive escaped for plotly.js's HTML subset: measure the characters the reader sees.
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#(x27|39);/g, "'").replace(/&amp;/g, "&");
  }

  function textWidth(text, font) {
    if (!measuring) {
      measuring = document.createElement("canvas").getContext("2d");
    }
    if (!measuring) {
      return plainText(text).length * 8; // no canvas: a wide average per character
    }
    measuring.font = font;
    return measuring.measureText(plainText(text)).width;
  }

  /* Break text at spaces into lines at most maxWidth pixels wide (a longer word stays whole). */
  function wrapText(text, maxWidth, font) {
    if (text.indexOf("<br>") >= 0 || textWidth(text, font) <= maxWidth) {
      return [text];
    }
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      if (line && textWidth(line + " " + word, font) > maxWidth) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  function plot(div, figure) {
    div.textContent = "";
    fitLegend(div, figure);
    // The figure's own axis ranges, before a link's state changes them (a fetched figure is not in the page).
    div.originalAxes = {};
    Object.keys(figure.layout || {}).forEach(function (key) {
      if (AXIS.test(key) && figure.layout[key] && figure.layout[key].range) {
        div.originalAxes[key] = { range: figure.layout[key].range.slice() };
      }
    });
    var state = stateFromHash(div);
    state.hide.forEach(function (index) {
      if (figure.data && figure.data[index]) {
        figure.data[index].visible = "legendonly";
      }
    });
    Object.keys(state.ranges).forEach(function (key) {
      figure.layout[key] = Object.assign({}, figure.layout[key] || {}, { range: state.ranges[key], autorange: false });
    });
    var config = {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["toImage", "sendDataToCloud", "select2d", "lasso2d"],
    };
    return window.Plotly.newPlot(div, figure.data || [], figure.layout, config).then(function () {
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

  function drainQueue() {
    if (!queue.length) {
      queued = false;
      return;
    }
    // One chart per task: no long task blocks the reader's clicks (fetched figures arrive together, so the
    // next chart waits for this one's drawing rather than for a timer alone).
    var next = function () {
      window.setTimeout(drainQueue, 0);
    };
    draw(queue.shift()).then(next, next);
  }

  function schedule(div) {
    if (div.getAttribute("data-figures-url")) {
      // Fetch the page's figures while plotly.js loads, not after.
      figureFor(div).catch(function () {});
    }
    whenPlotly(function () {
      if (queue.indexOf(div) < 0 && !div.getAttribute("data-drawn")) {
        queue.push(div);
      }
      if (!queued) {
        queued = true;
        window.setTimeout(drainQueue, 0);
      }
    });
  }

  // Every trace type plotly.js has beyond bundles/plotly-cartesian.js's (bar, box, heatmap, histogram, scatter).
  var FULL_ONLY_TRACES = /"type":\s*"(scatterpolar|scatterpolargl|barpolar|choropleth|choroplethmap|choroplethmapbox|scattergeo|scattermap|scattermapbox|densitymap|densitymapbox|sunburst|treemap|icicle|sankey|parcoords|parcats|table|indicator|scatter3d|surface|mesh3d|cone|streamtube|isosurface|volume|scattergl|splom|contour|contourcarpet|histogram2d|histogram2dcontour|scatterternary|scattersmith|scattercarpet|carpet|violin|image|pie|funnel|funnelarea|waterfall|candlestick|ohlc)"/;

  function allCharts() {
    return Array.prototype.slice.call(document.querySelectorAll(".chart[data-figure-id]"));
  }

  /* Load plotly.js once (the bundle the page's figures need), then call back. */
  function whenPlotly(callback) {
    if (window.Plotly) {
      callback();
      return;
    }
    if (!plotlyLoading) {
      var self = document.querySelector("script[data-plotly-full]");
      if (!self) {
        return;
      }
      var needsFull = allCharts().some(function (div) {
        var source = document.getElementById(div.getAttribute("data-figure-id"));
        return source && FULL_ONLY_TRACES.test(source.textContent);
      });
      plotlyLoading = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = self.getAttribute(needsFull ? "data-plotly-full" : "data-plotly-cartesian");
        script.onload = resolve;
        document.head.appendChild(script);
      });
    }
    plotlyLoading.then(function () {
      if (window.Plotly) {
        callback(); // plotly.js missing (setup not run): the data tables below each chart still show the figures.
      }
    });
  }

  function plotlyText(text) {
    // Plotly reads a few HTML tags in titles; unit names and sources are text, never markup.
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /* The sources the page itself cites (ranking table, profile table, report list, a page's own list),
   * by title: a downloaded chart names where its figures come from. */
  function pageSources() {
    var seen = [];
    var cells = document.querySelectorAll("main td.source a, main .source-link[title], main ol.sources li, main [data-source-title]");
    Array.prototype.forEach.call(cells, function (element) {
      var text = (element.getAttribute("data-source-title") || element.getAttribute("title") || element.textContent || "").trim();
      if (text && seen.indexOf(text) < 0) {
        seen.push(text);
      }
    });
    return seen.length > 3 ? seen.slice(0, 3).join("; ") + "; …" : seen.join("; ");
  }

  /* The figure for a PNG: the chart as drawn (hidden series stay hidden), with a title, subtitle and source. */
  function captionedFigure(div, button) {
    var figure = { data: div.data, layout: JSON.parse(JSON.stringify(div.layout || {})) };
    var layout = figure.layout;
    var heading = document.querySelector("main h1");
    var title = button.getAttribute("data-title") || "";
    var subtitle = heading ? heading.textContent.trim() : "";
    var sources = button.getAttribute("data-sources") || pageSources();
    var sourceLabel = button.getAttribute("data-source-label") || "Nguồn";
    var footer = sourceLabel + ": " + (sources || document.title) + " · " + window.location.href.split("#")[0];
    layout.title = {
      text: plotlyText(title) + (subtitle && subtitle !== title ? "<br><sup>" + plotlyText(subtitle) + "</sup>" : ""),
      x: 0.02,
      xanchor: "left",
      font: { size: 17 },
    };
    layout.margin = Object.assign({}, layout.margin || {}, { t: 90, b: Math.max((layout.margin || {}).b || 0, 110) });
    layout.annotations = (layout.annotations || []).concat([
      {
        text: plotlyText(footer.length > 180 ? footer.slice(0, 177) + "…" : footer),
        xref: "paper",
        yref: "paper",
        x: 0,
        y: -0.02,
        yshift: -70,
        xanchor: "left",
        yanchor: "top",
        showarrow: false,
        align: "left",
        font: { size: 11, color: "#4a4a4a" },
      },
    ]);
    if (layout.template === undefined && sharedTemplate) {
      layout.template = sharedTemplate;
    }
    return figure;
  }

  function enablePngButton(button) {
    var div = document.getElementById(button.getAttribute("data-chart") + "-plot");
    if (!div) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      whenPlotly(function () {
        draw(div).then(function () {
          if (div.data) {
            savePng(div, button);
          }
        });
      });
    });
  }

  function savePng(div, button) {
    var width = Math.max(div.offsetWidth, 900);
    var height = Math.max(div.offsetHeight, 420) + 160;
    window.Plotly.toImage(captionedFigure(div, button), { format: "png", width: width, height: height }).then(function (url) {
      var link = document.createElement("a");
      link.href = url;
      link.download = (button.getAttribute("data-filename") || button.getAttribute("data-chart")) + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  function enableCopyButton(button) {
    var div = document.getElementById(button.getAttribute("data-chart") + "-plot");
    if (!div) {
      return;
    }
    button.hidden = false;
    var status = document.createElement("span");
    status.className = "chart-copied";
    status.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", status);
    button.addEventListener("click", function () {
      var url = window.location.href.split("#")[0] + stateHash(div);
      var done = function () {
        status.textContent = button.getAttribute("data-copied") || "✓";
      };
      var fallback = function () {
        // No clipboard (an http address): show the link, selected, for the reader to copy.
        var input = document.createElement("input");
        input.type = "text";
        input.readOnly = true;
        input.value = url;
        input.className = "chart-link";
        input.setAttribute("aria-label", button.textContent);
        status.textContent = "";
        status.appendChild(input);
        input.select();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  function scriptData(name) {
    var self = document.querySelector("script[data-plotly-full]");
    return (self && self.getAttribute(name)) || "";
  }

  /* Fetch the data table of an on-demand <details> the first time it is opened. */
  function enableTableOnDemand(details) {
    var body = details.querySelector(".chart-data-body");
    if (!body || !window.fetch) {
      return; // the CSV link stays: it holds the same figures
    }
    var loading = null;
    details.addEventListener("toggle", function () {
      if (!details.open || loading) {
        return;
      }
      var fallback = body.innerHTML;
      details.setAttribute("aria-busy", "true");
      var status = document.createElement("p");
      status.className = "muted";
      status.textContent = scriptData("data-table-loading") || "…";
      body.insertBefore(status, body.firstChild);
      loading = window
        .fetch(details.getAttribute("data-table-url"), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          // The page's own server renders the fragment with Django's escaping; it holds no script.
          body.innerHTML = html;
        })
        .catch(function () {
          body.innerHTML = fallback;
          var failed = document.createElement("p");
          failed.className = "notice";
          failed.setAttribute("role", "alert");
          failed.textContent = scriptData("data-table-failed");
          body.insertBefore(failed, body.firstChild);
          loading = null; // opening it again tries again
        })
        .then(function () {
          details.removeAttribute("aria-busy");
        });
    });
  }

  function sizeForPrint() {
    whenPlotly(function () {
      allCharts().forEach(function (div) {
        draw(div).then(function () {
          if (div.data) {
            window.Plotly.relayout(div, { width: PRINT_WIDTH });
          }
        });
      });
    });
  }

  function sizeForScreen() {
    if (!window.Plotly) {
      return;
    }
    allCharts().forEach(function (div) {
      if (div.getAttribute("data-drawn")) {
        window.Plotly.relayout(div, { width: null, autosize: true });
      }
    });
  }

  function start() {
    var charts = allCharts();
    var template = document.getElementById("plotly-template");
    sharedTemplate = template ? JSON.parse(template.textContent) : null;
    Array.prototype.forEach.call(document.querySelectorAll("button.chart-png[data-chart]"), enablePngButton);
    Array.prototype.forEach.call(document.querySelectorAll("button.chart-link-copy[data-chart]"), enableCopyButton);
    Array.prototype.forEach.call(document.querySelectorAll("details.chart-data[data-table-url]"), enableTableOnDemand);
    if (!charts.length) {
      return;
    }
    // A link with a chart's state ("#ID-block~…") names no element: scroll to the chart ourselves.
    var target = document.getElementById(window.location.hash.replace(/^#/, "").split("~")[0]);
    if (target && window.location.hash.indexOf("~") > 0) {
      target.scrollIntoView();
    }
    window.addEventListener("beforeprint", sizeForPrint);
    window.addEventListener("afterprint", sizeForScreen);
    if (!("IntersectionObserver" in window)) {
      charts.forEach(schedule);
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            schedule(entry.target);
          }
        });
      },
      { rootMargin: "300px 0px" }
    );
    charts.forEach(function (div) {
      observer.observe(div);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
