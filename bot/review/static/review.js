/* Baliegids kennisbeheer: small helpers for the review pages (the pages work without them too).
   - a search box that narrows the article list by title and picks the first match;
   - "alle vragen kiezen";
   - the training's progress bar, asked from the server every two seconds. */
(function () {
  "use strict";

  function plain(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^\w\s]+/g, " ");
  }

  document.querySelectorAll("[data-zoek-in]").forEach(function (input) {
    var select = document.getElementById(input.getAttribute("data-zoek-in"));
    var hint = document.getElementById(input.getAttribute("aria-describedby"));
    if (!select) { return; }
    var options = Array.prototype.slice.call(select.options);
    input.addEventListener("input", function () {
      var words = plain(input.value).split(/\s+/).filter(Boolean);
      var found = [];
      options.forEach(function (option) {
        var fits = !option.value || words.every(function (word) { return plain(option.text).indexOf(word) !== -1; });
        option.hidden = !fits;
        option.disabled = !fits;
        if (fits && option.value) { found.push(option); }
      });
      if (words.length && found.length) { select.value = found[0].value; }
      if (hint) {
        hint.textContent = !words.length ? "Typ een deel van de titel; de lijst toont alleen wat past."
          : found.length === 0 ? "Geen artikel gevonden met deze woorden."
          : found.length + (found.length === 1 ? " artikel gevonden: " : " artikelen gevonden; gekozen: ") + found[0].text;
      }
    });
  });

  document.querySelectorAll("[data-kies-alles]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-kies-alles");
      box.form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (item) {
        item.checked = box.checked;
      });
    });
  });

  var progress = document.getElementById("voortgang");
  var deployment = document.getElementById("inzet");
  var busy = (progress && progress.getAttribute("data-state") === "bezig") ||
    (deployment && deployment.getAttribute("data-state") === "wordt geladen");
  if (busy) {
    var url = (progress && progress.getAttribute("data-status-url")) || "/review/model/status.json";
    var ask = function () {
      fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (reply) {
        return reply.ok ? reply.json() : null;
      }).then(function (status) {
        if (!status) { return; }
        var run = status.run;
        if (progress && run && String(run.id) === progress.getAttribute("data-run")) {
          if (run.state !== "bezig") { window.location.assign(window.location.pathname); return; }
          progress.querySelector("[data-veld=fase]").textContent = run.stage;
          progress.querySelector("[data-veld=procent]").textContent = run.progress;
          progress.querySelector("[data-veld=tijd]").textContent = run.seconds;
          progress.querySelector("progress").value = run.progress;
        }
        if (deployment && status.deployment && status.deployment.state !== deployment.getAttribute("data-state")) {
          window.location.assign(window.location.pathname);
          return;
        }
        if (deployment && status.deployment) {
          deployment.querySelector("[data-veld=inzet-tekst]").textContent = status.deployment.text;
          var bar = deployment.querySelector("progress");
          if (bar) { bar.value = Math.min(status.deployment.downloads, status.deployment.expected); }
        }
        window.setTimeout(ask, 2000);
      }).catch(function () { window.setTimeout(ask, 5000); });
    };
    window.setTimeout(ask, 2000);
  }
}());
