/* The draft form: builds the API's JSON body, saves through /api/v1/drafts, publishes, and shows the API's own messages beside each field. */
(function () {
  "use strict";
  var G = window.Gopy;
  var form = document.getElementById("draft-form");
  if (!form) return;
  var offset = form.getAttribute("data-offset") || "+00:00";
  var existing = JSON.parse(document.getElementById("draft-data").textContent || "null");
  var draftId = existing ? existing.id : null;
  var chosen = new Map();
  var questionsEl = document.getElementById("questions");
  var template = document.getElementById("question-template");
  var byId = function (id) { return document.getElementById(id); };

  function offsetMinutes() {
    var m = /^([+-])(\d\d):(\d\d)$/.exec(offset);
    return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  }
  function toIso(local) { return local ? (local.length === 16 ? local + ":00" : local) + offset : ""; }
  function toLocal(iso) { return new Date(new Date(iso).getTime() + offsetMinutes() * 60000).toISOString().slice(0, 16); }

  function renumber() {
    questionsEl.querySelectorAll("fieldset.question").forEach(function (q, i) {
      q.querySelector("legend").textContent = G.text("console.form.question", { n: i + 1 });
      ["text", "article", "choices", "allowComment"].forEach(function (part) {
        var id = "q" + i + "-" + part;
        var input = q.querySelector('input[data-part="' + part + '"], textarea[data-part="' + part + '"]');
        input.id = id;
        q.querySelector('label[data-part="' + part + '"]').setAttribute("for", id);
        var err = q.querySelector('.field-error[data-part="' + part + '"]');
        if (err) {
          err.id = "err-" + id;
          err.setAttribute("data-error-for", "questions." + i + "." + part);
          input.setAttribute("aria-describedby", err.id);
        }
      });
    });
  }
  function addQuestion(q) {
    var node = template.content.firstElementChild.cloneNode(true);
    if (q) {
      node.querySelector('input[data-part="text"]').value = q.text;
      node.querySelector('input[data-part="article"]').value = q.article || "";
      node.querySelector('textarea[data-part="choices"]').value = q.choices.join("\n");
      node.querySelector('input[data-part="allowComment"]').checked = q.allowComment;
    }
    node.querySelector('button[data-part="remove"]').addEventListener("click", function () { node.remove(); renumber(); });
    questionsEl.appendChild(node);
    renumber();
  }
  byId("add-question").addEventListener("click", function () { addQuestion(null); });

  function renderChosen() {
    var ul = byId("commune-chosen");
    ul.textContent = "";
    chosen.forEach(function (name, code) {
      var li = document.createElement("li");
      li.textContent = name + " (" + code + ") ";
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = "×";
      b.setAttribute("aria-label", G.text("console.form.communes.remove", { name: name }));
      b.addEventListener("click", function () { chosen.delete(code); renderChosen(); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }
  var searchTimer = null;
  byId("commune-search").addEventListener("input", function (e) {
    clearTimeout(searchTimer);
    var q = e.target.value;
    searchTimer = setTimeout(function () {
      var results = byId("commune-results");
      if (q.trim().length < 2) { results.textContent = ""; return; }
      G.api("GET", "/api/v1/communes?limit=10&q=" + encodeURIComponent(q)).then(function (r) {
        results.textContent = "";
        ((r.body && r.body.items) || []).forEach(function (u) {
          var li = document.createElement("li");
          var b = document.createElement("button");
          b.type = "button";
          b.className = "pick";
          b.setAttribute("data-code", u.code);
          b.textContent = G.text("console.form.communes.add") + ": " + u.name + (u.matchedFormer ? " — " + G.text("console.form.communes.formerly", { names: u.matchedFormer.name }) : "");
          b.addEventListener("click", function () { chosen.set(u.code, u.name); renderChosen(); });
          li.appendChild(b);
          results.appendChild(li);
        });
      });
    }, 250);
  });
  byId("targetAll").addEventListener("change", function (e) { byId("commune-picker").hidden = e.target.checked; });

  function value(id) { return byId(id).value; }
  function collect() {
    var questions = [];
    questionsEl.querySelectorAll("fieldset.question").forEach(function (q) {
      questions.push({
        text: q.querySelector('input[data-part="text"]').value,
        article: q.querySelector('input[data-part="article"]').value || null,
        choices: q.querySelector('textarea[data-part="choices"]').value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean),
        allowComment: q.querySelector('input[data-part="allowComment"]').checked,
      });
    });
    var body = {
      title: value("title"),
      code: value("code") || null,
      draftingAgency: value("draftingAgency"),
      criteria: {
        requiresPolicyProposal: byId("criteria.requiresPolicyProposal").checked,
        affectsRightsAndObligations: byId("criteria.affectsRightsAndObligations").checked,
        sensitiveOrContested: byId("criteria.sensitiveOrContested").checked,
        provinceWide: byId("criteria.provinceWide").checked,
      },
      containsStateSecrets: byId("containsStateSecrets").checked,
      summary: { necessity: value("summary.necessity"), mainContent: value("summary.mainContent"), rightsChanges: value("summary.rightsChanges"), other: value("summary.other") || null },
      fullTextUrl: value("fullTextUrl"),
      commentOpensAt: toIso(value("commentOpensAt")),
      commentClosesAt: toIso(value("commentClosesAt")),
      targetCommunes: byId("targetAll").checked ? "all" : Array.from(chosen.keys()),
      questions: questions,
    };
    return body;
  }

  var previewTimer = null;
  function preview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var b = collect();
      if (!b.commentClosesAt) return;
      G.api("POST", "/console/preview", { title: b.title, mainContent: b.summary.mainContent, commentClosesAt: b.commentClosesAt, fullTextUrl: b.fullTextUrl }).then(function (r) {
        if (r.ok) byId("preview").textContent = r.body.text;
      });
    }, 300);
  }
  ["title", "summary.mainContent", "commentClosesAt", "fullTextUrl"].forEach(function (id) { byId(id).addEventListener("input", preview); });

  if (existing) {
    byId("title").value = existing.title;
    byId("code").value = existing.code || "";
    byId("fullTextUrl").value = existing.fullTextUrl;
    Object.keys(existing.criteria).forEach(function (k) { byId("criteria." + k).checked = existing.criteria[k]; });
    byId("containsStateSecrets").checked = existing.containsStateSecrets;
    Object.keys(existing.summary).forEach(function (k) { byId("summary." + k).value = existing.summary[k] || ""; });
    byId("commentOpensAt").value = toLocal(existing.commentOpensAt);
    byId("commentClosesAt").value = toLocal(existing.commentClosesAt);
    if (existing.targetCommunes === "all") { byId("targetAll").checked = true; byId("commune-picker").hidden = true; }
    else G.api("GET", "/api/v1/communes").then(function (r) {
      var names = new Map(((r.body && r.body.items) || []).map(function (u) { return [u.code, u.name]; }));
      existing.targetCommunes.forEach(function (c) { chosen.set(c, names.get(c) || c); });
      renderChosen();
    });
    existing.questions.forEach(addQuestion);
    preview();
  } else addQuestion(null);

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var intent = e.submitter && e.submitter.value === "publish" ? "publish" : "save";
    var general = byId("form-error");
    G.clearErrors(form);
    G.say(general, "");
    G.say(byId("form-status"), "");
    var body = collect();
    var save = draftId ? G.api("PATCH", "/api/v1/drafts/" + draftId, body) : G.api("POST", "/api/v1/drafts", body);
    save.then(function (r) {
      if (!r.ok) {
        G.showProblem(form, r.body, general);
        if (!general.textContent) G.say(general, G.text("console.form.failed"));
        return;
      }
      var saved = r.body.view || r.body;
      if (!draftId) {
        draftId = saved.id;
        history.replaceState(null, "", "/console/drafts/" + draftId + "/edit");
      }
      if (intent === "save") { G.say(byId("form-status"), G.text("console.form.saved")); return; }
      var reason = value("shortenedPeriodReason").trim();
      return G.api("POST", "/api/v1/drafts/" + draftId + "/publish", reason ? { shortenedPeriodReason: reason } : {}).then(function (p) {
        if (p.ok) { location.assign("/console/drafts/" + draftId); return; }
        G.showProblem(form, p.body, general);
        if (!general.textContent) G.say(general, G.text("console.form.notPublished"));
      });
    });
  });
})();
