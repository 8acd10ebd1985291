/* The author's desk in the change form of posts and pages (issue #12, blog/desk.py):
   - autosave: the title, body and excerpt go to the server every few seconds (the
     interval comes from the page) and when the tab is hidden or closed, as the user's
     autosave, never over the saved post;
   - "Sicherung wiederherstellen" fills the form from the offered autosave (without
     JavaScript the same link renders the form with it);
   - leaving the form with unsaved changes asks first (beforeunload); saving does not,
     nor does "Vorschau", which opens in a new tab. */
(function () {
  "use strict";
  var desk = document.getElementById("author-desk");
  var form = desk && desk.closest("form");
  if (!form) { return; }
  var TEXT = ["title", "body", "excerpt"];
  var url = desk.getAttribute("data-autosave-url");
  var seconds = parseFloat(desk.getAttribute("data-autosave-seconds")) || 30;
  var keyInput = form.querySelector("input[name=_autosave_key]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var status = form.querySelector(".autosave-status");
  var submitting = false;
  var inFlight = false;
  var restored = desk.hasAttribute("data-restored");
  var initialForm = null;

  function field(name) {
    var element = form.elements.namedItem(name);
    return element && typeof element.value === "string" ? element : null;
  }

  function text() {
    var values = {};
    TEXT.forEach(function (name) {
      var element = field(name);
      if (element) { values[name] = element.value; }
    });
    return JSON.stringify(values);
  }

  /* Everything the form would send but files: a change anywhere counts. */
  function snapshot() {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") {
        parts.push(name + "=" + value);
      }
    });
    return parts.join("&");
  }

  var lastSaved = text();

  function isDirty() {
    return restored || (initialForm !== null && snapshot() !== initialForm);
  }

  function say(message) {
    if (status) { status.textContent = message; }
  }

  function autosave(leaving) {
    var now = text();
    if (submitting || inFlight || now === lastSaved || !token) { return; }
    var data = new FormData();
    var values = JSON.parse(now);
    Object.keys(values).forEach(function (name) { data.append(name, values[name]); });
    if (keyInput && keyInput.value) { data.append("new_key", keyInput.value); }
    data.append("csrfmiddlewaretoken", token.value);
    inFlight = true;
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-CSRFToken": token.value},
      /* A request that must outlive the page (tab closed) may carry at most 64 KB. */
      keepalive: Boolean(leaving) && now.length < 60000
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      lastSaved = now;
      say(result.message);
    }).catch(function () {
      say(desk.getAttribute("data-failed-text"));
    }).then(function () {
      inFlight = false;
    });
  }

  window.setInterval(function () { autosave(false); }, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { autosave(true); }
  });
  window.addEventListener("pagehide", function () { autosave(true); });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.formTarget === "_blank") { return; }  /* the preview tab */
    submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !isDirty()) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

  /* Other scripts (editor, pickers) set up their fields first. */
  function remember() { initialForm = snapshot(); }
  if (document.readyState === "complete") { remember(); } else { window.addEventListener("load", remember); }

  var offer = document.getElementById("autosave-data");
  var restore = form.querySelector(".autosave-restore");
  if (offer && restore) {
    restore.addEventListener("click", function (event) {
      event.preventDefault();
      var saved = JSON.parse(offer.textContent);
      TEXT.forEach(function (name) {
        var element = field(name);
        if (element && Object.prototype.hasOwnProperty.call(saved, name)) {
          element.value = saved[name];
          element.dispatchEvent(new Event("input", {bubbles: true}));
          element.dispatchEvent(new Event("change", {bubbles: true}));
        }
      });
      if (keyInput && saved.new_key) { keyInput.value = saved.new_key; }
      lastSaved = text();
      restored = true;
      var box = restore.closest(".autosave-offer");
      var item = box && box.querySelector("li");
      if (item) {
        item.className = "info";
        item.textContent = desk.getAttribute("data-restored-text");
      }
    });
  }
}());
