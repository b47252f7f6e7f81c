// Destill dashboard: keyboard navigation, copy buttons, charts. Loaded from /assets/ (the page's
// Content-Security-Policy allows no inline script and no eval). Everything here is an addition:
// the pages work without it.
(function () {
  'use strict';

  var root = document.documentElement;
  // Counted so that a test (or a curious operator) can see that the policy held nothing back.
  document.addEventListener('securitypolicyviolation', function () {
    root.dataset.cspViolations = String(Number(root.dataset.cspViolations || 0) + 1);
  });

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll('li.finding, tr.row, li.print'));
  }

  function currentIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].classList.contains('current')) {
        return i;
      }
    }
    return -1;
  }

  function select(i) {
    var list = items();
    if (list.length === 0) {
      return;
    }
    i = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (el) {
      el.classList.remove('current');
    });
    var el = list[i];
    el.classList.add('current');
    selected = el.dataset.href || el.id || null;
    var link = el.tagName === 'TR' ? el.querySelector('a.title') : null;
    (link || el).focus();
    el.scrollIntoView({ block: 'nearest' });
  }

  // What is selected, by its link (a row) or id (a finding): the live list re-renders its rows,
  // and the selection must outlive that.
  var selected = null;

  function reselect() {
    if (!selected || current()) {
      return;
    }
    var list = items();
    for (var i = 0; i < list.length; i++) {
      if ((list[i].dataset.href || list[i].id) === selected) {
        var focusLost = document.activeElement === document.body || !document.activeElement;
        list[i].classList.add('current');
        if (focusLost) {
          var link = list[i].tagName === 'TR' ? list[i].querySelector('a.title') : null;
          (link || list[i]).focus();
        }
        return;
      }
    }
  }

  document.addEventListener('htmx:afterSettle', reselect);

  function current() {
    var list = items();
    var i = currentIndex(list);
    return i < 0 ? null : list[i];
  }

  function safeUrl(u) {
    return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null;
  }

  function openCi() {
    var el = current();
    var url = el && safeUrl(el.dataset.ci);
    if (!url) {
      var a = document.querySelector('a.ci');
      url = a && safeUrl(a.href);
    }
    if (url) {
      window.open(url, '_blank', 'noopener,noreferrer');
    }
  }

  function linesOf(id) {
    var block = document.getElementById(id);
    if (!block) {
      return '';
    }
    var parts = [];
    block.querySelectorAll('.t').forEach(function (t) {
      parts.push(t.textContent);
    });
    return parts.join('\n');
  }

  function copyText(text, button) {
    function done(ok) {
      if (button) {
        var was = button.dataset.label || button.textContent;
        button.dataset.label = was;
        button.textContent = ok ? 'Copied' : 'Copy failed';
        setTimeout(function () {
          button.textContent = was;
        }, 1500);
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        done(true);
      }, function () {
        done(false);
      });
      return;
    }
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'sr-only';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    done(ok);
  }

  function copyCurrent() {
    var el = current();
    var b = el && el.querySelector('button.copy');
    if (b) {
      copyText(linesOf(b.dataset.copy), b);
    }
  }

  function toggleContext() {
    var el = current();
    var d = el && el.querySelector('details.context');
    if (d) {
      d.open = !d.open;
      return true;
    }
    return false;
  }

  function help() {
    var d = document.getElementById('keys');
    if (d && !d.open) {
      d.showModal();
    }
  }

  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button.copy');
    if (b) {
      copyText(linesOf(b.dataset.copy), b);
    }
    var l = e.target.closest && e.target.closest('button.copy-link');
    if (l) {
      copyText(location.origin + location.pathname + location.search + '#' + l.dataset.anchor, l);
    }
    var h = e.target.closest && e.target.closest('button.help-open');
    if (h) {
      help();
    }
  });

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    var t = e.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' ||
      t.isContentEditable);
    if (typing) {
      if (e.key === 'Escape') {
        t.blur();
      }
      return;
    }
    var list = items();
    switch (e.key) {
      case 'j':
        select(currentIndex(list) + 1);
        break;
      case 'k':
        select(currentIndex(list) < 0 ? 0 : currentIndex(list) - 1);
        break;
      case 'g':
        select(0);
        break;
      case 'G':
        select(list.length - 1);
        break;
      case 'o':
        openCi();
        break;
      case 'y':
        copyCurrent();
        break;
      case 'Enter':
        if (t && t.classList && t.classList.contains('finding')) {
          if (!toggleContext()) {
            return;
          }
          break;
        }
        var row = current();
        if (row && row.tagName === 'TR' && !(t && t.tagName === 'A')) {
          // The selected row, even when a live update took the focus from its link.
          var a = row.querySelector('a.title');
          if (a) {
            location.assign(a.href);
            break;
          }
        }
        return;
      case '/':
        var s = document.getElementById('search');
        if (!s) {
          return;
        }
        s.focus();
        s.select();
        break;
      case '?':
        help();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  function palette() {
    var cs = getComputedStyle(root);
    return {
      fg: cs.getPropertyValue('--fg').trim() || '#1a1a1a',
      muted: cs.getPropertyValue('--muted').trim() || '#555',
      accent: cs.getPropertyValue('--accent').trim() || '#0b57d0',
      grid: cs.getPropertyValue('--grid').trim() || '#ddd'
    };
  }

  function drawCharts() {
    if (typeof window.uPlot !== 'function') {
      return;
    }
    var colors = palette();
    document.querySelectorAll('.chart[data-days]').forEach(function (el) {
      var days = JSON.parse(el.dataset.days);
      var counts = JSON.parse(el.dataset.counts);
      var xs = days.map(function (d) {
        return Date.parse(d + 'T00:00:00Z') / 1000;
      });
      var width = Math.max(240, el.clientWidth || 600);
      if (el.chart) {
        el.chart.destroy();
      }
      el.chart = new window.uPlot({
        width: width,
        height: 140,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: [0, Math.max(1, Math.max.apply(null, counts))] } },
        axes: [
          { stroke: colors.muted, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } },
          { stroke: colors.muted, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid },
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }
        ],
        series: [
          {},
          { label: 'builds', stroke: colors.accent, fill: colors.accent, width: 0,
            paths: window.uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }
        ]
      }, [xs, counts], el);
      el.dataset.drawn = 'true';
    });
  }

  // The stats page: lines and errors of one source per bucket.
  function drawStats() {
    if (typeof window.uPlot !== 'function') {
      return;
    }
    var colors = palette();
    var cs = getComputedStyle(root);
    var bad = cs.getPropertyValue('--bad').trim() || '#b3261e';
    document.querySelectorAll('.stats-chart[data-xs]').forEach(function (el) {
      var xs = JSON.parse(el.dataset.xs);
      var lines = JSON.parse(el.dataset.lines);
      var errors = JSON.parse(el.dataset.errors);
      if (el.chart) {
        el.chart.destroy();
      }
      el.chart = new window.uPlot({
        width: Math.max(240, el.clientWidth || 600),
        height: 160,
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: [
          { stroke: colors.muted, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } },
          { stroke: colors.muted, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } }
        ],
        series: [
          {},
          { label: 'lines', stroke: colors.accent, width: 2, points: { show: false } },
          { label: 'errors', stroke: bad, width: 2, points: { show: false } }
        ]
      }, [xs, lines, errors], el);
      el.dataset.drawn = 'true';
    });
  }

  // A permalink (#finding-ID) selects its finding, on load and when the anchor changes.
  function selectAnchor() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.classList.contains('finding')) {
      select(items().indexOf(target));
    }
  }

  function start() {
    var b = document.querySelector('button.help-open');
    if (b) {
      b.hidden = false;
    }
    selectAnchor();
    window.addEventListener('hashchange', selectAnchor);
    drawCharts();
    drawStats();
    var timer = null;
    window.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        drawCharts();
        drawStats();
      }, 200);
    });
    // A live update replaces the rows: the selected one stays selected (and focused).
    var kept = null;
    document.body.addEventListener('htmx:sseBeforeMessage', function () {
      var el = current();
      kept = el && el.tagName === 'TR' ? {
        href: el.dataset.href,
        focused: el.contains(document.activeElement)
      } : null;
    });
    document.body.addEventListener('htmx:sseMessage', function () {
      if (kept) {
        var rows = document.querySelectorAll('tr.row');
        for (var i = 0; i < rows.length; i++) {
          if (rows[i].dataset.href === kept.href) {
            rows[i].classList.add('current');
            if (kept.focused) {
              var a = rows[i].querySelector('a.title');
              if (a) {
                a.focus();
              }
            }
          }
        }
        kept = null;
      }
      var live = document.getElementById('live');
      if (live) {
        live.textContent = 'Live: updated ' + new Date().toLocaleTimeString() + '.';
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
