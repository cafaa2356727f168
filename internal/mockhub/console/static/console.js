// mockhub console: keeps #live current without a reload, and sends the fault
// form without leaving the page. Without JavaScript the page still works: the
// forms post and the server redirects back.
(function () {
  'use strict';
  var live = document.getElementById('live');
  var dot = document.getElementById('live-status');
  if (!live) return;
  var org = live.dataset.org;
  var version = live.dataset.version;
  var busy = false;

  function setLive(ok) {
    dot.textContent = ok ? 'live' : 'offline';
    dot.classList.toggle('offline', !ok);
  }

  function refresh() {
    if (busy) return Promise.resolve();
    busy = true;
    var u = '/_mock/console/live?org=' + encodeURIComponent(org) + '&since=' + encodeURIComponent(version);
    return fetch(u, { cache: 'no-store' }).then(function (r) {
      if (r.status === 204) { setLive(true); return; }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      var v = r.headers.get('X-Console-Version');
      return r.text().then(function (html) {
        // Keep open what the reader opened.
        var open = {};
        live.querySelectorAll('details[open][data-key]').forEach(function (d) { open[d.dataset.key] = true; });
        live.innerHTML = html;
        live.querySelectorAll('details[data-key]').forEach(function (d) { if (open[d.dataset.key]) d.open = true; });
        if (v) { version = v; live.dataset.version = v; }
        setLive(true);
      });
    }).catch(function () { setLive(false); }).finally(function () { busy = false; });
  }
  setInterval(refresh, 1000);

  var pick = document.querySelector('.orgpick select');
  if (pick) pick.addEventListener('change', function () { pick.form.submit(); });

  var form = document.getElementById('faultform');
  var result = document.getElementById('fault-result');
  if (form) form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var body = new URLSearchParams(new FormData(form, ev.submitter));
    fetch(form.getAttribute('action'), { method: 'POST', body: body, headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        return r.text().then(function (t) {
          result.classList.toggle('error', !r.ok);
          result.textContent = r.ok ? (body.get('action') === 'clear' ? 'Faults cleared.' : 'Faults set.') : t.trim();
          if (r.ok && body.get('action') === 'clear') {
            form.querySelectorAll('input[type=number]').forEach(function (i) { i.value = ''; });
            form.querySelectorAll('select[multiple] option').forEach(function (o) { o.selected = false; });
            form.elements.fail_status.value = '503';
          }
          return refresh();
        });
      })
      .catch(function (e) { result.classList.add('error'); result.textContent = 'Could not reach mockhub: ' + e.message; });
  });
})();
