/* List pages: filters that apply as you type or choose, removable filter chips, a table that
 * fits the screen, cards on a phone, and the list's count. Every part is an enhancement: without
 * this script the filter form submits with its button and the table scrolls sideways.
 *
 * - Live filters: the form marked data-live-filters asks for its own URL with the new query
 *   (debounced while typing), and the regions marked data-live-region (the saved-view tabs, the
 *   "save view" form, the results) are replaced by those of the answer; the address bar gets the
 *   new URL, so it stays shareable. The form itself is kept, so focus and typing are not lost.
 * - Fit: when the table is wider than its box, the columns of the highest data-prio give way
 *   (rightmost first) until it fits; a note says how many are hidden and shows them on demand.
 *   Clipped cells show their full text on hover (title) and on focus (CSS).
 * - Cards: each cell gets its column's name (data-label), which the phone layout shows.
 * - Count: the element data-list-count is filled from its URL once the page is shown, so the
 *   page itself never waits for a count.
 * - Refresh: the event "sambandh:list-refresh" (a record changed in the side panel) asks for the
 *   page's own URL again and redraws its regions, focus kept on the same record's link. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 300;
  var form = null;
  var timer = null;
  var inflight = null;
  var lastUrl = null;

  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function strings() {
    var el = document.getElementById("list-meta");
    return el ? el.dataset : {};
  }

  // --- live filters ------------------------------------------------------------------------
  function queryOf(f) {
    var params = new URLSearchParams();
    new FormData(f).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") params.append(name, value.trim());
    });
    var text = params.toString();
    return f.getAttribute("action").split("?")[0] + (text ? "?" + text : "");
  }

  function apply(html, url, asked, keepScroll) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = document.querySelector("main");
    var at = [window.scrollX, window.scrollY, main ? main.scrollTop : 0];
    var focused = document.activeElement;
    var panelKey = focused && focused.dataset ? focused.dataset.panel : null;
    $all("[data-live-region]").forEach(function (region) {
      var fresh = doc.getElementById(region.id);
      if (fresh) region.replaceWith(document.importNode(fresh, true));
    });
    if (panelKey && (!document.activeElement || document.activeElement === document.body)) {
      var again = document.querySelector('a[data-panel="' + panelKey + '"]');
      if (again) again.focus({ preventScroll: !!keepScroll });
    }
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", url);
    lastUrl = asked;
    if (window.htmx) $all("[data-live-region]").forEach(function (r) { window.htmx.process(r); });
    document.dispatchEvent(new CustomEvent("sambandh:list-updated"));
    prepare();
    if (keepScroll) {
      // A redraw the reader did not ask for (a record changed in the side panel) leaves the
      // list where they were reading it.
      if (main) main.scrollTop = at[2];
      window.scrollTo(at[0], at[1]);
    }
  }

  function go(now) {
    window.clearTimeout(timer);
    var run = function () {
      var url = queryOf(form);
      if (url === lastUrl) return;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      var results = document.getElementById("list-results");
      if (results) results.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", signal: inflight.signal, headers: { "X-Live-List": "1" } })
        .then(function (r) {
          if (!r.ok) return Promise.reject(r);
          // The server answers a long query with a redirect to its short form: keep that one.
          var shown = new URL(r.url, window.location.href);
          return r.text().then(function (html) { apply(html, shown.pathname + shown.search, url); });
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") return;
          window.location.assign(url); // let the server answer it the plain way
        })
        .finally(function () {
          var now = document.getElementById("list-results");
          if (now) now.removeAttribute("aria-busy");
        });
    };
    if (now) run(); else timer = window.setTimeout(run, DEBOUNCE_MS);
  }

  function labelOf(control) {
    var label = control.id ? document.querySelector('label[for="' + control.id + '"]') : null;
    var text = label ? label.textContent : (control.getAttribute("aria-label") || control.placeholder || control.name);
    return (text || "").trim();
  }

  function valueOf(control) {
    if (control.tagName === "SELECT") {
      var option = control.options[control.selectedIndex];
      return option ? option.textContent.trim() : control.value;
    }
    return control.value.trim();
  }

  function chipControls() {
    return $all("input, select", form).filter(function (c) {
      if (c.type === "hidden" || c.type === "checkbox" || c.type === "submit" || c.disabled) return false;
      return c.name && c.value.trim() !== "";
    });
  }

  function renderChips() {
    var box = document.getElementById("filter-chips");
    if (!box) return;
    var s = strings();
    var controls = chipControls();
    // Drawn again only when they change: leaving a date input (its "change") as a chip is
    // pressed must not replace the chip under the pointer, which would lose the click.
    var drawn = JSON.stringify(controls.map(function (c) { return [c.id || c.name, valueOf(c)]; }));
    if (box.getAttribute("data-drawn") === drawn) return;
    box.setAttribute("data-drawn", drawn);
    box.textContent = "";
    box.hidden = controls.length === 0;
    controls.forEach(function (control) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.dataset.clears = control.id || control.name;
      var name = document.createElement("span");
      name.className = "chip-name";
      name.textContent = labelOf(control) + ": ";
      var value = document.createElement("span");
      value.textContent = valueOf(control);
      var x = document.createElement("span");
      x.className = "chip-x";
      x.setAttribute("aria-hidden", "true");
      x.textContent = "×";
      chip.append(name, value, x);
      chip.setAttribute("aria-label", (s.removeFilter || "Remove filter %(name)s").replace("%(name)s", labelOf(control) + " " + valueOf(control)));
      box.appendChild(chip);
    });
    if (controls.length > 1) {
      var all = document.createElement("button");
      all.type = "button";
      all.className = "btn btn-sm btn-ghost";
      all.dataset.clearsAll = "1";
      all.textContent = s.clearAll || gettext("Clear all");
      box.appendChild(all);
    }
  }

  // A date input (web/date_input.js) sends the ISO value of its hidden input: cleared with it.
  function dateIso(control) {
    var box = control.closest ? control.closest("[data-date-input]") : null;
    return box ? box.querySelector("[data-date-iso]") : null;
  }

  function clearControl(control) {
    if (control.tagName === "SELECT") control.selectedIndex = 0; else control.value = "";
    var iso = dateIso(control);
    if (iso) iso.value = "";
  }

  function onChipClick(event) {
    var chip = event.target.closest && event.target.closest("#filter-chips button");
    if (!chip) return;
    if (chip.dataset.clearsAll) {
      chipControls().forEach(clearControl);
    } else {
      var control = document.getElementById(chip.dataset.clears) || form.querySelector('[name="' + chip.dataset.clears + '"]');
      if (control) clearControl(control);
    }
    renderChips();
    go(true);
    var first = form.querySelector('input[type="search"], input:not([type="hidden"])');
    if (first) first.focus();
  }

  function setUpLiveFilters() {
    form = document.querySelector("form[data-live-filters]");
    if (!form) return;
    form.classList.add("is-live");
    lastUrl = window.location.pathname + window.location.search;
    form.addEventListener("input", function (event) {
      var t = event.target;
      if (t.matches('input[type="search"], input[type="text"], input:not([type])')) {
        renderChips();
        // A day half typed is not asked for yet: once its picker reads it, or on change.
        var iso = dateIso(t);
        if (!iso || !iso.disabled) go(false);
      }
    });
    form.addEventListener("change", function (event) {
      var t = event.target;
      if (t.matches("select, input[type=checkbox], input[type=number]") || dateIso(t)) {
        renderChips();
        go(false);
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      renderChips();
      go(true);
    });
    document.addEventListener("click", onChipClick);
  }

  // --- fit, cards, clipped cells -----------------------------------------------------------
  function columnsOf(table) {
    return $all("thead th", table).map(function (th, index) {
      return { th: th, index: index, prio: parseInt(th.dataset.prio || "1", 10), label: th.textContent.trim() };
    });
  }

  function cellsAt(table, index) {
    return $all("tbody tr", table).map(function (tr) { return tr.children[index]; }).filter(Boolean);
  }

  function label(table) {
    columnsOf(table).forEach(function (col) {
      if (!col.label) return;
      cellsAt(table, col.index).forEach(function (td) { td.dataset.label = col.label; });
    });
  }

  function setHidden(table, col, hidden) {
    col.th.classList.toggle("col-off", hidden);
    cellsAt(table, col.index).forEach(function (td) { td.classList.toggle("col-off", hidden); });
  }

  function fit(wrap) {
    var table = wrap.querySelector("table");
    if (!table || !table.tHead) return;
    var cols = columnsOf(table);
    cols.forEach(function (col) { setHidden(table, col, false); });
    var note = wrap.previousElementSibling && wrap.previousElementSibling.matches(".table-fit") ? wrap.previousElementSibling : null;
    if (wrap.dataset.showAll === "1" || window.matchMedia("(max-width: 600px)").matches) {
      if (note) note.hidden = true;
      scrolled(wrap);
      return;
    }
    var order = cols.filter(function (c) { return c.prio > 1; }).sort(function (a, b) {
      return b.prio - a.prio || b.index - a.index;
    });
    var hidden = [];
    while (wrap.scrollWidth > wrap.clientWidth + 1 && order.length) {
      var col = order.shift();
      setHidden(table, col, true);
      hidden.push(col.label);
    }
    if (!note) {
      note = document.createElement("p");
      note.className = "table-fit";
      wrap.parentNode.insertBefore(note, wrap);
    }
    note.hidden = hidden.length === 0;
    if (hidden.length) {
      var s = strings();
      note.textContent = "";
      var text = document.createElement("span");
      text.textContent = (hidden.length === 1 ? (s.hiddenOne || "1 column hidden to fit: %(names)s") : (s.hiddenMany || "%(count)s columns hidden to fit: %(names)s"))
        .replace("%(count)s", hidden.length).replace("%(names)s", hidden.reverse().join(", "));
      var show = document.createElement("button");
      show.type = "button";
      show.className = "btn btn-sm btn-ghost";
      show.textContent = s.showAll || gettext("Show all columns");
      show.addEventListener("click", function () {
        wrap.dataset.showAll = "1";
        fit(wrap);
        note.hidden = true;
        wrap.focus();
      });
      note.append(text, show);
    }
    scrolled(wrap);
  }

  function scrolled(wrap) {
    var max = wrap.scrollWidth - wrap.clientWidth;
    var at = Math.abs(wrap.scrollLeft);
    wrap.classList.toggle("scroll-more-end", max > 1 && at < max - 1);
    wrap.classList.toggle("scroll-more-start", max > 1 && at > 1);
  }

  function titleClipped(event) {
    var cell = event.target.closest && event.target.closest(".cell-clip");
    if (!cell || cell.title) return;
    if (cell.scrollWidth > cell.clientWidth) cell.title = cell.textContent.trim();
  }

  function prepareTables() {
    $all(".table-wrap").forEach(function (wrap) {
      var table = wrap.querySelector("table.table");
      if (!table) return;
      label(table);
      if (!wrap.dataset.fitReady) {
        wrap.dataset.fitReady = "1";
        wrap.addEventListener("scroll", function () { scrolled(wrap); }, { passive: true });
      }
      fit(wrap);
    });
  }

  // --- count -------------------------------------------------------------------------------
  function fillCount() {
    $all("[data-list-count]").forEach(function (el) {
      if (el.dataset.filled) return;
      el.dataset.filled = "1";
      fetch(el.dataset.listCount, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && data.text) el.textContent = data.text; })
        .catch(function () {});
    });
  }

  function prepare() {
    if (form) renderChips();
    prepareTables();
    fillCount();
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(prepareTables, 120);
  });
  document.addEventListener("mouseover", titleClipped);
  document.addEventListener("focusin", titleClipped);

  function refresh() {
    if (!document.getElementById("list-results")) return;
    var url = window.location.pathname + window.location.search;
    fetch(url, { credentials: "same-origin", headers: { "X-Live-List": "1" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
      .then(function (html) { apply(html, url, lastUrl, true); })
      .catch(function () {}); // the list as it was is still a list: the next load shows the change
  }
  document.addEventListener("sambandh:list-refresh", refresh);

  function init() {
    setUpLiveFilters();
    prepare();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
