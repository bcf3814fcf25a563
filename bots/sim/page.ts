import { t, type Locale } from "../../src/i18n/index.js";

/** Text for an HTML element or attribute. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * GET /sim: a small self-contained page to chat as a simulated resident, its text from the catalogue. The
 * script is served from /sim/app.js (the Content-Security-Policy allows scripts from the same origin only,
 * no inline script).
 */
export function simPage(locale: Locale = "vi"): string {
  const m = (key: Parameters<typeof t>[1]) => escapeHtml(t(locale, key));
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${m("sim.title")}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #eef1f5; }
  header { background: #1f4e79; color: #fff; padding: .6rem 1rem; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
  header input { padding: .3rem; border-radius: 4px; border: 0; }
  main { max-width: 42rem; margin: 0 auto; padding: 1rem; padding-bottom: 6rem; }
  .msg { margin: .4rem 0; padding: .5rem .7rem; border-radius: 8px; white-space: pre-wrap; max-width: 85%; }
  .in { background: #fff; }
  .out { background: #d9fdd3; margin-left: auto; }
  .kind { font-size: .7rem; color: #777; }
  .buttons { display: flex; flex-direction: column; gap: .25rem; margin-top: .4rem; }
  .buttons button, .buttons a { padding: .35rem; border: 1px solid #1f4e79; border-radius: 5px; background: #f5f9ff; color: #1f4e79; cursor: pointer; text-align: center; text-decoration: none; font: inherit; }
  form { position: fixed; bottom: 0; left: 0; right: 0; display: flex; gap: .5rem; padding: .7rem; background: #fff; border-top: 1px solid #ccc; }
  form input { flex: 1; padding: .5rem; font-size: 1rem; }
  form button { padding: .5rem 1rem; font-size: 1rem; }
  #hint { color: #555; font-size: .85rem; }
</style>
</head>
<body>
<header>
  <strong>${m("sim.heading")}</strong>
  <label>${m("sim.userLabel")} <input id="user" size="16" autocomplete="off"></label>
  <span id="hint">${m("sim.hint")}</span>
</header>
<main id="log" aria-live="polite"></main>
<form id="form">
  <input id="text" autocomplete="off" placeholder="${m("sim.placeholder")}" maxlength="10000">
  <button type="submit">${m("sim.send")}</button>
</form>
<script src="/sim/app.js"></script>
</body>
</html>
`;
}

export const simScript = `"use strict";
(function () {
  var userBox = document.getElementById("user");
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("text");
  var stored = localStorage.getItem("gopy-sim-user");
  userBox.value = stored || "dan-" + Math.random().toString(36).slice(2, 8);
  var mine = [];
  var inbox = [];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render() {
    var items = mine.map(function (m) { return { at: m.at, out: true, m: m }; })
      .concat(inbox.map(function (m) { return { at: m.at, out: false, m: m }; }))
      .sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
    log.textContent = "";
    items.forEach(function (it) {
      var box = el("div", "msg " + (it.out ? "out" : "in"));
      if (!it.out) box.appendChild(el("div", "kind", it.m.kind));
      box.appendChild(el("div", "", it.m.text));
      if (!it.out && it.m.buttons && it.m.buttons.length) {
        var bs = el("div", "buttons");
        it.m.buttons.forEach(function (b) {
          if (b.url) {
            var a = el("a", "", b.label);
            a.href = b.url; a.target = "_blank"; a.rel = "noopener";
            bs.appendChild(a);
          } else {
            var btn = el("button", "", b.label);
            btn.type = "button";
            btn.addEventListener("click", function () { send({ action: b.action }, "[" + b.label + "]"); });
            bs.appendChild(btn);
          }
        });
        box.appendChild(bs);
      }
      log.appendChild(box);
    });
    window.scrollTo(0, document.body.scrollHeight);
  }

  function poll() {
    var id = userBox.value.trim();
    if (!id) return Promise.resolve();
    return fetch("/sim/inbox/" + encodeURIComponent(id)).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
      if (j && j.messages && j.messages.length !== inbox.length) { inbox = j.messages; render(); }
    }).catch(function () {});
  }

  function send(payload, shown) {
    var id = userBox.value.trim();
    localStorage.setItem("gopy-sim-user", id);
    payload.userId = id;
    mine.push({ at: new Date().toISOString(), text: shown });
    render();
    return fetch("/sim/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) })
      .then(function (r) { return r.json(); })
      .then(function (j) { if (j && j.detail) { mine.push({ at: new Date().toISOString(), text: "⚠ " + j.detail }); render(); } })
      .then(function () { return new Promise(function (res) { setTimeout(res, 150); }); })
      .then(poll);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    send({ text: text }, text);
  });
  userBox.addEventListener("change", function () { mine = []; inbox = []; render(); poll(); });
  setInterval(poll, 1500);
  poll();
})();
`;
