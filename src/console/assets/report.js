/* Annual report page: the figures of GET /api/v1/reports/annual?format=json, when the service has it. */
(function () {
  "use strict";
  var G = window.Gopy;
  var box = document.getElementById("report");
  if (!box) return;
  function rows(obj, prefix, out) {
    Object.keys(obj || {}).forEach(function (k) {
      var v = obj[k];
      var name = prefix ? prefix + " › " + k : k;
      if (typeof v === "number" || typeof v === "string") out.push([name, v]);
      else if (v && typeof v === "object" && !Array.isArray(v)) rows(v, name, out);
      else if (Array.isArray(v)) out.push([name, v.length]);
    });
    return out;
  }
  G.api("GET", "/api/v1/reports/annual?format=json&year=" + encodeURIComponent(box.getAttribute("data-year"))).then(function (r) {
    if (!r.ok || !r.body) return;
    box.textContent = "";
    var t = document.createElement("table");
    t.className = "list";
    var tb = document.createElement("tbody");
    rows(r.body, "", []).forEach(function (row) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = row[0];
      var td = document.createElement("td");
      td.textContent = String(row[1]);
      tr.appendChild(th);
      tr.appendChild(td);
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    box.appendChild(t);
  });
})();
