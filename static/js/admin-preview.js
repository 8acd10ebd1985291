/* The admin's Markdown preview (issue #4): renders the body being edited on the server,
   through the same renderer and sanitiser as the site, without saving. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".markdown-preview-button");
    if (!button) { return; }
    var form = button.closest("form");
    var source = form && form.querySelector("textarea[name=body]");
    var target = button.parentNode.querySelector(".markdown-preview");
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!source || !target || !token) { return; }
    var data = new FormData();
    data.append("body", source.value);
    fetch(button.getAttribute("data-url"), {
      method: "POST",
      body: data,
      headers: {"X-CSRFToken": token.value},
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (result) {
      target.innerHTML = result.html;  /* sanitised by the server (blog/markup.py) */
    }).catch(function () {
      target.textContent = "—";
    });
  });
}());
