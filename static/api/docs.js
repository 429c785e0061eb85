// Boot Swagger UI on the API documentation page (a file, not an inline script: the site's CSP is script-src 'self').
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    // Only reads are tried from the page; writes need a staff token and are documented in docs/api.md.
    supportedSubmitMethods: ["get"],
  });
});
