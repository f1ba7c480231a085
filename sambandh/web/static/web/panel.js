/* A record's side panel (sambandh/panels): a plain click on a link with data-panel (a list
 * row's name, a board card's title) opens the record in a drawer beside the list instead of
 * leaving it; Ctrl/Cmd/Shift/Alt-click and the middle button still open the page. The drawer is
 * a modal <dialog> (focus moves into it and stays there); Escape or the close button closes it
 * and gives focus back to the link. The list keeps its scroll position; when a field was saved
 * in the panel, closing it asks the list to redraw its rows (lists.js, "sambandh:list-refresh").
 * Clicks are caught on the document, so rows that live filtering (lists.js) puts in place work
 * too. The URL keeps "#panel=<type>-<id>" while the panel is open, so a reload or a shared link
 * opens it again. Inline editing inside the panel is web/inline.js's. */
(function () {
  "use strict";

  var HASH = /^#panel=([a-z][a-z0-9_-]*)-(\d{1,19})$/;
  var opener = null; // the link the panel was opened from, to give focus back to
  var request = 0; // the newest load: an older answer arriving late is dropped
  var changed = false; // a field was saved in the panel: the list behind it is redrawn on close

  function dialog() { return document.getElementById("record-panel"); }
  function content() { return document.getElementById("record-panel-content"); }

  function message(text) {
    var box = content();
    if (!box) return;
    box.textContent = "";
    var title = document.createElement("h2");
    title.id = "record-panel-title";
    title.className = "sr-only";
    title.textContent = text;
    var p = document.createElement("p");
    p.className = "record-panel-message";
    p.textContent = text;
    box.appendChild(title);
    box.appendChild(p);
  }

  function setHash(key) {
    if (!window.history || !history.replaceState) return;
    var base = location.pathname + location.search;
    history.replaceState(history.state, "", key ? base + "#panel=" + key : base);
  }

  function load(url, key) {
    var panel = dialog();
    var box = content();
    if (!panel || !box) return;
    var mine = ++request;
    box.setAttribute("aria-busy", "true");
    message(panel.dataset.loading || "Loading…");
    if (!panel.open) panel.showModal();
    var close = panel.querySelector("[data-panel-close]");
    if (close) close.focus();
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
      .then(function (html) {
        if (mine !== request || !panel.open) return;
        box.innerHTML = html;
        box.setAttribute("aria-busy", "false");
        box.scrollTop = 0;
        if (window.htmx && window.htmx.process) window.htmx.process(box);
        var first = box.querySelector("[data-panel-focus]");
        if (first) first.focus();
        setHash(key);
      })
      .catch(function () {
        if (mine !== request || !panel.open) return;
        box.setAttribute("aria-busy", "false");
        message(panel.dataset.failed || gettext("This record could not be opened. It may have been deleted, or it is not shared with you."));
      });
  }

  function urlFor(key) {
    var panel = dialog();
    var match = HASH.exec("#panel=" + key);
    if (!panel || !match || !panel.dataset.panelPattern) return "";
    return panel.dataset.panelPattern.replace("/type/1/", "/" + match[1] + "/" + match[2] + "/");
  }

  function keyOf(url) {
    var panel = dialog();
    var pattern = panel && panel.dataset.panelPattern;
    if (!pattern) return "";
    var prefix = pattern.slice(0, pattern.indexOf("/type/1/") + 1);
    var rest = url.indexOf(prefix) === 0 ? url.slice(prefix.length).split("/") : [];
    return rest.length >= 2 ? rest[0] + "-" + rest[1] : "";
  }

  function open(link) {
    opener = link;
    load(link.dataset.panel, keyOf(link.dataset.panel));
  }

  function closePanel() {
    var panel = dialog();
    if (panel && panel.open) panel.close(); // the "close" event tidies up
  }

  function afterClose() {
    request++;
    setHash("");
    if (changed) {
      changed = false;
      document.dispatchEvent(new CustomEvent("sambandh:list-refresh"));
    }
    var box = content();
    if (box) box.textContent = "";
    var back = opener;
    opener = null;
    if (back && !back.isConnected && back.dataset.panel) {
      // the list was redrawn meanwhile: the same record's new link, if it is still listed
      back = document.querySelector('a[data-panel="' + back.dataset.panel + '"]');
    }
    if (back && back.isConnected) back.focus();
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    if (target.closest("[data-panel-close]")) { event.preventDefault(); closePanel(); return; }
    var panel = dialog();
    if (panel && panel.open && target === panel) { closePanel(); return; } // the backdrop
    var link = target.closest("a[data-panel]");
    if (!link || !panel) return;
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    open(link);
  });

  // An address naming a panel ("#panel=person-12": a reload, a shared link) opens it.
  function fromHash() {
    var match = HASH.exec(location.hash || "");
    if (!match) return;
    var key = match[1] + "-" + match[2];
    var url = urlFor(key);
    if (!url) return;
    opener = document.querySelector('a[data-panel="' + url + '"]');
    load(url, key);
  }

  document.addEventListener("sambandh:record-saved", function () {
    var panel = dialog();
    if (panel && panel.open) changed = true;
  });

  function init() {
    var panel = dialog();
    if (!panel) return;
    // Escape (the browser's own close request) and the close button both end here. Escape in
    // a field's inline editor only cancels the edit: inline.js stops its default.
    panel.addEventListener("close", afterClose);
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
