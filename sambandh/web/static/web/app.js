/* Sambandh shell behaviour: the search palette, the mobile menu, confirmations, toasts, and
 * moving kanban cards by drag and drop or keyboard. Vanilla JS, no build step; the page's
 * Content-Security-Policy forbids inline scripts, so every behaviour lives here and hooks onto
 * data-* attributes and class names by event delegation (it keeps working after htmx swaps).
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ helpers
  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // Text the script shows comes from gettext()/interpolate(): the page's language catalogue
  // (Django's JavaScriptCatalog, loaded before this file as a script from our own origin).

  function isRtl() { return document.documentElement.dir === "rtl"; }

  function isTypingTarget(el) {
    if (!el || el === document.body) return false;
    var dialog = el.closest && el.closest("dialog");
    if (dialog && !dialog.open) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function csrfToken() {
    var headers = document.body && document.body.getAttribute("hx-headers");
    if (headers) {
      try {
        var parsed = JSON.parse(headers);
        if (parsed["X-CSRFToken"]) return parsed["X-CSRFToken"];
      } catch (e) { /* fall through to the form field or cookie */ }
    }
    var field = $("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function announce(text) {
    var region = document.getElementById("sr-status");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 30);
  }

  // ------------------------------------------------------------------- toasts
  var TOAST_MS = 5000;

  function dismissToast(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    window.setTimeout(function () { toast.remove(); }, 220);
  }

  function scheduleToasts(root) {
    $all(".toast[data-autodismiss]", root).forEach(function (toast) {
      if (toast.dataset.scheduled) return;
      toast.dataset.scheduled = "1";
      var timer = window.setTimeout(function () { dismissToast(toast); }, TOAST_MS);
      // Keep it while the pointer or focus is on it, so it can be read.
      toast.addEventListener("mouseenter", function () { window.clearTimeout(timer); });
      toast.addEventListener("focusin", function () { window.clearTimeout(timer); });
    });
  }

  /** Show a toast from script. level: "success" | "error" | "warning" | "info". */
  function toast(text, level) {
    var box = document.getElementById("toasts");
    if (!box) { window.alert(text); return; }
    level = level || "info";
    var el = document.createElement("div");
    el.className = "toast toast-" + level;
    if (level === "error") el.setAttribute("role", "alert"); else el.dataset.autodismiss = "";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-icon";
    close.dataset.dismiss = "";
    close.setAttribute("aria-label", gettext("Dismiss"));
    close.textContent = "×";
    el.appendChild(body);
    el.appendChild(close);
    box.appendChild(el);
    scheduleToasts(box);
  }

  // ---------------------------------------------------------- search palette
  function palette() { return document.getElementById("search-palette"); }
  function paletteInput() { return document.getElementById("search-palette-input"); }
  function paletteLinks() {
    var results = document.getElementById("search-palette-results");
    return results ? $all("a[href]", results) : [];
  }

  var focusBeforePalette = null;

  function openPalette() {
    var dialog = palette();
    if (!dialog) return;
    closeNav();
    if (!dialog.open) {
      focusBeforePalette = document.activeElement;
      dialog.showModal();
    }
    var input = paletteInput();
    if (input) { input.focus(); input.select(); }
  }

  function closePalette() {
    var dialog = palette();
    if (dialog && dialog.open) dialog.close();
    restoreFocusAfterPalette();
  }

  // Give focus back to where it was; when that was nowhere, leave none inside the closed
  // dialog, or "/" would type into the hidden box instead of opening it.
  function restoreFocusAfterPalette() {
    var dialog = palette();
    var back = focusBeforePalette;
    focusBeforePalette = null;
    if (back && back !== document.body && back.isConnected && typeof back.focus === "function") {
      back.focus();
    } else if (dialog && dialog.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  }

  function focusLink(links, index) {
    if (!links.length) return;
    var i = Math.max(0, Math.min(index, links.length - 1));
    links[i].focus();
    links[i].scrollIntoView({ block: "nearest" });
  }

  function onPaletteKeydown(event) {
    var input = paletteInput();
    var links = paletteLinks();
    var current = links.indexOf(document.activeElement);
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        focusLink(links, current < 0 ? 0 : current + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (current <= 0) { if (input) input.focus(); } else { focusLink(links, current - 1); }
        break;
      case "Home":
        if (current >= 0) { event.preventDefault(); focusLink(links, 0); }
        break;
      case "End":
        if (current >= 0) { event.preventDefault(); focusLink(links, links.length - 1); }
        break;
      case "Enter":
        // Enter in the box opens the first result; on a focused link the browser follows it.
        if (document.activeElement === input && links.length) {
          event.preventDefault();
          links[0].click();
        }
        break;
      case "Escape":
        event.preventDefault();
        closePalette();
        break;
      default:
        // Typing while a result has focus goes back to the box.
        if (current >= 0 && input && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
          input.focus();
        }
    }
  }

  // ---------------------------------------------------------- mobile menu
  function setNav(open) {
    var app = document.getElementById("app");
    if (!app) return;
    app.classList.toggle("nav-open", open);
    $all("[data-nav-toggle]").forEach(function (b) { b.setAttribute("aria-expanded", open ? "true" : "false"); });
    var backdrop = $(".nav-backdrop");
    if (backdrop) backdrop.hidden = !open;
    if (open) {
      var first = $(".sidebar .nav-link.is-active") || $(".sidebar .nav-link");
      if (first) first.focus();
    }
  }
  function closeNav() {
    var app = document.getElementById("app");
    if (app && app.classList.contains("nav-open")) {
      setNav(false);
      var toggle = $("[data-nav-toggle]");
      if (toggle) toggle.focus();
    }
  }

  // ------------------------------------------------------------------ board
  var dragged = null;
  // One move at a time: the answer replaces the whole board, so a second move sent meanwhile
  // would act on a card that is about to be replaced.
  var moveInFlight = false;

  function boardColumns(card) {
    var board = card.closest("#board, .board");
    return board ? $all(".board-col[data-stage-id]", board) : [];
  }

  function columnBody(col) { return $(".board-col-body", col) || col; }

  function stageName(col) {
    if (col.dataset.stageName) return col.dataset.stageName;
    var title = $(".board-col-title", col);
    return title ? title.textContent.trim() : "";
  }

  function replaceBoard(html) {
    var board = document.getElementById("board");
    if (!board) return;
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    var fresh = tpl.content.querySelector("#board") || tpl.content.firstElementChild;
    if (!fresh) return;
    board.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    prepareBoard(fresh);
  }

  function findCard(moveUrl) {
    var board = document.getElementById("board");
    if (!board || !moveUrl) return null;
    prepareBoard(board);
    return $all(".board-card[data-move-url]", board).filter(function (c) {
      return c.dataset.moveUrl === moveUrl;
    })[0] || null;
  }

  /** POST the move; the server answers with the whole board, which replaces #board. */
  function moveCard(card, col, keepFocus) {
    var url = card.dataset.moveUrl;
    var stage = col.dataset.stageId;
    if (!url || !stage) return;
    var currentCol = card.closest(".board-col");
    if (currentCol === col || moveInFlight) return;
    moveInFlight = true;

    // Optimistic: show the card in its new column while the request runs.
    columnBody(col).appendChild(card);
    card.classList.add("is-moving");
    var values = { stage: stage, version: card.dataset.version || "" };
    var name = stageName(col);
    var done = function () {
      moveInFlight = false;
      // The new board tells what happened: on a conflict the card is back where it was.
      var fresh = findCard(url);
      if (fresh && keepFocus) fresh.focus();
      var landed = fresh && fresh.closest(".board-col");
      if (landed && landed.dataset.stageId === stage && name) {
        announce(interpolate(gettext("Moved to %(stage)s."), { stage: name }, true));
      } else {
        var notice = $("#board [role=alert]");
        if (notice) announce(notice.textContent.trim());
      }
    };
    var failed = function () {
      moveInFlight = false;
      card.classList.remove("is-moving");
      if (currentCol) columnBody(currentCol).appendChild(card);
      if (keepFocus) card.focus();
      toast(gettext("The card could not be moved. Reload the page and try again."), "error");
    };

    if (window.htmx && document.getElementById("board")) {
      window.htmx.ajax("POST", url, {
        source: card,
        target: "#board",
        swap: "outerHTML",
        values: values,
        headers: { "X-CSRFToken": csrfToken() }
      }).then(function () {
        // htmx resolves after a swap and after an error alike; a card still marked moving
        // means nothing replaced the board.
        var stale = document.getElementById("board") && card.isConnected && card.classList.contains("is-moving");
        if (stale) failed(); else done();
      }, failed);
      return;
    }

    var body = new URLSearchParams(values);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (response) {
      return response.text().then(function (html) {
        if (!response.ok && response.status !== 409 && response.status !== 422) throw new Error(String(response.status));
        replaceBoard(html);
        done();
      });
    }).catch(failed);
  }

  function prepareBoard(root) {
    // Cards must be focusable for the keyboard moves.
    $all(".board-card[data-move-url]", root).forEach(function (card) {
      if (!card.hasAttribute("tabindex")) card.setAttribute("tabindex", "0");
      if (!card.hasAttribute("aria-keyshortcuts")) card.setAttribute("aria-keyshortcuts", "Alt+ArrowLeft Alt+ArrowRight");
    });
  }

  function clearDropTargets() {
    $all(".board-col.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[draggable=true][data-move-url]");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    // Firefox starts a drag only when data is set.
    try { event.dataTransfer.setData("text/plain", card.dataset.moveUrl); } catch (e) { /* IE-era engines */ }
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clearDropTargets();
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var col = event.target.closest && event.target.closest(".board-col[data-stage-id]");
    if (!col) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!col.classList.contains("drop-target")) {
      clearDropTargets();
      if (col !== dragged.closest(".board-col")) col.classList.add("drop-target");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var col = event.target.closest && event.target.closest(".board-col.drop-target");
    if (col && !col.contains(event.relatedTarget)) col.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var col = event.target.closest && event.target.closest(".board-col[data-stage-id]");
    clearDropTargets();
    if (!col) return;
    event.preventDefault();
    var card = dragged;
    card.classList.remove("is-dragging");
    dragged = null;
    moveCard(card, col, false);
  });

  function onBoardKeydown(event) {
    if (!event.altKey || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return false;
    var card = event.target.closest && event.target.closest(".board-card[data-move-url]");
    if (!card || event.target !== card) return false;
    var cols = boardColumns(card);
    var index = cols.indexOf(card.closest(".board-col"));
    if (index < 0) return false;
    // Arrows follow what the eye sees: in a right-to-left page the next column is on the left.
    var forward = (event.key === "ArrowRight") !== isRtl();
    var target = cols[index + (forward ? 1 : -1)];
    event.preventDefault();  // also stops Alt+Left from going back in history
    if (target) moveCard(card, target, true);
    return true;
  }

  // ----------------------------------------------------------------- events
  document.addEventListener("keydown", function (event) {
    var key = event.key;
    var dialog = palette();

    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && (key === "k" || key === "K")) {
      event.preventDefault();
      if (dialog && dialog.open) closePalette(); else openPalette();
      return;
    }
    if (dialog && dialog.open && dialog.contains(event.target)) {
      onPaletteKeydown(event);
      return;
    }
    if (key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !isTypingTarget(event.target)) {
      event.preventDefault();
      openPalette();
      return;
    }
    if (key === "Escape") {
      closeNav();
      $all("details[data-menu][open]").forEach(function (d) { d.open = false; });
      return;
    }
    onBoardKeydown(event);
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;

    if (target.closest("[data-palette-open]")) { event.preventDefault(); openPalette(); return; }
    if (target.closest("[data-palette-close]")) { event.preventDefault(); closePalette(); return; }

    // A click on the dialog's own box (the backdrop area) closes it.
    var dialog = palette();
    if (dialog && dialog.open && target === dialog) { closePalette(); return; }

    if (target.closest("[data-nav-toggle]")) {
      var app = document.getElementById("app");
      setNav(!(app && app.classList.contains("nav-open")));
      return;
    }
    if (target.closest("[data-nav-close]")) { closeNav(); return; }

    var dismiss = target.closest("[data-dismiss]");
    if (dismiss) { dismissToast(dismiss.closest(".toast")); return; }

    // Links and non-submit buttons with data-confirm ask first.
    var confirmEl = target.closest("a[data-confirm], button[data-confirm]:not([type=submit])");
    if (confirmEl && !window.confirm(confirmEl.dataset.confirm || gettext("Are you sure?"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }

    // Close open menus when clicking elsewhere.
    $all("details[data-menu][open]").forEach(function (d) { if (!d.contains(target)) d.open = false; });
  }, true);

  // A form with data-confirm (or submitted by a button with data-confirm) asks before it goes;
  // a button marked data-no-confirm (the bulk bar's exports) submits without asking.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute && submitter.hasAttribute("data-no-confirm")) return;
    var message = (submitter && submitter.dataset && submitter.dataset.confirm) || (form.dataset && form.dataset.confirm);
    if (message === undefined) return;
    if (!window.confirm(message || gettext("Are you sure?"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // The board's <select> fallback: changing it moves the card the same way.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches(".board-card select[data-board-move]")) return;
    var card = select.closest(".board-card[data-move-url]");
    var cols = card ? boardColumns(card) : [];
    var col = cols.filter(function (c) { return c.dataset.stageId === select.value; })[0];
    if (card && col) { event.preventDefault(); moveCard(card, col, true); }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    scheduleToasts(document);
    prepareBoard(event.target || document);
    // New palette results: nothing focused yet, the input keeps the caret.
  });

  document.addEventListener("htmx:sendError", function () {
    toast(gettext("The server could not be reached. Check your connection and try again."), "error");
  });

  function init() {
    scheduleToasts(document);
    prepareBoard(document);
    // Show the Mac modifier on the shortcut hint.
    var platform = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "";
    if (/mac|iphone|ipad/i.test(platform)) {
      $all("[data-mod-key]").forEach(function (k) { k.textContent = "⌘"; });
    }
    var dialog = palette();
    if (dialog) {
      // The browser may close it by itself (Escape on some engines): tidy the focus then too.
      // The event is queued: if the palette was opened again meanwhile, leave it be.
      dialog.addEventListener("close", function () {
        if (!dialog.open) restoreFocusAfterPalette();
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  window.Sambandh = { toast: toast, openPalette: openPalette, closePalette: closePalette };
})();
