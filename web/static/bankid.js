/* global document, window, fetch, setInterval, setTimeout, clearInterval */
// The BankID waiting page: a new QR image every second (computed on the server, where the
// qrStartSecret stays), the order's status about every 2 s, and on to the next page when done.
(function () {
  var box = document.getElementById('bankid');
  if (!box) return;
  var message = document.getElementById('bankid-message');
  var qr = document.getElementById('qr');
  var autostart = document.getElementById('autostart');
  var check = document.getElementById('check-status');
  if (check) check.classList.add('hidden');
  var autoStarted = false;
  var stopped = false;
  if (autostart) {
    autostart.addEventListener('click', function () {
      autoStarted = true;
    });
  }
  var qrTimer = qr
    ? setInterval(function () {
        if (!stopped) qr.src = '/bankid/qr.svg?t=' + Date.now();
      }, 1000)
    : null;
  function poll() {
    if (stopped) return;
    fetch(box.getAttribute('data-status-url') + (autoStarted ? '?autostart=1' : ''), {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (s) {
        if (s.message && message.textContent !== s.message) message.textContent = s.message;
        if (s.state === 'complete') {
          stopped = true;
          window.location.assign(s.redirect);
        } else if (s.state === 'failed' || s.state === 'none') {
          stopped = true;
          if (qrTimer) clearInterval(qrTimer);
          window.location.assign('/bankid');
        } else {
          setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        setTimeout(poll, 2000);
      });
  }
  setTimeout(poll, 1000);
})();
