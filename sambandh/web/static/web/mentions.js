// The @mention picker of a note: in a textarea with data-mentions (the URL of the directory,
// answering {"users": [[full name, email], ...]} for ?q=), typing "@" and a few letters lists
// the colleagues whose name or email match; Up/Down choose, Enter or Tab (or a click) writes
// "@Full Name ", Escape closes. Without the script the same text typed by hand works: the
// server reads "@Full Name" and "@email" (activities/mentions.py).
(function () {
  "use strict";

  var MAX = 8;
  var state = null; // {area, list, items, active, start}

  // The directory's answer for what is typed after @ (asked once per text; a failed answer is
  // not kept, and is asked once more).
  var asked = {};
  function lookup(area, typed, then, retried) {
    var key = typed.toLowerCase();
    if (asked[key]) { then(asked[key]); return; }
    var url = area.dataset.mentions + "?q=" + encodeURIComponent(key);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) { asked[key] = data.users || []; then(asked[key]); })
      .catch(function () {
        if (!retried) window.setTimeout(function () { lookup(area, typed, then, true); }, 300);
      });
  }

  // The "@query" being typed just before the caret, or null.
  function query(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = /(^|[\s(\["'.,;:!?])@([^\s@][^@\n]{0,40})?$/.exec(before);
    if (!match) return null;
    var typed = match[2] || "";
    if (typed.split(/\s+/).length > 4) return null;
    return { text: typed, start: before.length - typed.length - 1 };
  }

  function close() {
    if (!state) return;
    state.list.remove();
    state.area.removeAttribute("aria-activedescendant");
    state.area.removeAttribute("aria-controls");
    state = null;
  }

  function highlight(index) {
    state.active = index;
    state.items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    var current = state.items[index];
    if (current) state.area.setAttribute("aria-activedescendant", current.id);
  }

  function choose(index) {
    var user = state && state.matches[index];
    if (!user) return;
    var area = state.area;
    var end = area.selectionStart;
    var insert = "@" + user[0] + " ";
    area.value = area.value.slice(0, state.start) + insert + area.value.slice(end);
    var caret = state.start + insert.length;
    close();
    area.focus();
    area.setSelectionRange(caret, caret);
  }

  function open(area, found, users) {
    var typed = found.text.toLowerCase();
    var matches = users.filter(function (u) {
      return !typed || u[0].toLowerCase().indexOf(typed) !== -1 || (u[1] || "").toLowerCase().indexOf(typed) === 0;
    }).slice(0, MAX);
    if (!matches.length) { close(); return; }
    if (!state || state.area !== area) {
      close();
      var list = document.createElement("ul");
      list.className = "menu mention-list";
      list.id = (area.id || "note") + "-mentions";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", area.dataset.mentionsLabel || gettext("People"));
      area.parentNode.appendChild(list);
      area.setAttribute("aria-controls", list.id);
      state = { area: area, list: list, items: [], matches: [], active: 0, start: 0 };
    }
    state.start = found.start;
    state.matches = matches;
    state.list.textContent = "";
    state.items = matches.map(function (user, i) {
      var item = document.createElement("li");
      item.id = state.list.id + "-" + i;
      item.className = "menu-item";
      item.setAttribute("role", "option");
      item.textContent = user[0];
      if (user[1]) {
        var email = document.createElement("span");
        email.className = "mention-email";
        email.textContent = user[1];
        item.appendChild(email);
      }
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the textarea
        choose(i);
      });
      state.list.appendChild(item);
      return item;
    });
    highlight(0);
  }

  function typed(area) {
    var found = query(area);
    if (!found || !found.text) { close(); return; }
    var key = found.text.toLowerCase();
    lookup(area, found.text, function (users) {
      // The user may have typed on meanwhile, and answers may come back out of order: only the
      // answer for what is typed now is shown (the answer for "o" may not hold "oliv"'s match).
      var now = query(area);
      if (now && now.text && now.text.toLowerCase() === key) open(area, now, users);
    });
  }

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("textarea[data-mentions]")) return;
    typed(area);
  });

  // The script is deferred: on a slow page someone may have typed "@Oli" before it ran, and no
  // input event is coming. What is already typed at the caret is looked up now.
  var active = document.activeElement;
  if (active && active.matches && active.matches("textarea[data-mentions]")) typed(active);

  document.addEventListener("keydown", function (event) {
    if (!state || event.target !== state.area) return;
    var count = state.items.length;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight((state.active + 1) % count); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight((state.active - 1 + count) % count); }
    else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); choose(state.active); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });

  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.area) window.setTimeout(close, 150);
  });
})();
