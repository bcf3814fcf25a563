/* Communes page: invite codes through POST /api/v1/invites. */
(function () {
  "use strict";
  var G = window.Gopy;
  document.querySelectorAll("button.invite").forEach(function (b) {
    b.addEventListener("click", function () {
      var code = b.getAttribute("data-code");
      G.say(document.getElementById("invite-error"), "");
      G.api("POST", "/api/v1/invites", { role: "propagandist", communes: [code] }).then(function (r) {
        if (!r.ok) { G.showProblem(document, r.body, document.getElementById("invite-error")); return; }
        G.say(document.getElementById("invite-status"), G.text("console.communes.inviteCode", { code: r.body.code }));
      });
    });
  });
})();
