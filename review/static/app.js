// ecomwatch review UI: the only script besides htmx. No inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";
  // A session that timed out answers HTMX requests with 401: go to the login page, then come back.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 401) {
      window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search));
    }
  });
})();
