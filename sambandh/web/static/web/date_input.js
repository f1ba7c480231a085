/* Date and time inputs in the user's own format and time zone (web/date_inputs.py renders them).
 * The visible inputs show and accept the day the user's way (31/12/2026, 12/31/2026, 31.12.2026,
 * native digits); a calendar button opens a dialog with a grid of days (arrow keys, Home/End,
 * Page Up/Down for months, Shift+Page Up/Down for years, Enter to choose, Escape to close), its
 * month and weekday names rendered by the server from the user's locale (data-date-config). What
 * was read goes, as ISO (2026-12-31, 2026-12-31T10:00), into the hidden input named after the
 * field, which this script enables; text it cannot read leaves that input disabled, so the server
 * reads the typed text itself and answers with its translated error. */
(function () {
  "use strict";

  var NATIVE_ZEROS = [0x0660, 0x06f0, 0x0966, 0x09e6, 0x0ae6, 0x0c66, 0x0ce6, 0x0d66, 0x0e50, 0xff10];

  function toLatin(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i), mapped = null;
      for (var z = 0; z < NATIVE_ZEROS.length; z++) {
        if (code >= NATIVE_ZEROS[z] && code <= NATIVE_ZEROS[z] + 9) mapped = String(code - NATIVE_ZEROS[z]);
      }
      out += mapped === null ? text.charAt(i) : mapped;
    }
    return out.replace(/[\u200e\u200f]/g, "");
  }

  function native(cfg, text) {
    if (!cfg.zero) return text;
    return text.replace(/[0-9]/g, function (d) { return String.fromCharCode(cfg.zero + Number(d)); });
  }

  function pad(n, width) { var s = String(n); while (s.length < width) s = "0" + s; return s; }
  function iso(d) { return pad(d.getFullYear(), 4) + "-" + pad(d.getMonth() + 1, 2) + "-" + pad(d.getDate(), 2); }
  function fromIso(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text || "");
    if (!m) return null;
    var d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return d.getMonth() === Number(m[2]) - 1 ? d : null;
  }
  function mondayIndex(d) { return (d.getDay() + 6) % 7; }  // CLDR counts Monday as 0

  /** A CLDR pattern ("dd/MM/y", "EEEE, d MMMM y", "MMMM y") filled in with ``d``. */
  function format(cfg, pattern, d, hours, minutes) {
    return native(cfg, pattern.replace(/'([^']*)'|([a-zA-Z])\2*/g, function (all, quoted) {
      if (quoted !== undefined) return quoted || "'";
      var n = all.length;
      switch (all.charAt(0)) {
        case "d": return pad(d.getDate(), n);
        case "M": return n >= 4 ? cfg.months[d.getMonth()] : n === 3 ? cfg.monthsShort[d.getMonth()] : pad(d.getMonth() + 1, n);
        case "L": return n >= 4 ? cfg.monthsAlone[d.getMonth()] : n === 3 ? cfg.monthsShort[d.getMonth()] : pad(d.getMonth() + 1, n);
        case "y": return n === 2 ? pad(d.getFullYear() % 100, 2) : String(d.getFullYear());
        case "E": return n >= 4 ? cfg.days[mondayIndex(d)] : cfg.daysShort[mondayIndex(d)];
        case "H": return pad(hours, n);
        case "h": return pad(hours % 12 || 12, n);
        case "m": return pad(minutes, n);
        case "a": return hours < 12 ? cfg.am : cfg.pm;
        default: return all;
      }
    }));
  }

  function fold(word) { return word.toLocaleLowerCase().replace(/[.\s]/g, ""); }

  /** The day ``text`` names in the user's format, or null when it names none. */
  function parseDate(cfg, text) {
    var plain = toLatin(text.trim());
    if (!plain) return "";
    if (/^\d{4}-\d{2}-\d{2}$/.test(plain)) return fromIso(plain);
    var tokens = plain.match(/\d+|[^\s\d.,\/\-:\u060c]+\.?/g) || [];
    var numbers = tokens.filter(function (t) { return /^\d+$/.test(t); });
    var words = tokens.filter(function (t) { return !/^\d+$/.test(t); });
    var order = cfg.order, values = {}, month = null;
    if (words.length) {
      var names = cfg.months.concat(cfg.monthsShort, cfg.monthsAlone).map(fold);
      var found = words.map(function (w) { return names.indexOf(fold(w)); }).filter(function (i) { return i >= 0; });
      if (found.length !== 1 || numbers.length !== 2 || words.length > 2) return null;
      month = (found[0] % 12) + 1;
      order = order.replace("m", "");
    } else if (numbers.length !== 3 || tokens.length !== 3) {
      return null;
    }
    for (var i = 0; i < order.length; i++) values[order.charAt(i)] = numbers[i];
    if (month !== null && values.d.length === 4 && values.y.length <= 2) { var t = values.d; values.d = values.y; values.y = t; }
    if (values.y.length !== 4) return null;
    month = month || Number(values.m);
    var d = new Date(Number(values.y), month - 1, Number(values.d));
    d.setFullYear(Number(values.y));
    return d.getMonth() === month - 1 && d.getDate() === Number(values.d) ? d : null;
  }

  /** [hours, minutes] of ``text`` ("10:00", "10:00 PM"), "" when blank, null when unreadable. */
  function parseTime(cfg, text) {
    var plain = toLatin(text.trim());
    if (!plain) return "";
    var numbers = plain.match(/\d+/g) || [];
    var rest = fold(plain.replace(/[\d:.\s\u202f]+/g, " "));
    var markers = { am: 0, pm: 12 };
    markers[fold(cfg.am)] = 0;
    markers[fold(cfg.pm)] = 12;
    if (rest && !(rest in markers)) return null;
    if (numbers.length === 1 && (numbers[0].length === 3 || numbers[0].length === 4)) {
      numbers = [numbers[0].slice(0, -2), numbers[0].slice(-2)];
    }
    if (numbers.length < 1 || numbers.length > 2) return null;
    var h = Number(numbers[0]), m = numbers.length === 2 ? Number(numbers[1]) : 0;
    if (rest) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + markers[rest];
    }
    return h <= 23 && m <= 59 ? [h, m] : null;
  }

  // ------------------------------------------------------------------ one input
  function Picker(root) {
    this.root = root;
    this.cfg = JSON.parse(root.getAttribute("data-date-config"));
    this.day = root.querySelector(".date-input-day");
    this.time = root.querySelector(".date-input-time");
    this.hidden = root.querySelector("[data-date-iso]");
    this.button = root.querySelector("[data-date-open]");
    this.dialog = null;
    var self = this;
    this.button.hidden = false;
    this.button.setAttribute("aria-expanded", "false");
    this.button.addEventListener("click", function () { self.dialog ? self.close() : self.open(); });
    [this.day, this.time].forEach(function (input) {
      if (input) input.addEventListener("input", function () { self.sync(); });
      if (input) input.addEventListener("change", function () { self.sync(); });
    });
    this.sync();
  }

  Picker.prototype.sync = function () {
    var day = parseDate(this.cfg, this.day.value);
    var time = this.time ? parseTime(this.cfg, this.time.value) : "";
    var value = null;
    if (day === "" && time === "") value = "";
    else if (day && time !== null) {
      value = iso(day);
      if (this.root.getAttribute("data-date-input") === "datetime" && time) {
        value += "T" + pad(time[0], 2) + ":" + pad(time[1], 2);
      }
    }
    // Unreadable: the server reads the typed text and says what is wrong with it.
    this.hidden.disabled = value === null;
    this.hidden.value = value === null ? "" : value;
  };

  Picker.prototype.open = function () {
    var cfg = this.cfg, self = this;
    var chosen = parseDate(cfg, this.day.value) || fromIso(cfg.today) || new Date();
    this.focused = new Date(chosen.getFullYear(), chosen.getMonth(), chosen.getDate());
    var box = document.createElement("div");
    box.className = "date-picker";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.id = this.day.id + "_picker";
    var heading = document.createElement("div");
    heading.className = "date-picker-heading";
    heading.id = box.id + "_heading";
    heading.setAttribute("aria-live", "polite");
    box.setAttribute("aria-labelledby", heading.id);
    var head = document.createElement("div");
    head.className = "date-picker-head";
    var prev = this._navButton("‹", gettext("Previous month"), -1);
    var next = this._navButton("›", gettext("Next month"), 1);
    head.appendChild(prev);
    head.appendChild(heading);
    head.appendChild(next);
    box.appendChild(head);
    var grid = document.createElement("table");
    grid.className = "date-picker-grid";
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", heading.id);
    var thead = document.createElement("thead"), row = document.createElement("tr");
    for (var i = 0; i < 7; i++) {
      var index = (cfg.firstDay + i) % 7, th = document.createElement("th");
      th.scope = "col";
      th.abbr = cfg.days[index];
      th.textContent = cfg.daysShort[index];
      row.appendChild(th);
    }
    thead.appendChild(row);
    grid.appendChild(thead);
    grid.appendChild(document.createElement("tbody"));
    box.appendChild(grid);
    var foot = document.createElement("div");
    foot.className = "date-picker-foot";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn-sm";
    close.textContent = gettext("Close");
    close.addEventListener("click", function () { self.close(); });
    foot.appendChild(close);
    box.appendChild(foot);
    this.heading = heading;
    this.grid = grid;
    this.dialog = box;
    this.chosen = parseDate(cfg, this.day.value) || null;
    box.addEventListener("keydown", function (event) { self.onKey(event); });
    this.outside = function (event) {
      if (self.dialog && !self.root.contains(event.target)) self.close(true);
    };
    document.addEventListener("mousedown", this.outside);
    this.root.appendChild(box);
    this.button.setAttribute("aria-expanded", "true");
    this.render(true);
  };

  Picker.prototype._navButton = function (symbol, label, months) {
    var self = this, button = document.createElement("button");
    button.type = "button";
    button.className = "btn-icon btn-sm";
    button.setAttribute("aria-label", label);
    button.textContent = document.documentElement.dir === "rtl" ? (symbol === "‹" ? "›" : "‹") : symbol;
    button.addEventListener("click", function () { self.move(0, months, false); });
    return button;
  };

  Picker.prototype.render = function (focus) {
    var cfg = this.cfg, f = this.focused;
    var first = new Date(f.getFullYear(), f.getMonth(), 1);
    this.heading.textContent = format(cfg, cfg.monthYear, first, 0, 0);
    var lead = (mondayIndex(first) - cfg.firstDay + 7) % 7;
    var start = new Date(first.getFullYear(), first.getMonth(), 1 - lead);
    var body = this.grid.tBodies[0], today = cfg.today, chosen = this.chosen ? iso(this.chosen) : "";
    body.textContent = "";
    var self = this, target = null;
    for (var week = 0; week < 6; week++) {
      var tr = document.createElement("tr");
      for (var i = 0; i < 7; i++) {
        var d = new Date(start.getFullYear(), start.getMonth(), start.getDate() + week * 7 + i);
        var td = document.createElement("td"), button = document.createElement("button");
        td.setAttribute("role", "gridcell");
        button.type = "button";
        button.className = "date-picker-day";
        button.textContent = native(cfg, String(d.getDate()));
        button.setAttribute("aria-label", format(cfg, cfg.fullPattern, d, 0, 0));
        button.setAttribute("data-date", iso(d));
        button.tabIndex = -1;
        if (d.getMonth() !== f.getMonth()) button.classList.add("is-outside");
        if (iso(d) === today) button.setAttribute("aria-current", "date");
        if (iso(d) === chosen) td.setAttribute("aria-selected", "true");
        if (iso(d) === iso(f)) { button.tabIndex = 0; target = button; }
        button.addEventListener("click", function (event) {
          self.choose(fromIso(event.currentTarget.getAttribute("data-date")));
        });
        td.appendChild(button);
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    if (focus && target) target.focus();
  };

  Picker.prototype.move = function (days, months, focus) {
    var f = this.focused;
    if (months) {
      var day = f.getDate(), moved = new Date(f.getFullYear(), f.getMonth() + months, 1);
      var last = new Date(moved.getFullYear(), moved.getMonth() + 1, 0).getDate();
      this.focused = new Date(moved.getFullYear(), moved.getMonth(), Math.min(day, last));
    } else {
      this.focused = new Date(f.getFullYear(), f.getMonth(), f.getDate() + days);
    }
    this.render(focus);
  };

  Picker.prototype.onKey = function (event) {
    var inGrid = event.target.classList && event.target.classList.contains("date-picker-day");
    var rtl = document.documentElement.dir === "rtl";
    var key = event.key;
    if (key === "Escape") { event.preventDefault(); this.close(); return; }
    if (key === "Tab") { this.trap(event); return; }
    if (!inGrid) return;
    var offset = (mondayIndex(this.focused) - this.cfg.firstDay + 7) % 7;
    var moves = {
      ArrowLeft: [rtl ? 1 : -1, 0], ArrowRight: [rtl ? -1 : 1, 0], ArrowUp: [-7, 0], ArrowDown: [7, 0],
      Home: [-offset, 0], End: [6 - offset, 0],
      PageUp: [0, event.shiftKey ? -12 : -1], PageDown: [0, event.shiftKey ? 12 : 1]
    };
    if (moves[key]) {
      event.preventDefault();
      this.move(moves[key][0], moves[key][1], true);
    } else if (key === "Enter" || key === " ") {
      event.preventDefault();
      this.choose(this.focused);
    }
  };

  Picker.prototype.trap = function (event) {
    var items = Array.prototype.filter.call(
      this.dialog.querySelectorAll("button"),
      function (b) { return b.tabIndex >= 0; }
    );
    var index = items.indexOf(document.activeElement);
    if (event.shiftKey && index <= 0) { event.preventDefault(); items[items.length - 1].focus(); }
    else if (!event.shiftKey && index === items.length - 1) { event.preventDefault(); items[0].focus(); }
  };

  Picker.prototype.choose = function (d) {
    this.day.value = format(this.cfg, this.cfg.pattern, d, 0, 0);
    this.sync();
    this.day.dispatchEvent(new Event("change", { bubbles: true }));
    this.close();
    if (window.interpolate) {
      var said = document.getElementById("sr-status");
      if (said) said.textContent = interpolate(gettext("Chosen: %s"), [format(this.cfg, this.cfg.fullPattern, d, 0, 0)]);
    }
  };

  Picker.prototype.close = function (keepFocus) {
    if (!this.dialog) return;
    document.removeEventListener("mousedown", this.outside);
    this.dialog.remove();
    this.dialog = null;
    this.button.setAttribute("aria-expanded", "false");
    if (!keepFocus) this.button.focus();
  };

  function enhance(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-date-input]"), function (el) {
      if (el.datePicker) return;
      try { el.datePicker = new Picker(el); } catch (e) { /* the typed text is still posted */ }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  else enhance(document);
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  // Inputs other scripts put in the page without htmx (the bulk bar's value input).
  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        Array.prototype.forEach.call(record.addedNodes, function (node) {
          if (node.nodeType === 1 && (node.matches("[data-date-input]") || node.querySelector("[data-date-input]"))) {
            enhance(node.parentNode || node);
          }
        });
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  window.sambandhDates = { parseDate: parseDate, parseTime: parseTime, format: format };
})();
