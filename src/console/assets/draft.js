/* A draft's page: actions through /api/v1, live broadcast progress, charts (echarts served by the service), comments with moderation. */
(function () {
  "use strict";
  var G = window.Gopy;
  var root = document.getElementById("draft-page");
  if (!root) return;
  var id = root.getAttribute("data-id");
  var canWrite = !!root.getAttribute("data-can-write");
  var offset = root.getAttribute("data-offset") || "+00:00";
  var byId = function (x) { return document.getElementById(x); };
  var charts = {};

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function table(head, rows, label) {
    return el("table", { class: "list", "aria-label": label || "" }, [
      head ? el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col", text: h }); }))]) : null,
      el("tbody", {}, rows.map(function (r) { return el("tr", {}, r.map(function (c) { return el("td", { text: String(c) }); })); })),
    ]);
  }
  function chart(key, container, option) {
    if (!window.echarts) return;
    var c = charts[key];
    if (!c || c.getDom() !== container) { c = window.echarts.init(container, null, { renderer: "canvas" }); charts[key] = c; }
    c.setOption(option, true);
  }

  // Actions: the API's answers are shown beside the fields.
  function act(method, path, body, form) {
    var general = byId("action-error");
    G.clearErrors(form);
    G.say(general, "");
    return G.api(method, path, body).then(function (r) {
      if (!r.ok) { G.showProblem(form, r.body, general); return; }
      G.say(byId("action-status"), G.text("console.draft.done"));
      location.reload();
    });
  }
  var publishForm = byId("publish-form");
  if (publishForm) publishForm.addEventListener("submit", function (e) { e.preventDefault(); act("POST", "/api/v1/drafts/" + id + "/publish", {}, publishForm.parentElement); });
  var extendForm = byId("extend-form");
  if (extendForm) extendForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var v = byId("extendTo").value;
    act("PATCH", "/api/v1/drafts/" + id, { commentClosesAt: (v.length === 16 ? v + ":00" : v) + offset }, extendForm);
  });
  var closeForm = byId("close-form");
  if (closeForm) closeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var reason = byId("closeReason").value.trim();
    act("POST", "/api/v1/drafts/" + id + "/close", reason ? { reason: reason } : {}, closeForm);
  });

  // Broadcast progress per channel, until every broadcast is finished.
  function renderBroadcasts(items) {
    var box = byId("broadcasts");
    if (!items.length) return false;
    box.textContent = "";
    items.forEach(function (b) {
      if (!b.total) return;
      var kind = G.text("console.broadcasts.kind." + b.kind);
      var channels = b.byChannel.length ? b.byChannel : [{ channel: "—", counts: b.counts }];
      channels.forEach(function (ch) {
        var c = ch.counts;
        var total = Object.keys(c).reduce(function (s, k) { return s + c[k]; }, 0);
        var done = (c.sent || 0) + (c.failed || 0) + (c.outside_window || 0);
        var pct = total ? Math.round((done / total) * 100) : 100;
        var label = G.text("console.broadcasts.progress", { kind: kind, channel: ch.channel, done: done, total: total, percent: pct });
        var pid = "bc-" + b.id + "-" + ch.channel;
        box.appendChild(el("div", { class: "progress-row" }, [
          el("label", { for: pid, text: label }),
          el("progress", { id: pid, max: "100", value: String(pct), "data-kind": b.kind, "data-channel": ch.channel, "data-percent": String(pct) }),
        ]));
      });
    });
    return items.every(function (b) { return b.finished; });
  }
  function pollBroadcasts() {
    G.api("GET", "/api/v1/drafts/" + id + "/broadcasts").then(function (r) {
      var moving = r.ok && r.body.items.length > 0 && !renderBroadcasts(r.body.items);
      setTimeout(pollBroadcasts, moving ? 1000 : 10000);
    });
  }

  // Tallies, participation, online and offline figures.
  function numbers(obj) {
    return Object.keys(obj || {}).filter(function (k) { return typeof obj[k] === "number"; }).map(function (k) { return [k, obj[k]]; });
  }
  function renderStats(s) {
    var tallies = byId("tallies");
    s.questions.forEach(function (q, i) {
      var boxId = "q-chart-" + i;
      var box = byId(boxId);
      if (!box) {
        tallies.appendChild(el("h3", { text: G.text("console.stats.question", { n: q.number, text: q.text }) }));
        box = el("div", { id: boxId, class: "chart", role: "img", "aria-label": q.text });
        tallies.appendChild(box);
        tallies.appendChild(el("div", { id: "q-table-" + i }));
      }
      box.setAttribute("data-answers", String(q.answers));
      chart(boxId, box, {
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: q.choices.map(function (c) { return c.label; }) },
        series: [{ type: "bar", data: q.choices.map(function (c) { return c.count; }), label: { show: true, position: "right" } }],
      });
      var t = byId("q-table-" + i);
      t.textContent = "";
      t.appendChild(table([G.text("console.stats.choice"), G.text("console.stats.count")], q.choices.map(function (c) { return [c.label, c.count]; }), q.text));
    });
    var communes = s.communes || [];
    chart("participation", byId("participation-chart"), {
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 8, bottom: 32, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: communes.map(function (c) { return c.name; }) },
      series: [
        { type: "bar", name: G.text("console.participation.subscribers"), data: communes.map(function (c) { return c.subscribers; }) },
        { type: "bar", name: G.text("console.participation.respondents"), data: communes.map(function (c) { return c.respondents; }) },
      ],
    });
    var p = byId("participation");
    p.textContent = "";
    p.appendChild(table(
      [G.text("console.participation.commune"), G.text("console.participation.subscribers"), G.text("console.participation.respondents")],
      communes.map(function (c) { return [c.name, c.subscribers, c.respondents]; }),
    ));
    var f = byId("figures");
    f.textContent = "";
    var online = [
      [G.text("console.figures.subscribers"), s.totals.subscribers], [G.text("console.figures.respondents"), s.totals.respondents],
      [G.text("console.figures.answers"), s.totals.answers], [G.text("console.figures.comments"), s.totals.comments],
    ];
    var offlineRows = numbers(s.offline || (s.totals && s.totals.offline));
    var side = el("div", { class: "side" }, [
      el("div", {}, [el("h3", { text: G.text("console.figures.online") }), table(null, online)]),
      el("div", {}, [el("h3", { text: G.text("console.figures.offline") }),
        offlineRows.length ? table(null, offlineRows) : el("p", { text: G.text("console.figures.offlineNone") })]),
    ]);
    f.appendChild(side);
    if (Array.isArray(s.byChannel)) {
      var keys = [];
      s.byChannel.forEach(function (c) { numbers(c).forEach(function (kv) { if (keys.indexOf(kv[0]) < 0) keys.push(kv[0]); }); });
      f.appendChild(table(["channel"].concat(keys), s.byChannel.map(function (c) { return [c.channel].concat(keys.map(function (k) { return c[k] === undefined ? "" : c[k]; })); })));
    }
  }
  function pollStats() {
    G.api("GET", "/api/v1/drafts/" + id + "/stats").then(function (r) {
      if (r.ok) renderStats(r.body);
      setTimeout(pollStats, 5000);
    });
  }

  // Comments: moderation (PATCH /api/v1/comments/{id}).
  function commentForm(c) {
    var form = el("form", { class: "comment-actions", "data-comment": c.id });
    var errId = "err-c-" + c.id;
    var err = el("p", { class: "field-error", id: errId, "data-error-for": "(body)" });
    var reason = el("input", { id: "reason-" + c.id, maxlength: "4000", "aria-describedby": errId });
    var hide = el("button", { type: "button", class: "hide", text: c.moderation === "hidden" ? G.text("console.comments.show") : G.text("console.comments.hide") });
    var flag = el("button", { type: "button", class: "flag", text: G.text("console.comments.flag") });
    var handling = el("select", { id: "handling-" + c.id }, ["pending", "accepted", "explained"].map(function (h) {
      var o = el("option", { value: h, text: G.text("console.comments.handling." + h) });
      if (h === c.handling) o.selected = true;
      return o;
    }));
    var note = el("input", { id: "note-" + c.id, maxlength: "4000", value: c.handlingNote || "" });
    var save = el("button", { type: "submit", text: G.text("console.comments.save") });
    function send(body) {
      G.clearErrors(form);
      G.api("PATCH", "/api/v1/comments/" + c.id, body).then(function (r) {
        if (!r.ok) { G.showProblem(form, r.body, err); err.hidden = false; return; }
        loadComments();
      });
    }
    hide.addEventListener("click", function () {
      if (c.moderation === "hidden") send({ moderation: "visible" });
      else send({ moderation: "hidden", moderationReason: reason.value.trim() || null });
    });
    flag.addEventListener("click", function () { send({ moderation: "flagged" }); });
    form.addEventListener("submit", function (e) { e.preventDefault(); send({ handling: handling.value, handlingNote: note.value.trim() || null }); });
    [
      el("label", { for: reason.id, text: G.text("console.comments.hideReason") }), reason, hide, flag,
      el("label", { for: handling.id, text: G.text("console.comments.handling") }), handling,
      el("label", { for: note.id, text: G.text("console.comments.note") }), note, save, err,
    ].forEach(function (n) { form.appendChild(n); });
    return form;
  }
  function loadComments() {
    G.api("GET", "/api/v1/drafts/" + id + "/feedback?format=json").then(function (r) {
      if (!r.ok) return;
      var box = byId("comments");
      box.textContent = "";
      if (!r.body.comments.length) { box.appendChild(el("p", { text: G.text("console.comments.none") })); return; }
      r.body.comments.forEach(function (c) {
        var meta = G.text("console.comments.meta", { respondent: c.respondent, commune: c.communeName || "—", at: new Date(c.at).toLocaleString(document.documentElement.lang) });
        box.appendChild(el("article", { class: "comment moderation-" + c.moderation, "data-comment": c.id, "data-moderation": c.moderation }, [
          el("p", { class: "meta", text: meta + " · " + G.text("console.comments.moderation." + c.moderation) + " · " + G.text("console.comments.handling." + c.handling) }),
          el("blockquote", { text: c.text }),
          c.moderationReason ? el("p", { class: "note reason", text: G.text("console.comments.hiddenBecause", { reason: c.moderationReason }) }) : null,
          c.handlingNote ? el("p", { class: "note", text: c.handlingNote }) : null,
          canWrite ? commentForm(c) : null,
        ]));
      });
    });
  }
  function refreshComments() {
    var box = byId("comments");
    if (!box.contains(document.activeElement)) loadComments();
    setTimeout(refreshComments, 10000);
  }

  // Relay coverage (GET /api/v1/drafts/{id}/relays), when the service has it.
  function loadRelays() {
    G.api("GET", "/api/v1/drafts/" + id + "/relays").then(function (r) {
      if (!r.ok || !r.body) return;
      var box = byId("relays");
      box.textContent = "";
      var top = numbers(r.body.totals || r.body);
      if (top.length) box.appendChild(table(null, top));
      var items = r.body.items || r.body.communes || [];
      if (Array.isArray(items) && items.length) {
        var keys = Object.keys(items[0]).filter(function (k) { return typeof items[0][k] !== "object"; });
        box.appendChild(table(keys, items.map(function (it) { return keys.map(function (k) { return it[k] === null ? "" : it[k]; }); })));
      }
    });
  }

  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  pollBroadcasts();
  pollStats();
  refreshComments();
  loadRelays();
})();
