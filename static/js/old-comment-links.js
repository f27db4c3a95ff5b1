/* An old link to a comment, #comment-N with N its id on the WordPress or Disqus
   site it was imported from, finds that comment here: each imported card
   carries its old id as data-old-id. When a comment of this site has the same
   number, a reader coming from this site meant ours; one arriving from
   elsewhere (an old link on another site, a bookmark) meant the old one. A
   comment on another comment page is found by the server. */
(function () {
  "use strict";
  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!match) {
    return;
  }
  var old = document.querySelector('[data-old-id="' + match[1] + '"]');
  var own = document.getElementById("comment-" + match[1]);
  var article = /^\/articles\/([^/]+)\//.exec(window.location.pathname);
  if (!old) {
    // Not on this page: when this discussion holds imported comments, the
    // server knows which page the old one is on (or sends the reader back).
    if (!own && article && document.querySelector("[data-old-id]")) {
      window.location.replace("/imported-comments/" + article[1] + "/" + match[1] + "/");
    }
    return;
  }
  if (old.id === "comment-" + match[1]) {
    return;
  }
  var fromHere = document.referrer.indexOf(window.location.origin + "/") === 0;
  if (own && fromHere) {
    return;
  }
  window.location.replace("#" + old.id);
})();
