/* Comment pages (issue #14): a link to #comment-N that reaches a comment page without
   that comment (an old link, a page that has moved on since) asks the blog where the
   comment is now, and goes there. Without JavaScript the page simply opens at the top
   of its comments' page; links the blog writes name the right page already. */
(function () {
  "use strict";
  var match = /^#comment-(\d{1,18})$/.exec(window.location.hash);
  var section = document.getElementById("comments");
  if (!match || !section || document.getElementById("comment-" + match[1])) { return; }
  var finder = section.getAttribute("data-comment-finder");
  if (finder) { window.location.replace(finder + match[1] + "/"); }
}());
