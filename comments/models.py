import bisect
from array import array

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Min, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, CachedSingleton
from outbox.addresses import (
    KeyedModel,
    KeyedQuerySet,
    MailboxKeyField,
    mailbox_key_or_blank,
    validate_mailbox,
)
from pagecache.tags import DISCUSSION

from .sanitize import sanitize_comment
from .signing import pending_token

# WordPress's column sizes, which commenters' tools already respect.
MAX_BODY_LENGTH = 65525
MAX_IMPORT_ID_LENGTH = 100
MAX_NAME_LENGTH = 245
MAX_EMAIL_LENGTH = 100
MAX_URL_LENGTH = 200
MAX_USER_AGENT_LENGTH = 255
ANONYMOUS_NAME = "Anonymous"
# A page of the discussion holds at most this many top-level comments.
MAX_COMMENTS_PER_PAGE = 100
# thread_starts(): no comment above that is not being deleted.
NO_TOP = -1


class DiscussionSettings(CachedSingleton):
    """The editors' discussion rules: one row, changed in the admin without a deploy."""

    CACHE_KEY = "comments:discussion-settings"
    TAG = DISCUSSION

    class DefaultPage(models.TextChoices):
        FIRST = "first", "the first page of comments"
        LAST = "last", "the last page of comments"

    manual_approval = models.BooleanField(
        "comments must be approved by an editor",
        default=True,
        help_text="New comments wait in the moderation queue.",
    )
    auto_approve_verified_authors = models.BooleanField(
        "publish at once authors with an earlier approved comment",
        default=True,
        help_text="With manual approval on, a comment sent from a browser that confirmed its "
        "email address by a mailed link, from an author with an approved comment under that "
        "address, appears without waiting. Typing a known address earns nothing.",
    )
    hold_link_count = models.PositiveSmallIntegerField(
        "hold comments with this many links",
        default=2,
        help_text="A comment with this many links or more waits for approval. 0 turns this off.",
    )
    moderation_words = models.TextField(
        blank=True,
        help_text="One word or phrase per line. A comment whose text, name, email, website, "
        "IP address or browser contains one waits for approval. Matches inside words too.",
    )
    disallowed_words = models.TextField(
        blank=True,
        help_text="One word or phrase per line, matched like the moderation words. "
        "A comment that contains one is marked as spam.",
    )
    close_after_days = models.PositiveIntegerField(
        "close comments after (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Close comments on articles published this many days ago. Empty: never.",
    )
    thread_depth = models.PositiveSmallIntegerField(
        "thread depth",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How deep replies may nest. 1 allows no replies.",
    )
    notify_commenters = models.BooleanField(
        "email commenters about their comments",
        default=True,
        help_text="Commenters who confirmed their address and asked for it are told of replies "
        "to their comments and of their approval. Off: no such mail is sent.",
    )
    edit_window_minutes = models.PositiveSmallIntegerField(
        "editing window (minutes)",
        default=15,
        validators=[MaxValueValidator(24 * 60)],
        help_text="For this many minutes after posting, the browser that posted a comment may "
        "edit it; the new text is moderated again. 0 turns editing off.",
    )
    page_comments = models.BooleanField(
        "break comments into pages",
        default=True,
        help_text="Off: every comment on the article page, however many there are.",
    )
    comments_per_page = models.PositiveSmallIntegerField(
        "top-level comments per page",
        default=50,
        validators=[
            MinValueValidator(1, "A page shows at least one top-level comment."),
            MaxValueValidator(
                MAX_COMMENTS_PER_PAGE,
                f"At most {MAX_COMMENTS_PER_PAGE} top-level comments per page, so pages stay "
                "light.",
            ),
        ],
        help_text="Each page holds this many top-level comments and all their replies. "
        "Pages are numbered from the oldest comment, so a new comment never moves another.",
    )
    default_comments_page = models.CharField(
        "the article shows",
        max_length=5,
        choices=DefaultPage.choices,
        default=DefaultPage.FIRST,
        help_text="The other pages live at …/comment-page-2/ and so on.",
    )
    newest_first = models.BooleanField(
        "newest comments first",
        default=False,
        help_text="On each page, the newest top-level comment comes first. Replies stay "
        "in the order they were written, under their comment.",
    )
    trash_days = models.PositiveSmallIntegerField(
        "empty the trash after (days)",
        default=30,
        validators=[MaxValueValidator(3650)],
        help_text="Comments in the trash this many days are deleted for good by the daily "
        "housekeeping. 0: never.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    @staticmethod
    def word_list(text):
        return [line.strip().lower() for line in text.splitlines() if line.strip()]


def _left_behind(collector, sub_objs, using):
    """What an on_delete of a comment's parent or thread works from: the pks being deleted,
    the related comments that stay, and (pk, parent_id) of every comment of their
    articles, ordered by pk (none when nothing stays)."""
    deleted = {obj.pk for obj in collector.data.get(sub_objs.model, ())}
    staying = [obj for obj in sub_objs if obj.pk not in deleted]
    if not staying:
        return deleted, [], []
    manager = sub_objs.model._base_manager.using(using)
    articles = manager.filter(pk__in=[obj.pk for obj in staying]).values("article_id")
    pairs = manager.filter(article_id__in=articles).order_by("pk").values_list("pk", "parent_id")
    return deleted, staying, list(pairs)


def move_replies_up(collector, field, sub_objs, using):
    """on_delete for a reply's parent: the replies move up to the deleted comment's parent.

    WordPress does the same, so a thread keeps its shape when an editor
    deletes a comment in its middle (one, in bulk, or its whole article). The
    new parent is the nearest ancestor that is not being deleted too.
    """
    deleted, replies, pairs = _left_behind(collector, sub_objs, using)
    parents = dict(pairs)
    moves = {}
    for reply in replies:
        ancestor = parents[reply.pk]
        while ancestor in deleted:
            ancestor = parents.get(ancestor)
        moves.setdefault(ancestor, []).append(reply)
    for ancestor, moved in moves.items():
        collector.add_field_update(field, ancestor, moved)


def thread_starts(pairs, gone=frozenset()):
    """(pk, parent_id, start) for each comment not in `gone`, from its (pk, parent_id),
    ordered by pk: `start` is the top-level comment its thread starts from, None for a
    top-level comment.

    A comment in `gone` (being deleted) is skipped over, as its replies move
    up past it. A chain of parents that loops (only an import can make one)
    is cut where it would repeat: the comment there is taken as top-level.
    Held in arrays, 24 bytes a comment: an import may thread a hundred
    thousand.
    """
    pks, parents = array("q"), array("q")
    for pk, parent in pairs:
        if pks and pk <= pks[-1]:
            raise ValueError("thread_starts() takes comments ordered by pk")
        pks.append(pk)
        parents.append(parent or 0)
    tops = array("q", bytes(8 * len(pks)))  # the highest comment above, itself included, not gone

    def index(pk):
        at = bisect.bisect_left(pks, pk)
        return at if at < len(pks) and pks[at] == pk else None

    for at in range(len(pks)):
        path, on_path, node = [], set(), at
        while node is not None and not tops[node] and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = index(parents[node]) if parents[node] else None
        above = tops[node] if node is not None and node not in on_path else NO_TOP
        for step in reversed(path):
            if above == NO_TOP and pks[step] not in gone:
                above = pks[step]
            tops[step] = above
    for pk, parent, top in zip(pks, parents, tops, strict=True):
        if pk not in gone:
            yield pk, parent or None, None if top == pk else top


def move_threads_up(collector, field, sub_objs, using):
    """on_delete for a reply's thread: when the comment a thread starts from is deleted.

    Its replies move up (move_replies_up), so each of them starts a thread
    of its own, which its own replies follow.
    """
    deleted, members, pairs = _left_behind(collector, sub_objs, using)
    starts = {pk: start for pk, _, start in thread_starts(pairs, gone=deleted)}
    moves = {}
    for member in members:
        moves.setdefault(starts[member.pk], []).append(member)
    for start, moved in moves.items():
        collector.add_field_update(field, start, moved)


# A thread's key: the pk of the top-level comment it starts from.
THREAD = Coalesce("thread", "id")


class CommentQuerySet(KeyedQuerySet):
    def public(self):
        """Comments anyone may read: approved ones, and nothing else, anywhere."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def by_email(self, email):
        """Comments left with this address: an exact match on its mailbox key (outbox.addresses)."""
        key = mailbox_key_or_blank(email)
        return self.filter(author_email_key=key) if key else self.none()

    def threads(self):
        """One row per thread among these comments: its `key` (the top-level comment it starts
        from) and when its oldest comment here was written (`first`), oldest first.

        Of an article's public comments, these are the threads readers see, in
        the order the pages hold them. A thread whose first comment is hidden
        is placed by its oldest public reply.
        """
        return (
            self.order_by()
            .values(key=THREAD)
            .annotate(first=Min("created_at"))
            .order_by("first", "key")
        )

    def in_threads(self, keys):
        """The comments of the threads `keys` (a list, or a slice of threads() as a subquery)."""
        return self.alias(thread_key=THREAD).filter(thread_key__in=keys)

    def counts(self, article):
        """How many comments, and threads, an article has here: subqueries to annotate it with
        (`article` is an OuterRef), as `comment_count` and `comment_threads`.

        COUNT as a plain function, as Django's documentation counts in a
        subquery: one row whatever the article, with no GROUP BY to add.
        """
        per_article = self.filter(article=article).order_by()
        distinct = "%(function)s(DISTINCT %(expressions)s)"
        return {
            "comment_count": Subquery(per_article.values(n=Func(F("pk"), function="COUNT"))),
            "comment_threads": Subquery(
                per_article.values(n=Func(THREAD, function="COUNT", template=distinct))
            ),
        }


class Comment(KeyedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=move_replies_up, null=True, blank=True, related_name="replies"
    )
    # The top-level comment its thread starts from; empty for a top-level
    # comment. Pages of a discussion are counted in threads, and a page of a
    # long discussion reads its own threads' comments alone.
    thread = models.ForeignKey(
        "self", on_delete=move_threads_up, null=True, blank=True, editable=False,
        related_name="+",
    )  # fmt: skip
    author_name = models.CharField("name", max_length=MAX_NAME_LENGTH)
    author_email = models.EmailField(
        "email", max_length=MAX_EMAIL_LENGTH, blank=True, validators=[validate_mailbox]
    )
    # The mailbox the address reaches, as every lookup by address compares it.
    author_email_key = MailboxKeyField(address_field="author_email")
    author_url = models.URLField("website", max_length=MAX_URL_LENGTH, blank=True)
    body = models.TextField("comment", max_length=MAX_BODY_LENGTH)
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # When its author last changed the text (cards say "edited"); earlier
    # texts are kept as CommentVersion rows for the editors.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True, editable=False)
    # The address as limits count it (IPv4 address, or an IPv6 client's /64),
    # for the flood and duplicate checks; removed with the IP address.
    client_network = models.CharField(
        "client network", max_length=39, blank=True, default="", editable=False
    )
    user_agent = models.CharField(max_length=MAX_USER_AGENT_LENGTH, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="comments",
    )
    # Set by the posting function when a signed-in editor posts, never by a
    # form: the card's "Editor" badge. Stored, so it stays true after the
    # editor's account loses its rights or is deleted, and the thread query
    # needs no join to print it.
    is_by_editor = models.BooleanField("by an editor", default=False, editable=False)
    # Where an imported comment came from ("wordpress", "disqus") and its id
    # there: a second import finds it and leaves it as it is; the card
    # carries the old id so old #comment-N links still find it.
    import_source = models.CharField(max_length=20, blank=True, default="", editable=False)
    import_id = models.CharField(
        max_length=MAX_IMPORT_ID_LENGTH, blank=True, default="", editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx"),
            # An article's threads (threads()) and their comments, from the index alone.
            models.Index(
                F("article"), F("status"), THREAD, F("created_at"), name="comment_page_idx"
            ),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(fields=["author_email_key", "status"], name="comment_author_key_idx"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_idx"),
            models.Index(fields=["client_network", "created_at"], name="comment_network_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "import_id"],
                condition=~models.Q(import_id=""),
                name="comment_imported_once",
            ),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.article}"

    def save(self, *args, **kwargs):
        """Sanitise once, here, so no page ever does it per request; a new reply joins its
        parent's thread."""
        self.sanitize()
        if self._state.adding and self.parent_id is not None and self.thread_id is None:
            self.thread_id = self.parent.thread_id or self.parent_id
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment's permalink: it redirects to the page where the comment lives now."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def sanitize(self):
        """Derive body_html from body, once per change of the text."""
        if getattr(self, "_sanitized_body", None) != self.body:
            self.body_html = sanitize_comment(self.body)
            self._sanitized_body = self.body

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    def pending_url(self):
        return reverse("comments:pending", kwargs={"token": pending_token(self)})

    def posted_url(self):
        """The author's own page for a published comment (same signed link as pending_url)."""
        return reverse("comments:posted", kwargs={"token": pending_token(self)})

    def author_url_for_status(self, note=""):
        """Where the author lands after posting or editing: their page for its status.

        `note` names what that page tells them first (comments.views.AUTHOR_NOTES).
        """
        url = self.posted_url() if self.is_public else self.pending_url()
        query = f"?note={note}" if note else ""
        return f"{url}{query}#comment-{self.pk}"


class CommentVersion(models.Model):
    """A text a comment had before its author edited it, kept for the editors.

    Holds the text and the status it had, nothing else about the author;
    erasing a commenter's data removes these rows.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField("text", max_length=MAX_BODY_LENGTH)
    status = models.CharField(max_length=10, choices=Comment.Status.choices)
    written_at = models.DateTimeField(
        "written", help_text="When this text was posted, or last edited."
    )
    replaced_at = models.DateTimeField("replaced", default=timezone.now)

    class Meta:
        verbose_name = "earlier version"
        ordering = ["comment", "replaced_at", "pk"]

    def __str__(self):
        return f"Comment {self.comment_id} as written {self.written_at:%Y-%m-%d %H:%M}"


class PrivacyRequestQuerySet(KeyedQuerySet):
    def by_email(self, email):
        """Requests made for this address's mailbox (outbox.addresses)."""
        key = mailbox_key_or_blank(email)
        return self.filter(email_key=key) if key else self.none()


class PrivacyRequest(KeyedModel):
    """A commenter's request, made on the site, for a mailed link to their data.

    The address is kept so the worker can look it up and mail the link, and
    so editors can see what was asked; erasing that commenter's data empties
    it, and housekeeping removes the row after PRIVACY_REQUEST_RETENTION_DAYS.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", "Download"
        ERASE = "erase", "Erase"

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        MAILED = "mailed", "Link mailed"
        NO_DATA = "no_data", "No comments with this address: nothing sent"
        LIMITED = "limited", "Too many requests for this address: nothing sent"
        EXPORTED = "exported", "Data downloaded"
        ERASED = "erased", "Data erased"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField(max_length=MAX_EMAIL_LENGTH, blank=True)
    email_key = MailboxKeyField(address_field="email")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.QUEUED)
    requested_at = models.DateTimeField(default=timezone.now)
    mailed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    comment_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Comments downloaded or anonymised."
    )

    objects = PrivacyRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "privacy request"
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["email_key"], name="privacy_request_key_idx"),
            models.Index(fields=["requested_at"], name="privacy_request_time_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} request {self.pk}"

    @property
    def is_usable(self):
        """Can its link still act? Not once erased (the address is gone) or never mailed."""
        return bool(self.email) and self.outcome in {self.Outcome.MAILED, self.Outcome.EXPORTED}


class EditorMailPreference(models.Model):
    """What an editor chooses to be mailed about, besides comments waiting for them.

    One row per editor account, made the first time they open it; it holds a
    choice, nothing about commenters, and goes with the account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_mail"
    )
    published_comments = models.BooleanField(
        "also mail me about every published comment",
        default=False,
        help_text="Comments that appear at once, without waiting for an editor, are mailed "
        "to you too, with links to mark them as spam or move them to the trash. Comments "
        "waiting for approval are always mailed to every editor.",
    )

    class Meta:
        verbose_name = "my moderation mail"
        verbose_name_plural = "my moderation mail"

    def __str__(self):
        return f"Moderation mail of {self.user}"
