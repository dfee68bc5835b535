/* Baliegids chat widget: one <script src=".../widget/baliegids.js" data-rasa-url="https://..."> on a page.
   Talks to Rasa's REST channel. Everything shown is built with text nodes, never innerHTML, so neither the
   clerk's text nor the knowledge base can inject markup. The conversation lives in sessionStorage (this tab only). */
(function () {
  "use strict";
  var script = document.currentScript;
  var rasaUrl = (script.getAttribute("data-rasa-url") || "").replace(/\/$/, "");
  var STORE = "baliegids-gesprek";
  var FEEDBACK_LABELS = { "👍": "Goed antwoord", "👎": "Niet goed antwoord" };  // shown with the emoji
  var state = load();
  var lastSent = null;

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE));
      if (saved && saved.sender) return saved;
    } catch (e) { /* no or unreadable saved conversation: start a new one */ }
    return { sender: "widget-" + Math.random().toString(36).slice(2) + Date.now().toString(36), history: [], open: false };
  }
  function save() { sessionStorage.setItem(STORE, JSON.stringify(state)); }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* **bold** and https links inside one line of text. */
  function inline(parent, line) {
    line.split(/(\*\*[^*]+\*\*)/).forEach(function (part) {
      if (/^\*\*[^*]+\*\*$/.test(part)) { parent.appendChild(el("strong", {}, [part.slice(2, -2)])); return; }
      part.split(/(https:\/\/[^\s)]+)/).forEach(function (piece) {
        if (/^https:\/\//.test(piece)) {
          parent.appendChild(el("a", { href: piece, target: "_blank", rel: "noopener noreferrer" }, [piece]));
        } else if (piece) {
          parent.appendChild(document.createTextNode(piece));
        }
      });
    });
  }

  /* Paragraphs (blank line), bulleted ("- ") and numbered ("1. ") lists. */
  function formatted(text) {
    var box = el("div");
    text.split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n");
      var bullets = lines.every(function (l) { return /^- /.test(l); });
      var numbers = lines.every(function (l) { return /^\d+\. /.test(l); });
      if (bullets || numbers) {
        var list = el(numbers ? "ol" : "ul");
        lines.forEach(function (l) { var item = el("li"); inline(item, l.replace(/^(- |\d+\. )/, "")); list.appendChild(item); });
        box.appendChild(list);
      } else {
        var paragraph = el("p");
        lines.forEach(function (l, i) { if (i) paragraph.appendChild(el("br")); inline(paragraph, l); });
        box.appendChild(paragraph);
      }
    });
    return box;
  }

  var launcher = el("button", { type: "button", class: "bg-launcher", "aria-expanded": "false", "aria-controls": "bg-panel" },
    ["Baliegids"]);
  var log = el("div", { class: "bg-log", role: "log", "aria-live": "polite", "aria-label": "Gesprek met Baliegids" });
  var input = el("input", { id: "bg-input", type: "text", autocomplete: "off", maxlength: "1000" });
  var form = el("form", { class: "bg-form" }, [
    el("label", { for: "bg-input", class: "bg-visually-hidden" }, ["Je vraag aan Baliegids"]), input,
    el("button", { type: "submit" }, ["Verstuur"])]);
  var restart = el("button", { type: "button" }, ["Opnieuw"]);
  var close = el("button", { type: "button", "aria-label": "Sluit Baliegids" }, ["Sluit"]);
  var panel = el("div", { id: "bg-panel", class: "bg-panel", role: "dialog", "aria-label": "Baliegids", hidden: "" }, [
    el("div", { class: "bg-header" }, [el("h2", {}, ["Baliegids"]), restart, close]), log, form]);

  function scroll() { log.scrollTop = log.scrollHeight; }

  function showUser(text) {
    log.appendChild(el("div", { class: "bg-message bg-user" }, [el("span", { class: "bg-visually-hidden" }, ["Jij: "]), text]));
  }

  function showButtons(buttons, live) {
    if (!buttons || !buttons.length) return;
    var row = el("div", { class: "bg-buttons" });
    buttons.forEach(function (button) {
      var label = FEEDBACK_LABELS[button.title] ? button.title + " " + FEEDBACK_LABELS[button.title] : button.title;
      var node = el("button", { type: "button" }, [label]);
      if (live) node.addEventListener("click", function () { send(button.payload, button.title); });
      else node.disabled = true;
      row.appendChild(node);
    });
    log.appendChild(row);
  }

  /* One reply of the assistant: its text messages, its buttons, and an answer card from `custom`. */
  function showReply(messages, live) {
    var custom = (messages.filter(function (m) { return m.custom; })[0] || {}).custom || {};
    messages.filter(function (m) { return m.text; }).forEach(function (message) {
      var text = message.text;
      var card = custom.type === "answer" && text.indexOf("**Bronnen**") >= 0;
      if (card) text = text.slice(0, text.indexOf("**Bronnen**")).trim();  // the card footer lists the sources
      var bubble = el("div", { class: "bg-message bg-bot" + (card ? " bg-card" : "") },
        [el("span", { class: "bg-visually-hidden" }, ["Baliegids: "]), formatted(text)]);
      if (card) bubble.appendChild(sourcesFooter(custom));
      log.appendChild(bubble);
      showButtons(message.buttons, live);
    });
  }

  function sourcesFooter(custom) {
    var list = el("ol");
    (custom.sources || []).forEach(function (source) {
      list.appendChild(el("li", {}, [source.url
        ? el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, [source.title])
        : source.title]));
    });
    return el("footer", {}, [el("strong", {}, ["Bronnen"]), list, "Laatst gecontroleerd: " + custom.last_verified]);
  }

  function showError() {
    var retry = el("button", { type: "button" }, ["Opnieuw proberen"]);
    var box = el("div", { class: "bg-message bg-bot bg-error", role: "alert" },
      ["Baliegids is op dit moment niet bereikbaar. Je vraag is niet verloren: probeer het zo opnieuw. ", retry]);
    retry.addEventListener("click", function () { box.remove(); post(lastSent); });
    log.appendChild(box);
    scroll();
  }

  function post(message) {
    lastSent = message;
    var typing = el("p", { class: "bg-typing" }, ["Baliegids typt…"]);
    log.appendChild(typing);
    scroll();
    fetch(rasaUrl + "/webhooks/rest/webhook", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message })
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (messages) {
      typing.remove();
      showReply(messages, true);
      state.history.push({ bot: messages });
      save();
      scroll();
    }).catch(function () { typing.remove(); showError(); });
  }

  function send(message, shown) {
    if (!message.trim()) return;
    showUser(shown);
    state.history.push({ user: shown });
    save();
    post(message);
  }

  function setOpen(open) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    (open ? input : launcher).focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text, text);
  });
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") setOpen(false); });
  restart.addEventListener("click", function () {
    log.textContent = "";
    state.history = [];
    save();
    post("/restart");
    input.focus();
  });

  var stylesheet = el("link", { rel: "stylesheet", href: new URL("baliegids.css", script.src).href });
  document.head.appendChild(stylesheet);
  document.body.appendChild(launcher);
  document.body.appendChild(panel);
  state.history.forEach(function (entry) { if (entry.user) showUser(entry.user); else showReply(entry.bot, false); });
  if (state.open) { panel.hidden = false; launcher.setAttribute("aria-expanded", "true"); }
})();
