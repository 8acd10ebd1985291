/* Tags typed as a comma-separated list (issue #12): while the author types a tag, the
   list under the field suggests the blog's tags that begin with or contain it, as
   completions of the whole list. A name that is no tag yet becomes one on save. */
(function () {
  "use strict";

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest-url");
    var timer = null;
    var last = null;
    if (!list || !url) { return; }

    function suggest() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var head = cut === -1 ? "" : value.slice(0, cut + 1) + " ";
      var typed = value.slice(cut + 1).trim();
      if (typed === last) { return; }
      last = typed;
      if (!typed) { list.textContent = ""; return; }
      var present = head.split(",").map(function (name) {
        return name.trim().toLowerCase();
      });
      fetch(url + "?q=" + encodeURIComponent(typed), {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (result) {
          if (typed !== last) { return; }  /* an answer to an older keystroke */
          list.textContent = "";
          result.results.forEach(function (name) {
            if (present.indexOf(name.toLowerCase()) !== -1) { return; }
            var option = document.createElement("option");
            /* A name with a comma of its own goes in quotes, as the server reads it. */
            option.value = head + (/[,"]/.test(name) ? '"' + name.replace(/"/g, '""') + '"' : name);
            list.appendChild(option);
          });
        })
        .catch(function () { list.textContent = ""; });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
  }

  function init() {
    document.querySelectorAll("input.tag-list[data-suggest-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
