// Starts Swagger UI on /api/docs (kept out of the page: the CSP allows no inline script).
(function () {
  var el = document.getElementById("swagger-ui");
  var csrf = el.getAttribute("data-csrf");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (req) {
      // Calls made with the browser session need the CSRF token; bearer-token calls do not.
      if (!req.headers.Authorization) { req.headers["X-CSRFToken"] = csrf; }
      return req;
    }
  });
})();
