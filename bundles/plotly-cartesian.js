/* The plotly.js bundle of the site's charts, built at setup with esbuild from plotly.js's own modules
 * (Makefile: static/vendor/plotly-cartesian.min.js): plotly.js's core, which holds scatter, and the other
 * trace types the server's figures use. plotly.js's prebuilt cartesian bundle also holds contour, the 2-D
 * histograms, ternary, violin, image, pie and the world calendars, which no figure uses; evaluating it was
 * the longest task of a page with a chart (bench/RESULTS.md, browser). A page whose figures need any other
 * trace type loads the full prebuilt bundle instead (static/reports/charts.js, FULL_ONLY_TRACES). */
var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/box"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/histogram"),
]);

module.exports = Plotly;
