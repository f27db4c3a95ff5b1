/* An old link to a comment, #comment-N with N its id on the WordPress or Disqus
   site it was imported from, finds that comment here: each imported card
   carries its old id as data-old-id. When a comment of this site has the same
   number, a reader coming from this site meant ours; one arriving from
   elsewhere (an old link on another site, a bookmark) meant the old one. */
(function () {
  "use strict";
  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!match) {
    return;
  }
  var old = document.querySelector('[data-old-id="' + match[1] + '"]');
  if (!old || old.id === "comment-" + match[1]) {
    return;
  }
  var own = document.getElementById("comment-" + match[1]);
  var fromHere = document.referrer.indexOf(window.location.origin + "/") === 0;
  if (own && fromHere) {
    return;
  }
  window.location.replace("#" + old.id);
})();
