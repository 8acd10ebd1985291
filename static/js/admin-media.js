/* Images while writing (issue #12): the media library's picker inserts an image's
   Markdown at the cursor of the body or chooses the featured image; images dropped or
   pasted into the body are uploaded to the library one request each, with a
   placeholder at the cursor until the Markdown replaces it. Every word shown comes
   from the page (data-* attributes, translated by the server). */
(function () {
  "use strict";

  var uploads = 0;

  function csrfToken(element) {
    var form = element.closest("form");
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return values[name] === undefined ? whole : values[name];
    });
  }

  /* Put text at the cursor (replacing a selection) as a block of its own. */
  function insertAtCursor(textarea, text) {
    var value = textarea.value;
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    /* Never clicked into: the cursor is nowhere the author chose, so at the end. */
    if (typeof start !== "number" || !textarea.hasAttribute("data-cursor-set")) {
      start = end = value.length;
    }
    var before = value.slice(0, start);
    var after = value.slice(end);
    var prefix = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var suffix = after === "" || /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
    textarea.setRangeText(prefix + text + suffix, start, end, "end");
    textarea.selectionStart = textarea.selectionEnd = start + prefix.length + text.length;
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
    return prefix + text + suffix;
  }

  /* Replace a placeholder wherever the author's typing has moved it. */
  function replacePlaceholder(textarea, placeholder, text) {
    var at = textarea.value.indexOf(placeholder);
    if (at === -1) {
      if (text) { insertAtCursor(textarea, text); }
      return;
    }
    var keepStart = textarea.selectionStart;
    var keepEnd = textarea.selectionEnd;
    var shift = text.length - placeholder.length;
    textarea.setRangeText(text, at, at + placeholder.length, "preserve");
    if (keepStart > at) {
      textarea.selectionStart = Math.max(at, keepStart + shift);
      textarea.selectionEnd = Math.max(at, keepEnd + shift);
    }
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function say(editor, message, isError) {
    var status = editor.querySelector(".markdown-editor-status");
    if (!status) { return; }
    status.textContent = message;
    status.classList.toggle("errornote", Boolean(isError));
  }

  function upload(editor, textarea, file) {
    uploads += 1;
    var placeholder = "![" + editor.getAttribute("data-uploading") + " " +
      file.name.replace(/[\[\]]/g, "") + " … #" + uploads + "]()";
    var inserted = insertAtCursor(textarea, placeholder);
    var data = new FormData();
    data.append("file", file, file.name);
    fetch(editor.getAttribute("data-upload-url"), {
      method: "POST",
      body: data,
      headers: {"X-CSRFToken": csrfToken(editor)},
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (result) {
        if (!response.ok || !result.markdown) {
          throw new Error(result.error || editor.getAttribute("data-upload-failed"));
        }
        return result;
      });
    }).then(function (result) {
      replacePlaceholder(textarea, placeholder, result.markdown);
      say(editor, editor.getAttribute("data-inserted"), false);
    }).catch(function (error) {
      /* Gone again with the blank lines it brought, if the author left them. */
      if (textarea.value.indexOf(inserted) !== -1) {
        replacePlaceholder(textarea, inserted, "");
      } else {
        replacePlaceholder(textarea, placeholder, "");
      }
      say(editor, error.message || editor.getAttribute("data-upload-failed"), true);
    });
  }

  function filesOf(transfer) {
    var files = [];
    if (!transfer || !transfer.files) { return files; }
    for (var i = 0; i < transfer.files.length; i += 1) { files.push(transfer.files[i]); }
    return files;
  }

  function setUpEditor(editor) {
    var textarea = editor.querySelector("textarea");
    if (!textarea) { return; }
    ["focus", "mouseup", "keyup"].forEach(function (name) {
      textarea.addEventListener(name, function () {
        textarea.setAttribute("data-cursor-set", "");
      });
    });
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        editor.classList.add("markdown-editor-drop");
      }
    });
    textarea.addEventListener("dragleave", function () {
      editor.classList.remove("markdown-editor-drop");
    });
    textarea.addEventListener("drop", function (event) {
      var files = filesOf(event.dataTransfer);
      editor.classList.remove("markdown-editor-drop");
      if (!files.length) { return; }
      event.preventDefault();
      textarea.focus();
      files.forEach(function (file) { upload(editor, textarea, file); });
    });
    textarea.addEventListener("paste", function (event) {
      var files = filesOf(event.clipboardData);
      if (!files.length) { return; }
      event.preventDefault();
      files.forEach(function (file) { upload(editor, textarea, file); });
    });
  }

  /* The picker dialog: search, pages of thumbnails, choose. */
  function Picker(dialog, searchUrl, onChoose) {
    this.dialog = dialog;
    this.searchUrl = searchUrl;
    this.onChoose = onChoose;
    this.page = 1;
    this.pages = 1;
    this.timer = null;
    this.chosen = false;
    this.search = dialog.querySelector(".media-picker-search");
    this.results = dialog.querySelector(".media-picker-results");
    this.message = dialog.querySelector(".media-picker-message");
    this.prev = dialog.querySelector(".media-picker-prev");
    this.next = dialog.querySelector(".media-picker-next");
    this.pageLabel = dialog.querySelector(".media-picker-page");
    var self = this;
    this.search.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.load(1); }, 250);
    });
    this.search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  /* not the post form's submit */
        event.preventDefault();
        clearTimeout(self.timer);
        self.load(1);
      }
    });
    this.prev.addEventListener("click", function () { self.load(self.page - 1); });
    this.next.addEventListener("click", function () { self.load(self.page + 1); });
    dialog.querySelector(".media-picker-close").addEventListener("click", function () {
      dialog.close();
    });
    this.results.addEventListener("click", function (event) {
      var button = event.target.closest(".media-picker-choice");
      if (!button) { return; }
      self.chosen = true;
      dialog.close();
      self.onChoose(button.mediaItem);
    });
  }

  Picker.prototype.open = function () {
    if (typeof this.dialog.showModal === "function") {
      this.dialog.showModal();
    } else {
      this.dialog.setAttribute("open", "");
    }
    this.search.focus();
    this.load(1);
  };

  Picker.prototype.load = function (page) {
    var self = this;
    var url = this.searchUrl + "?q=" + encodeURIComponent(this.search.value) + "&page=" + page;
    this.message.textContent = this.dialog.getAttribute("data-loading");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (result) {
          if (!response.ok) { throw new Error(result.error || ""); }
          return result;
        });
      })
      .then(function (result) { self.show(result); })
      .catch(function (error) {
        self.message.textContent = error.message || self.dialog.getAttribute("data-failed");
      });
  };

  Picker.prototype.show = function (result) {
    var self = this;
    this.page = result.page;
    this.pages = result.pages;
    this.results.textContent = "";
    result.results.forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "media-picker-choice";
      button.mediaItem = item;
      var img = document.createElement("img");
      img.src = item.thumbnail;
      img.alt = "";
      img.className = "media-picker-thumbnail";
      var label = document.createElement("span");
      label.textContent = item.title;
      button.appendChild(img);
      button.appendChild(label);
      li.appendChild(button);
      self.results.appendChild(li);
    });
    var found = result.count === 1 ? "data-found-one" : "data-found";
    this.message.textContent = result.count ?
      format(this.dialog.getAttribute(found), {count: result.count}) :
      this.dialog.getAttribute("data-empty");
    this.pageLabel.textContent = format(this.dialog.getAttribute("data-page-label"),
      {page: result.page, pages: result.pages});
    this.prev.disabled = result.page <= 1;
    this.next.disabled = result.page >= result.pages;
  };

  function setUpPicker(container, onChoose) {
    var opener = container.querySelector(".media-picker-open");
    var dialog = opener && document.getElementById(opener.getAttribute("aria-controls"));
    if (!dialog) { return; }
    var picker = new Picker(dialog, container.getAttribute("data-search-url"), onChoose);
    opener.addEventListener("click", function () { picker.open(); });
    dialog.addEventListener("close", function () {
      /* Back where the author was: the text after a choice, else the button. */
      if (!picker.chosen) { opener.focus(); }
      picker.chosen = false;
    });
  }

  function setUpFeatured(container) {
    var select = container.querySelector("select");
    var preview = container.querySelector(".featured-media-preview");
    setUpPicker(container, function (item) {
      var value = String(item.id);
      var option = select.querySelector("option[value='" + value + "']");
      if (!option) {
        option = document.createElement("option");
        option.value = value;
        option.textContent = item.title;
        select.appendChild(option);
      }
      select.value = value;
      select.dispatchEvent(new Event("change", {bubbles: true}));
      preview.textContent = "";
      var img = document.createElement("img");
      img.src = item.thumbnail;
      img.alt = "";
      img.className = "media-thumbnail";
      preview.appendChild(img);
    });
    select.addEventListener("change", function () {
      if (!select.value) { preview.textContent = ""; }
    });
  }

  /* A file let go beside the text would make the browser open it, leaving the form. */
  function guardAgainstStrayDrops() {
    ["dragover", "drop"].forEach(function (name) {
      document.addEventListener(name, function (event) {
        var types = event.dataTransfer ? event.dataTransfer.types : [];
        var isFile = Array.prototype.indexOf.call(types, "Files") !== -1;
        var onInput = event.target.closest && event.target.closest("input[type=file], textarea");
        if (isFile && !onInput) { event.preventDefault(); }
      });
    });
  }

  function init() {
    if (document.querySelector(".markdown-editor")) { guardAgainstStrayDrops(); }
    document.querySelectorAll(".markdown-editor").forEach(function (editor) {
      setUpEditor(editor);
      var textarea = editor.querySelector("textarea");
      setUpPicker(editor, function (item) {
        textarea.focus();
        insertAtCursor(textarea, item.markdown);
        say(editor, editor.getAttribute("data-inserted"), false);
      });
    });
    document.querySelectorAll(".featured-media").forEach(setUpFeatured);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
