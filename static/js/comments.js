// The comment form's behaviour: a CSRF token fetched when it is needed,
// replies that move the form under a comment, "Save my name, email, and
// website in this browser" kept in localStorage only, and a spoken
// confirmation once a comment is posted. Without JavaScript the form still
// works: the reply links reload the page with ?replytocom=ID and the server
// asks to confirm a post that arrives without a token.
(() => {
  "use strict";

  const STORAGE_KEY = "immunoblog.commenter";
  const POSTED_KEY = "immunoblog.posted";
  // How long after pressing "Post Comment" the landing page may confirm it.
  const POSTED_WINDOW_MS = 2 * 60 * 1000;

  // --- Announcing the result of a post ---------------------------------------
  // The page is the same for every reader, so it cannot say "your comment was
  // posted"; this browser remembers the submit instead and, on the page the
  // post lands on, says so through the live region and marks the comment.
  function announcePosted() {
    let postedAt = null;
    try {
      postedAt = Number(window.sessionStorage.getItem(POSTED_KEY));
      window.sessionStorage.removeItem(POSTED_KEY);
    } catch (error) {
      return;
    }
    if (!postedAt || Date.now() - postedAt > POSTED_WINDOW_MS) return;
    const match = /^#comment-(\d+)$/.exec(window.location.hash);
    const card = match && document.getElementById(`comment-${match[1]}`);
    const item = card && card.closest("li.comment");
    const region = document.getElementById("comment-announcer");
    if (!item || !region) return;
    item.classList.add("is-just-posted");
    const pending = item.querySelector(":scope > .comment-awaiting-moderation");
    const message = pending
      ? "Your comment has been sent. It is awaiting moderation."
      : "Your comment has been posted.";
    // A short pause lets assistive technology notice the region before it changes.
    window.setTimeout(() => {
      region.textContent = message;
    }, 250);
  }
  announcePosted();

  function rememberSubmit() {
    try {
      window.sessionStorage.setItem(POSTED_KEY, String(Date.now()));
    } catch (error) {
      // Without storage the comment is still posted, just not announced.
    }
  }

  // On the error page, take the reader to the summary of what needs a change.
  const errors = document.getElementById("form-errors");
  if (errors) errors.focus();

  const form = document.getElementById("commentform");
  if (!form) return;

  const field = (name) => form.elements.namedItem(name);
  const tokenInput = field("csrfmiddlewaretoken");

  // --- CSRF token on demand -------------------------------------------------
  let tokenRequest = null;
  function ensureToken() {
    if (!tokenInput || tokenInput.value || !form.dataset.csrfUrl) return Promise.resolve();
    if (!tokenRequest) {
      tokenRequest = fetch(form.dataset.csrfUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((data) => {
          tokenInput.value = data.token;
        })
        .catch(() => {
          // The server will ask to confirm the post instead; nothing is lost.
          tokenRequest = null;
        });
    }
    return tokenRequest;
  }
  form.addEventListener("focusin", ensureToken, { once: true });

  // --- Saved commenter details ---------------------------------------------
  const details = ["author", "email", "url"];
  const consent = field("save_details");

  function loadDetails() {
    let saved = null;
    try {
      saved = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved) return;
    for (const name of details) {
      const input = field(name);
      if (input && !input.value && typeof saved[name] === "string") input.value = saved[name];
    }
    if (consent) consent.checked = true;
  }

  function storeDetails() {
    // An editor's form has no such fields: the details this browser saved stay as they are.
    if (!consent) return;
    try {
      if (consent && consent.checked) {
        const saved = {};
        for (const name of details) saved[name] = field(name) ? field(name).value : "";
        window.localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
      } else {
        window.localStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      // Storage may be disabled; the comment is still posted.
    }
  }
  loadDetails();
  if (consent) consent.addEventListener("change", storeDetails);

  let submitting = false;
  form.addEventListener("submit", (event) => {
    storeDetails();
    rememberSubmit();
    if (submitting || !tokenInput || tokenInput.value) return;
    event.preventDefault();
    submitting = true;
    ensureToken().then(() => form.submit());
  });

  // --- Replies ----------------------------------------------------------------
  const respond = document.getElementById("respond");
  const home = document.getElementById("respond-home");
  const parentInput = field("parent");
  const titleText = document.getElementById("reply-title-text");
  const cancel = document.getElementById("cancel-comment-reply-link");
  const comment = field("comment");
  if (!respond || !home || !parentInput || !titleText || !cancel) return;
  const defaultTitle = "Leave a Reply";

  function replyTo(link) {
    const item = link.closest("li");
    if (!item) return false;
    const body = item.querySelector(":scope > article");
    (body || item).after(respond);
    // The link names the comment in its query (?replytocom=ID) and its
    // author in its label ("Reply to NAME").
    parentInput.value = new URL(link.href).searchParams.get("replytocom");
    titleText.textContent = link.getAttribute("aria-label");
    cancel.hidden = false;
    if (comment) comment.focus();
    return true;
  }

  function cancelReply(event) {
    event.preventDefault();
    home.after(respond);
    parentInput.value = "";
    titleText.textContent = defaultTitle;
    cancel.hidden = true;
    if (comment) comment.focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.comment-reply-link");
    if (link && replyTo(link)) event.preventDefault();
  });
  cancel.addEventListener("click", cancelReply);
})();

// --- Commenter key ------------------------------------------------------------
// The page that confirms an email address hands this browser a key for it; the
// form sends the key back (hidden field commenter_key) with posts under that
// address, so a verified author can be trusted. Kept in localStorage, never in
// a cookie: the article page stays the same for every reader.
(() => {
  "use strict";

  const KEYS = "immunoblog.commenterKeys";
  const normal = (email) => email.trim().toLowerCase();

  function readKeys() {
    try {
      const keys = JSON.parse(window.localStorage.getItem(KEYS) || "{}");
      return keys && typeof keys === "object" ? keys : {};
    } catch (error) {
      return {};
    }
  }

  function keepIssuedKey() {
    const issued = document.getElementById("commenter-key");
    if (!issued || !issued.dataset.key || !issued.dataset.email) return;
    const keys = readKeys();
    keys[normal(issued.dataset.email)] = issued.dataset.key;
    try {
      window.localStorage.setItem(KEYS, JSON.stringify(keys));
    } catch (error) {
      // Without storage this browser is simply not remembered.
      return;
    }
    // Say so only now that it is stored.
    const kept = document.getElementById("key-kept");
    const notKept = document.getElementById("key-not-kept");
    if (kept) kept.hidden = false;
    if (notKept) notKept.hidden = true;
  }

  function sendKeyWithPosts() {
    const form = document.getElementById("commentform");
    const keyInput = form && form.elements.namedItem("commenter_key");
    const email = form && form.elements.namedItem("email");
    if (!keyInput || !email) return;
    // Capture phase: set before any other submit handler sends the form on.
    form.addEventListener(
      "submit",
      () => {
        const key = readKeys()[normal(email.value)];
        keyInput.value = typeof key === "string" ? key : "";
      },
      true,
    );
  }

  keepIssuedKey();
  sendKeyWithPosts();
})();

// --- Editing your own comment ------------------------------------------------
// The page the author lands on after posting carries the comment's edit link
// (signed, for the editing window only). This browser keeps it in
// localStorage and, on the shared article page (the same for every reader),
// adds an "Edit" link to that comment's card until the window closes. No
// other browser has the link, so no other reader sees the control.
(() => {
  "use strict";

  const EDITS_KEY = "immunoblog.edits";
  const MAX_KEPT = 20;

  function loadEdits() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(EDITS_KEY) || "{}");
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      return {};
    }
  }

  function saveEdits(edits) {
    try {
      if (Object.keys(edits).length) {
        window.localStorage.setItem(EDITS_KEY, JSON.stringify(edits));
      } else {
        window.localStorage.removeItem(EDITS_KEY);
      }
    } catch (error) {
      // Without storage the link on the author's own page still works.
    }
  }

  // Remember the edit links this page hands out; forget the ones whose window closed.
  function rememberEditLinks(edits, now) {
    for (const link of document.querySelectorAll("a.comment-edit-link[data-edit-until]")) {
      const until = Date.parse(link.dataset.editUntil);
      const id = link.dataset.commentId;
      if (id && /^\d+$/.test(id) && until > now) {
        edits[id] = { url: link.getAttribute("href"), until };
      }
    }
    for (const [id, edit] of Object.entries(edits)) {
      const usable =
        edit && typeof edit.url === "string" && edit.url.startsWith("/comments/") && edit.until > now;
      if (!usable) delete edits[id];
    }
    const newest = Object.entries(edits)
      .sort((a, b) => b[1].until - a[1].until)
      .slice(0, MAX_KEPT);
    return Object.fromEntries(newest);
  }

  // Add "Edit" to this browser's own comments on the page, and take it away when time is up.
  function showEditLinks(edits, now) {
    for (const [id, edit] of Object.entries(edits)) {
      const item = document.getElementById(`comment-${id}`);
      const card = item && item.querySelector(":scope > article");
      const shown = ":scope > .comment-author-tools .comment-edit-link, :scope > .comment-edit";
      if (!card || item.querySelector(shown)) continue;
      const tools = document.createElement("div");
      tools.className = "comment-edit";
      const link = document.createElement("a");
      link.className = "comment-edit-link";
      link.href = edit.url;
      link.textContent = "Edit";
      link.setAttribute("aria-label", "Edit your comment");
      tools.append(link);
      card.after(tools);
      window.setTimeout(() => tools.remove(), Math.min(edit.until - now, 2 ** 31 - 1));
    }
  }

  const now = Date.now();
  const edits = rememberEditLinks(loadEdits(), now);
  saveEdits(edits);
  showEditLinks(edits, now);
})();

// --- More comments in place -------------------------------------------------
// A long discussion is split into pages, each a real page behind the "Older
// comments" / "Newer comments" links and the page numbers, which work
// without JavaScript. With it, "Show more comments" fetches the next page
// (away from the one the article shows) and adds its comments to this list;
// focus moves to the first comment added and the live region says how many.
(() => {
  "use strict";

  const section = document.getElementById("comments");
  const nav = section && section.querySelector(":scope > nav.comment-navigation");
  const list = section && section.querySelector(":scope > ol.comment-list");
  const region = document.getElementById("comment-announcer");
  if (!nav || !list || !region || !window.fetch || !window.DOMParser) return;
  const direction = nav.dataset.more === "prev" ? "prev" : "next";
  const atStart = nav.dataset.moreAt === "start";
  const nextLink = (container) => container && container.querySelector(`a[rel="${direction}"]`);
  let link = nextLink(nav);
  if (!link) return;

  const label = "Show more comments";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-outline-primary comments-more";
  button.textContent = label;
  (atStart ? list.before.bind(list) : list.after.bind(list))(button);

  function show(text, url) {
    const fetched = new DOMParser().parseFromString(text, "text/html");
    const items = [...fetched.querySelectorAll("#comments > ol.comment-list > li.comment")];
    // Reply links are relative to the page they come from ("?replytocom=ID").
    for (const anchor of fetched.querySelectorAll("#comments > ol.comment-list a[href^='?']")) {
      anchor.setAttribute("href", new URL(anchor.getAttribute("href"), url).href);
    }
    const added = items.map((item) => document.adoptNode(item));
    if (atStart) list.prepend(...added);
    else list.append(...added);
    link = nextLink(fetched.querySelector("#comments > nav.comment-navigation"));
    if (added.length) {
      const card = added[0].querySelector(":scope > article") || added[0];
      card.tabIndex = -1;
      card.focus();
    }
    region.textContent = `${added.length} more comment${added.length === 1 ? "" : "s"} shown.`;
  }

  button.addEventListener("click", () => {
    const url = new URL(link.getAttribute("href"), window.location.href);
    url.hash = "";
    button.disabled = true;
    button.textContent = "Loading comments…";
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((text) => show(text, url))
      .catch(() => {
        region.textContent = "More comments could not be loaded; the page links still work.";
      })
      .finally(() => {
        button.disabled = false;
        button.textContent = label;
        if (!link) button.remove();
      });
  });
})();
