/* The console's shared helpers: text, calls to /api/v1 with the session's CSRF token, field errors. */
(function () {
  "use strict";
  var textEl = document.getElementById("console-text");
  var catalogue = textEl ? JSON.parse(textEl.textContent || "{}") : {};
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');

  function text(key, params) {
    var s = catalogue[key] || key;
    return s.replace(/\{(\w+)\}/g, function (m, name) {
      return params && name in params ? String(params[name]) : m;
    });
  }

  /** JSON in and out; problem+json bodies come back as { ok: false, status, body }. */
  function api(method, path, body) {
    var headers = { Accept: "application/json" };
    if (csrfMeta) headers["X-CSRF-Token"] = csrfMeta.getAttribute("content") || "";
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) }).then(
      function (res) {
        return res.text().then(function (t) {
          var parsed;
          try { parsed = t ? JSON.parse(t) : null; } catch { parsed = null; }
          return { ok: res.ok, status: res.status, body: parsed };
        });
      },
    );
  }

  function clearErrors(root) {
    root.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    root.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  /**
   * Put each of the API's field problems beside its field: the element [data-error-for="<field>"], or the
   * nearest parent path ("questions.0.choices.1" → "questions.0.choices" → "questions.0" → "questions").
   * Problems with no place go to the general error element.
   */
  function showProblem(root, problem, general, locate) {
    var unplaced = [];
    var errors = (problem && problem.errors) || [];
    errors.forEach(function (e) {
      var parts = String(e.field).split(".");
      var el = null;
      while (parts.length && !el) {
        var f = parts.join(".");
        el = (locate && locate(f)) || root.querySelector('[data-error-for="' + f.replace(/"/g, "") + '"]');
        parts.pop();
      }
      if (el) {
        el.textContent = (el.textContent ? el.textContent + " " : "") + e.message;
        var input = el.id && root.querySelector('[aria-describedby~="' + el.id + '"]');
        if (input) input.setAttribute("aria-invalid", "true");
      } else unplaced.push(text("console.error.field", { field: e.field, message: e.message }));
    });
    if (general) {
      var msg = problem && problem.status === 403 && !errors.length ? text("console.error.403") : "";
      if (!errors.length && problem && problem.detail) msg = text("console.error.generic", { detail: problem.detail });
      var all = [msg].concat(unplaced).filter(Boolean).join(" ");
      general.textContent = all;
      general.hidden = !all;
    }
  }

  function say(el, message) {
    if (!el) return;
    el.textContent = message || "";
    el.hidden = !message;
  }

  window.Gopy = { text: text, api: api, clearErrors: clearErrors, showProblem: showProblem, say: say };
})();
