import { createHash } from 'node:crypto';

/**
 * The web interface's only stylesheet and script. They live in a module rather than in files so
 * that `tsx` and a compiled build serve the same bytes without a copy step or a bundler.
 */
export const APP_CSS = `
:root { --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#ffffff; --panel:#f6f8fa; --accent:#0b5cad; --focus:#ffbf47;
  --ok:#1a7f37; --watch:#9a6700; --over:#cf222e; --draft:#57606a; --approved:#0b5cad; --invoiced:#1a7f37; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; font-size: 15px; color: var(--fg); background: var(--bg); }
body { margin: 0; line-height: 1.45; }
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px #1b1f24; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--fg); color: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1rem; padding: .5rem 1.5rem; background: #0d2a4a; color: #fff; font-size: .94rem; }
header.top a { color: #fff; }
.brand .logo { font-weight: 700; letter-spacing: .02em; }
.brand .muni { opacity: .85; margin-left: .4rem; }
header nav ul { display: flex; flex-wrap: wrap; gap: .1rem; list-style: none; margin: 0; padding: 0; }
header nav a { display: block; padding: .3rem .55rem; border-radius: 4px; text-decoration: none; }
header nav a[aria-current="page"] { background: #fff; color: #0d2a4a; font-weight: 600; }
header nav a:hover { background: rgba(255,255,255,.15); }
header .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; }
header .who button.link { color: #fff; }
main { padding: 1rem 1.5rem 3rem; max-width: 1400px; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .5rem; }
p.help, .muted { color: var(--muted); }
p.help { margin-top: -.3rem; max-width: 70rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .93rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { padding: .35rem .55rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--panel); border-bottom: 2px solid var(--line); }
tbody th[scope="rowgroup"] { background: #eef3f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.invoices tbody th, table.invoices td:nth-child(5), table.invoices td:nth-child(6) { white-space: nowrap; }
tfoot td, tfoot th { font-weight: 600; border-top: 2px solid var(--line); }
.table-wrap { overflow-x: auto; }
ul.reasons { margin: 0; padding-left: 1.1rem; }
ul.reasons li { margin: 0; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .82rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge.draft { color: var(--draft); } .badge.approved { color: var(--approved); } .badge.invoiced { color: var(--invoiced); }
.badge.ok { color: var(--ok); } .badge.watch { color: var(--watch); } .badge.over { color: var(--over); }
.badge.no_price, .badge.no_budget { color: var(--muted); }
.badge.accepted { color: var(--ok); } .badge.rejected { color: var(--over); } .badge.open { color: var(--watch); }
form.inline { display: inline; }
form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .6rem 1rem; margin: 0 0 1rem; padding: .7rem .9rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
form.filters label, form.stack label { display: flex; flex-direction: column; font-size: .88rem; font-weight: 600; gap: .2rem; }
form.stack { display: grid; gap: .8rem; max-width: 28rem; }
input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; color: var(--fg); }
button { font: inherit; padding: .38rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.link { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; }
button[disabled] { opacity: .6; cursor: progress; }
td.actions { white-space: nowrap; }
td.actions > * + * { margin-left: .35rem; }
.flash { padding: .6rem .9rem; border-radius: 6px; border: 1px solid; max-width: 70rem; }
.flash.ok { background: #dafbe1; border-color: #4ac26b; }
.flash.error { background: #ffebe9; border-color: #ff8182; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: .5rem 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; min-width: 11rem; background: var(--panel); }
.card .label { font-size: .82rem; color: var(--muted); }
.card .value { font-size: 1.25rem; font-weight: 650; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
figure.chart { margin: .5rem 0 1rem; }
figure.chart svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figure.chart figcaption { color: var(--muted); font-size: .88rem; }
.progress { display: flex; align-items: center; gap: .8rem; margin: .6rem 0; }
.progress[hidden] { display: none; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 0 2rem; }
.pager { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; }
.login { max-width: 60rem; margin: 3rem auto; padding: 0 1.5rem; }
.login .grid2 section { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
form.stack fieldset label { flex-direction: row; align-items: center; font-weight: 400; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; }
@media print { header.top, .skip, form { display: none; } }
`;

/**
 * Progress for long actions, nothing else. A form with data-progress is sent with fetch; the
 * server streams one JSON line per settled provider and a final line with the page to go to.
 * A form with data-busy disables its button and says "working" while the browser waits.
 * Without JavaScript every form still works as a plain form.
 */
export const APP_JS = `
(function () {
  'use strict';
  function busy(form) {
    var button = form.querySelector('button[type=submit], button:not([type])');
    if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
    var status = form.querySelector('[data-status]');
    if (status) status.textContent = status.getAttribute('data-working') || '';
  }
  // A "select all" box ticks every box of its form with the name it names.
  document.addEventListener('change', function (e) {
    var box = e.target;
    if (!(box instanceof HTMLInputElement) || !box.hasAttribute('data-select-all') || !box.form) return;
    var boxes = box.form.querySelectorAll('input[type=checkbox][name="' + box.getAttribute('data-select-all') + '"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = box.checked;
  });
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.hasAttribute('data-busy')) { setTimeout(function () { busy(form); }, 0); return; }
    if (!form.hasAttribute('data-progress') || !window.fetch || !window.TextDecoder) return;
    e.preventDefault();
    busy(form);
    var box = document.getElementById(form.getAttribute('data-progress'));
    var bar = box && box.querySelector('progress');
    var text = box && box.querySelector('[data-status]');
    if (box) box.hidden = false;
    fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { 'x-carepay-progress': '1' },
      credentials: 'same-origin'
    }).then(function (res) {
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffered = '';
      var redirected = false;
      function handle(line) {
        if (!line) return;
        var m = JSON.parse(line);
        if (m.redirect) { redirected = true; window.location.assign(m.redirect); return; }
        if (bar && m.total) { bar.max = m.total; bar.value = m.done; }
        if (text && m.text) text.textContent = m.text;
      }
      function pump() {
        return reader.read().then(function (r) {
          buffered += decoder.decode(r.value || new Uint8Array(), { stream: !r.done });
          var lines = buffered.split('\\n');
          buffered = lines.pop();
          lines.forEach(handle);
          if (r.done) {
            handle(buffered);
            // The server always ends with where to go; if it could not, show the page as it is now.
            if (!redirected) window.location.assign(window.location.href);
            return;
          }
          return pump();
        });
      }
      return pump();
    }).catch(function () { form.submit(); });
  });
})();
`;

const etag = (s: string) => `"${createHash('sha256').update(s).digest('base64url').slice(0, 16)}"`;
export const ASSETS = {
  'app.css': { type: 'text/css; charset=utf-8', body: APP_CSS, etag: etag(APP_CSS) },
  'app.js': { type: 'text/javascript; charset=utf-8', body: APP_JS, etag: etag(APP_JS) },
} as const;
