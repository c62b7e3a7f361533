/**
 * The page's script, inlined (the report works from disk, offline). Plain ES2017 in a string: it
 * runs in the browser, not in Node, and must not depend on a bundler.
 *
 * - Search box per log: marks matching lines, Enter/Shift+Enter walks matches, "only matching".
 * - Line anchors: `#serial-2-L120` selects a line, `#serial-2-L115-L125` a range (the links from a
 *   failed check); the log's <details> opens and the line scrolls into view.
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  function escHtml(s) { return s.replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }

  function setupLog(box) {
    var input = box.querySelector('.log-search');
    var count = box.querySelector('.log-count');
    var only = box.querySelector('.log-only');
    var pre = box.querySelector('pre.logbody');
    if (!input || !pre) return;
    var lines = Array.prototype.slice.call(pre.querySelectorAll('.ln'));
    var hits = [];
    var cur = -1;
    function clear() {
      hits.forEach(function (ln) { ln.classList.remove('hit', 'cur'); var t = ln.querySelector('.t'); t.textContent = t.textContent; });
      hits = []; cur = -1;
    }
    function run() {
      clear();
      var q = input.value;
      if (!q) { count.textContent = ''; pre.classList.remove('only'); return; }
      var lq = q.toLowerCase();
      lines.forEach(function (ln) {
        var t = ln.querySelector('.t');
        var text = t.textContent;
        var lt = text.toLowerCase();
        if (lt.indexOf(lq) < 0) return;
        var out = '', i = 0, j;
        while ((j = lt.indexOf(lq, i)) >= 0) { out += escHtml(text.slice(i, j)) + '<mark>' + escHtml(text.slice(j, j + q.length)) + '</mark>'; i = j + q.length; }
        t.innerHTML = out + escHtml(text.slice(i));
        ln.classList.add('hit');
        hits.push(ln);
      });
      pre.classList.toggle('only', !!only && only.checked);
      count.textContent = hits.length ? hits.length + ' match' + (hits.length > 1 ? 'es' : '') : 'no match';
      if (hits.length) go(0);
    }
    function go(i) {
      if (!hits.length) return;
      if (cur >= 0 && hits[cur]) hits[cur].classList.remove('cur');
      cur = (i + hits.length) % hits.length;
      hits[cur].classList.add('cur');
      count.textContent = (cur + 1) + ' / ' + hits.length;
      scrollInto(pre, hits[cur]);
    }
    var timer = 0;
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 80); });
    input.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      clearTimeout(timer);
      if (!hits.length && input.value) run(); else go(cur + (e.shiftKey ? -1 : 1));
    });
    if (only) only.addEventListener('change', function () { pre.classList.toggle('only', only.checked && !!input.value); });
  }

  // Scrolls the log box (not the page) so the line sits a third down, then the box into view.
  function scrollInto(pre, ln) {
    pre.scrollTop = ln.offsetTop - pre.offsetTop - pre.clientHeight / 3;
  }

  function applyHash() {
    document.querySelectorAll('.ln.sel, .ln.focus').forEach(function (el) { el.classList.remove('sel', 'focus'); });
    var h = decodeURIComponent(location.hash.slice(1));
    if (!h) return;
    var m = /^(.+?)-L(\d+)(?:-L(\d+))?$/.exec(h);
    var target = document.getElementById(m ? m[1] + '-L' + m[2] : h);
    if (!target) return;
    var d = target.closest('details');
    if (d) d.open = true;
    if (m) {
      var from = +m[2], to = m[3] ? +m[3] : from;
      var focusLine = null;
      var link = document.querySelector('a.loglink[href="#' + CSS.escape(h) + '"]');
      if (link && link.dataset.focus) focusLine = document.getElementById(link.dataset.focus);
      for (var n = from; n <= to; n++) { var el = document.getElementById(m[1] + '-L' + n); if (el) el.classList.add('sel'); }
      if (focusLine) focusLine.classList.add('focus');
      var first = focusLine || target;
      var pre = first.closest('pre');
      if (pre) { (first.closest('details') || pre).scrollIntoView({ block: 'start' }); scrollInto(pre, first); }
    } else {
      target.scrollIntoView({ block: 'start' });
    }
  }

  document.querySelectorAll('details.log').forEach(setupLog);
  window.addEventListener('hashchange', applyHash);
  applyHash();
})();
`;
