/* global document, window, fetch */
// "Förmedlade avtal": the lists are fetched again every few seconds and swapped in place when they
// changed, so a status moves (NOT_STARTED → STARTED → SUBMITTED) without a reload.
(function () {
  var box = document.querySelector('[data-refresh]');
  if (!box || !window.fetch) return;
  var url = box.getAttribute('data-refresh');
  var last = box.innerHTML;
  function refresh() {
    fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html !== null && html !== last) {
          box.innerHTML = html;
          last = html;
        }
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(refresh, 2000);
      });
  }
  window.setTimeout(refresh, 2000);
})();
