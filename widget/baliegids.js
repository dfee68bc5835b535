/* Baliegids chat widget: one <script src=".../widget/baliegids.js" data-rasa-url="https://..."> on a page.
   Talks to Rasa's REST channel. Everything shown is built with text nodes, never innerHTML, so neither the
   clerk's text nor the knowledge base can inject markup. The conversation lives in sessionStorage (this tab only).
   An answer is drawn from its structured `custom` payload (docs/contract.md): the open sections, the closed ones as
   disclosures the clerk opens in place, the sources as links. */
(function () {
  "use strict";
  var script = document.currentScript;
  var rasaUrl = (script.getAttribute("data-rasa-url") || "").replace(/\/$/, "");
  var STORE = "baliegids-gesprek";
  var FEEDBACK_LABELS = { "👍": "Goed antwoord", "👎": "Niet goed antwoord" };  // shown with the emoji
  var SLOW_MS = 3000;      // then "nog even geduld"
  var TIMEOUT_MS = 20000;  // then a Dutch error with retry
  var EXAMPLES = [
    "Mag ik een briefadres weigeren aan een vrouw uit de opvang?",
    "Geldt de kostendelersnorm in de vrouwenopvang?",
    "Mogen we voor een urgentieverklaring regionale binding eisen?"
  ];
  var state = load();
  var lastSent = null;

  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // unguessable: whoever knows a sender id can continue that conversation
    return "widget-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE));
      if (saved && saved.sender) return saved;
    } catch (e) { /* no or unreadable saved conversation: start a new one */ }
    return { sender: newSender(), history: [], open: false, scroll: 0 };
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
  var log = el("div", { class: "bg-log", role: "log", "aria-label": "Gesprek met Baliegids", tabindex: "0" });
  var input = el("input", { id: "bg-input", type: "text", autocomplete: "off", maxlength: "1000" });
  var form = el("form", { class: "bg-form" }, [
    el("label", { for: "bg-input", class: "bg-visually-hidden" }, ["Je vraag aan Baliegids"]), input,
    el("button", { type: "submit" }, ["Verstuur"])]);
  var restart = el("button", { type: "button" }, ["Opnieuw"]);
  var close = el("button", { type: "button", "aria-label": "Sluit Baliegids" }, ["Sluit"]);
  var confirmBar = el("div", { class: "bg-confirm", role: "alertdialog", "aria-label": "Gesprek wissen?", hidden: "" });
  var panel = el("div", { id: "bg-panel", class: "bg-panel", role: "dialog", "aria-label": "Baliegids", hidden: "" }, [
    el("div", { class: "bg-header" }, [el("h2", {}, ["Baliegids"]), restart, close]), confirmBar, log, form]);

  /* A new reply: its first line at the top of the panel, and the keyboard focus there. */
  function reveal(node) {
    log.scrollTop = node.offsetTop - log.offsetTop;
    node.focus({ preventScroll: true });
  }

  function showUser(text) {
    log.appendChild(el("div", { class: "bg-message bg-user" }, [el("span", { class: "bg-visually-hidden" }, ["Jij: "]), text]));
  }

  function showButtons(container, buttons, skip) {
    buttons = (buttons || []).filter(function (button) { return skip.indexOf(button.payload) < 0; });
    if (!buttons.length) return;
    var row = el("div", { class: "bg-buttons" });
    buttons.forEach(function (button) {
      var label = FEEDBACK_LABELS[button.title] ? button.title + " " + FEEDBACK_LABELS[button.title] : button.title;
      var node = el("button", { type: "button" }, [label]);
      node.addEventListener("click", function () { send(button.payload, button.title); });
      row.appendChild(node);
    });
    container.appendChild(row);
  }

  /* One reply of the assistant: its text messages with their buttons; an answer is drawn from its `custom` payload,
     which follows the answer's own text message. Returns the reply's element. */
  function showReply(messages) {
    var at = -1;
    messages.forEach(function (m, index) { if (m.custom && at < 0) at = index; });
    var custom = at >= 0 ? messages[at].custom : {};
    var reply = el("div", { class: "bg-reply", tabindex: "-1" });
    messages.forEach(function (message, index) {
      if (!message.text) return;
      var card = custom.type === "answer" && custom.sections && index === at - 1;
      reply.appendChild(card ? answerCard(custom)
        : el("div", { class: "bg-message bg-bot" }, [el("span", { class: "bg-visually-hidden" }, ["Baliegids: "]),
          formatted(message.text)]));
      // A closed section is opened in place here, so its follow-up button is not needed.
      var inPlace = card ? custom.sections.filter(function (s) { return s.payload; }).map(function (s) { return s.payload; }) : [];
      showButtons(reply, message.buttons, inPlace);
    });
    log.appendChild(reply);
    return reply;
  }

  /* The sources with these numbers as a list of links; `idFor` gives a list item the anchor its markers point to. */
  function sourceItems(sources, numbers, idFor) {
    var items = el("ol");
    sources.filter(function (s) { return numbers.indexOf(s.number) >= 0; }).forEach(function (source) {
      var attributes = { value: String(source.number) };
      if (idFor(source.number)) attributes.id = idFor(source.number);
      items.appendChild(el("li", attributes, [source.url
        ? el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, [source.title])
        : source.title]));
    });
    return items;
  }

  var cards = 0;
  function answerCard(custom) {
    var prefix = "bg-bron-" + (++cards) + "-";
    function sourceId(number) { return prefix + number; }
    var sources = custom.sources || [];
    var all = custom.sections.filter(function (s) { return s.key === "bronnen"; })[0];
    // Under the card: the sources the open text cites (all of them when there is no "Alle bronnen" section).
    var footerNumbers = all ? [] : sources.map(function (s) { return s.number; });
    custom.sections.forEach(function (s) { if (all && s.open) footerNumbers = footerNumbers.concat(s.cites); });
    var card = el("div", { class: "bg-message bg-bot bg-card" }, [el("span", { class: "bg-visually-hidden" }, ["Baliegids: "]),
      el("p", { class: "bg-title" }, [el("strong", {}, [custom.heading || custom.title])])]);
    custom.sections.forEach(function (section) {
      if (section === all) {
        card.appendChild(el("details", { class: "bg-section" }, [
          el("summary", {}, [section.title + " (" + section.cites.length + ")"]),
          sourceItems(sources, section.cites, function (n) { return footerNumbers.indexOf(n) < 0 ? sourceId(n) : null; })]));
        return;
      }
      var body = section.text ? formatted(section.text, sourceId) : list(section.items, section.numbered, sourceId);
      if (!section.open) {
        card.appendChild(el("details", { class: "bg-section" }, [el("summary", {}, [section.title]), body]));
        return;
      }
      var box = el("div", { class: "bg-section bg-" + section.key });
      if (section.title) box.appendChild(el("p", { class: "bg-heading" }, [el("strong", {}, [section.title])]));
      box.appendChild(body);
      if (section.key === "stappen") box.appendChild(copyButton(section.items));
      card.appendChild(box);
    });
    card.appendChild(el("footer", {}, [el("strong", {}, ["Bronnen"]), sourceItems(sources, footerNumbers, sourceId),
      "Laatst gecontroleerd: " + custom.last_verified]));
    return card;
  }

  function copyButton(items) {
    var button = el("button", { type: "button", class: "bg-copy" }, ["Kopieer stappen"]);
    button.addEventListener("click", function () {
      var text = items.map(function (item, i) { return (i + 1) + ". " + item; }).join("\n");
      navigator.clipboard.writeText(text).then(function () { button.textContent = "Gekopieerd"; },
        function () { button.textContent = "Kopiëren lukt niet"; });
    });
    return button;
  }

  function showError(text) {
    var retry = el("button", { type: "button" }, ["Opnieuw proberen"]);
    var box = el("div", { class: "bg-message bg-bot bg-error", role: "alert", tabindex: "-1" },
      [text + " Je vraag is niet verloren: probeer het zo opnieuw. ", retry]);
    retry.addEventListener("click", function () { box.remove(); post(lastSent); });
    log.appendChild(box);
    reveal(box);
  }

  function post(message) {
    lastSent = message;
    var typing = el("p", { class: "bg-typing", role: "status" }, ["Baliegids typt…"]);
    log.appendChild(typing);
    log.scrollTop = log.scrollHeight;
    var controller = new AbortController();
    var slow = setTimeout(function () { typing.textContent = "Baliegids zoekt het nog uit, nog even geduld…"; }, SLOW_MS);
    var timeout = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    fetch(rasaUrl + "/webhooks/rest/webhook", {
      method: "POST", headers: { "Content-Type": "application/json" }, signal: controller.signal,
      body: JSON.stringify({ sender: state.sender, message: message })
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (messages) {
      typing.remove();
      state.history.push({ bot: messages });
      save();
      reveal(showReply(messages));
    }).catch(function (error) {
      typing.remove();
      showError(error.name === "AbortError"
        ? "Baliegids antwoordt nu niet binnen " + TIMEOUT_MS / 1000 + " seconden."
        : "Baliegids is op dit moment niet bereikbaar.");
    }).then(function () { clearTimeout(slow); clearTimeout(timeout); });
  }

  function send(message, shown) {
    if (!message.trim()) return;
    showUser(shown);
    state.history.push({ user: shown });
    save();
    post(message);
  }

  /* The opening message: what Baliegids is for, with example questions to click. */
  function showWelcome() {
    var box = el("div", { class: "bg-message bg-bot bg-welcome" }, [el("span", { class: "bg-visually-hidden" }, ["Baliegids: "]),
      el("p", {}, ["Hallo, ik ben Baliegids. Stel je vraag over een vrouw in of uit de vrouwenopvang, of probeer een voorbeeld:"])]);
    var row = el("div", { class: "bg-buttons" });
    EXAMPLES.forEach(function (question) {
      var button = el("button", { type: "button" }, [question]);
      button.addEventListener("click", function () { send(question, question); });
      row.appendChild(button);
    });
    box.appendChild(row);
    log.appendChild(box);
  }

  function setOpen(open) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    (open ? input : launcher).focus();
  }

  function askRestart() {
    var yes = el("button", { type: "button" }, ["Ja, wissen"]);
    var no = el("button", { type: "button" }, ["Nee"]);
    confirmBar.textContent = "";
    confirmBar.appendChild(el("p", {}, ["Het hele gesprek wissen en opnieuw beginnen?"]));
    confirmBar.appendChild(yes);
    confirmBar.appendChild(no);
    confirmBar.hidden = false;
    no.focus();
    no.addEventListener("click", function () { confirmBar.hidden = true; restart.focus(); });
    yes.addEventListener("click", function () {
      confirmBar.hidden = true;
      log.textContent = "";
      state.history = [];
      save();
      showWelcome();
      post("/restart");
      input.focus();
    });
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
  restart.addEventListener("click", askRestart);
  log.addEventListener("click", function (event) {  // a marker whose source is in a closed section opens it
    var marker = event.target.closest && event.target.closest("a.bg-marker");
    var target = marker && document.getElementById(marker.getAttribute("href").slice(1));
    var closed = target && target.closest("details");
    if (closed) closed.open = true;
  });
  var saving = null;
  log.addEventListener("scroll", function () {  // the position survives a reload
    clearTimeout(saving);
    saving = setTimeout(function () { state.scroll = log.scrollTop; save(); }, 150);
  });

  var stylesheet = el("link", { rel: "stylesheet", href: new URL("baliegids.css", script.src).href });
  document.head.appendChild(stylesheet);
  document.body.appendChild(launcher);
  document.body.appendChild(panel);
  showWelcome();
  state.history.forEach(function (entry) { if (entry.user) showUser(entry.user); else showReply(entry.bot); });
  if (state.open) {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    log.scrollTop = state.scroll || 0;
  }
})();
