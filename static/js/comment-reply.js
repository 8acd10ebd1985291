/* Threaded replies without a page load: the "Reply" link moves the comment form under
   the comment, "Cancel reply" moves it back. Without JavaScript the links work as
   plain ?replytocom=N#respond links. (issue #3) */
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var placeholder = document.getElementById("respond-placeholder");
  if (!respond || !placeholder) { return; }
  var form = document.getElementById("commentform");
  var parentInput = form && form.querySelector("input[name=parent]");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var titleText = respond.querySelector(".reply-title-text");
  var title = document.getElementById("reply-title");
  var defaultTitle = title ? title.getAttribute("data-default") : "";

  function focusBody() {
    var body = form && form.querySelector("textarea");
    if (body) { body.focus(); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".comment-reply-link");
    if (!link || !parentInput) { return; }
    var id = link.getAttribute("data-commentid");
    var article = document.getElementById("div-comment-" + id);
    if (!article) { return; }
    event.preventDefault();
    article.parentNode.insertBefore(respond, article.nextSibling);
    parentInput.value = id;
    if (titleText) { titleText.textContent = link.getAttribute("data-replyto"); }
    if (cancel) { cancel.hidden = false; }
    focusBody();
  });

  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      placeholder.parentNode.insertBefore(respond, placeholder.nextSibling);
      if (parentInput) { parentInput.value = ""; }
      if (titleText) { titleText.textContent = defaultTitle; }
      cancel.hidden = true;
      focusBody();
    });
  }
}());
