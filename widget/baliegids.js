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

  /* **bold**, https links and source markers [n] (linked to the card's source list) inside one line of text. */
  function inline(parent, line, sourceId) {
    line.split(/(\*\*[^*]+\*\*)/).forEach(function (part) {
      if (/^\*\*[^*]+\*\*$/.test(part)) { parent.appendChild(el("strong", {}, [part.slice(2, -2)])); return; }
      part.split(/(https:\/\/[^\s)]+|\[\d+\])/).forEach(function (piece) {
        if (/^https:\/\//.test(piece)) {
          parent.appendChild(el("a", { href: piece, target: "_blank", rel: "noopener noreferrer" }, [piece]));
        } else if (sourceId && /^\[\d+\]$/.test(piece)) {
          parent.appendChild(el("a", { href: "#" + sourceId(piece.slice(1, -1)), class: "bg-marker",
            "aria-label": "bron " + piece.slice(1, -1) }, [piece]));
        } else if (piece) {
          parent.appendChild(document.createTextNode(piece));
        }
      });
    });
  }

  function list(items, numbered, sourceId) {
    var node = el(numbered ? "ol" : "ul");
    items.forEach(function (text) { var item = el("li"); inline(item, text, sourceId); node.appendChild(item); });
    return node;
  }

  /* Paragraphs (blank line), bulleted ("- ") and numbered ("1. ") lists. */
  function formatted(text, sourceId) {
    var box = el("div");
    text.split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n");
      var bullets = lines.every(function (l) { return /^- /.test(l); });
      var numbers = lines.every(function (l) { return /^\d+\. /.test(l); });
      if (bullets || numbers) {
        box.appendChild(list(lines.map(function (l) { return l.replace(/^(- |\d+\. )/, ""); }), numbers, sourceId));
      } else {
        var paragraph = el("p");
        lines.forEach(function (l, i) { if (i) paragraph.appendChild(el("br")); inline(paragraph, l, sourceId); });
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

  /* One reply of the assistant: its text messages with their buttons; an answer is drawn from its structured
     `custom` payload (title, sections, sources), which follows the answer's own text message. */
  function showReply(messages, live) {
    var at = -1;
    messages.forEach(function (m, index) { if (m.custom && at < 0) at = index; });
    var custom = at >= 0 ? messages[at].custom : {};
    messages.forEach(function (message, index) {
      if (!message.text) return;
      var card = custom.type === "answer" && custom.sections && index === at - 1;
      log.appendChild(card ? answerCard(custom)
        : el("div", { class: "bg-message bg-bot" }, [el("span", { class: "bg-visually-hidden" }, ["Baliegids: "]),
          formatted(message.text)]));
      showButtons(message.buttons, live);
    });
  }

  var cards = 0;
  function answerCard(custom) {
    var prefix = "bg-bron-" + (++cards) + "-";
    function sourceId(number) { return prefix + number; }
    var card = el("div", { class: "bg-message bg-bot bg-card" }, [el("span", { class: "bg-visually-hidden" }, ["Baliegids: "]),
      el("p", { class: "bg-title" }, [el("strong", {}, [custom.heading || custom.title])])]);
    custom.sections.forEach(function (section) {
      var body = section.text ? formatted(section.text, sourceId) : list(section.items, section.numbered, sourceId);
      if (section.open) {
        if (section.title) card.appendChild(el("p", { class: "bg-heading" }, [el("strong", {}, [section.title])]));
        card.appendChild(body);
      } else {
        card.appendChild(el("details", { class: "bg-section" }, [el("summary", {}, [section.title]), body]));
      }
    });
    var sources = el("ol");
    (custom.sources || []).forEach(function (source) {
      sources.appendChild(el("li", { id: sourceId(source.number), value: String(source.number) }, [source.url
        ? el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, [source.title])
        : source.title]));
    });
    card.appendChild(el("footer", {}, [el("strong", {}, ["Bronnen"]), sources,
      "Laatst gecontroleerd: " + custom.last_verified]));
    return card;
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
