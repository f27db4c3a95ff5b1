"""A crawl of every public URL: no commenter's email address, and no hidden comment, anywhere.

Each commenter gets a marker address nobody else could produce by chance;
the crawl then looks for the address in any case, its local part, and the
MD5/SHA-1/SHA-256 digests a Gravatar-style avatar would publish, in every
response body and header an anonymous reader can get.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass, field

import html5lib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.moderation import set_status
from tests.factories import comment_data, make_article, make_comment, make_editor, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories create users; hashing their passwords properly is slow and beside the point."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Commenter:
    name: str
    email: str

    @classmethod
    def new(cls, name):
        return cls(
            f"{name} {secrets.token_hex(3)}", f"leak-marker-{secrets.token_hex(8)}@example.com"
        )

    def traces(self):
        """What would give the address away: itself, its local part, its usual digests."""
        address = self.email.strip().lower()
        return {
            "address": address,
            "local part": address.partition("@")[0],
            **{
                digest: hashlib.new(digest, address.encode()).hexdigest()
                for digest in ("md5", "sha1", "sha256")
            },
        }


@dataclass
class Discussion:
    """An article with approved comments and replies, and comments nobody else may see."""

    article: object
    commenters: dict
    approved: list
    hidden: list
    pending_url: str
    post_responses: list = field(default_factory=list)


def everything_in(response):
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    cookies = response.cookies.output()
    return "\n".join([response.content.decode("utf-8", "replace"), headers, cookies]).lower()


def leaks(response, commenters):
    text = everything_in(response)
    return [
        f"{commenter.name}: {kind}"
        for commenter in commenters
        for kind, trace in commenter.traces().items()
        if trace in text
    ]


def traces_of_hidden(response, comments):
    text = everything_in(response)
    found = []
    for comment in comments:
        for trace in (comment.body, comment.author_name, f'comment-{comment.pk}"'):
            if trace.lower() in text:
                found.append(f"{comment.status} comment {comment.pk}: {trace!r}")
    return found


@pytest.fixture
def discussion(django_capture_on_commit_callbacks):
    commenters = {
        role: Commenter.new(name)
        for role, name in [
            ("first", "Ada Reader"),
            ("second", "Grace Reader"),
            ("replier", "Linus Reader"),
            ("pending", "Patient Person"),
            ("spammer", "Spam Sender"),
            ("trashed", "Rude Person"),
        ]
    }
    vaccines, trials = make_tag("Vaccine research", slug="vaccine-research"), make_tag("Trial news")
    article = make_article(title="Checkpoints explained", tags=[vaccines, trials])
    # Enough articles for a second page of the home page and the tag page.
    for _ in range(settings.ARTICLES_PER_PAGE):
        make_article(author=article.author, tags=[vaccines])

    def by(role, **values):
        commenter = commenters[role]
        return make_comment(
            article, author_name=commenter.name, author_email=commenter.email, **values
        )

    first = by("first", body="Which checkpoint do these drugs block?")
    second = by("second", body="PD-1 and CTLA-4, mostly.", author_url="https://grace.example/")
    poster = Client()
    with django_capture_on_commit_callbacks(execute=True):
        # A returning author, the address typed differently this time; an editor approves it.
        answer = poster.post(
            reverse("comments:post"),
            comment_data(
                article,
                comment="Thanks, that helps.",
                author=commenters["first"].name,
                email=f"  {commenters['first'].email.upper()}  ",
                parent=str(second.pk),
            ),
        )
        waiting = poster.post(
            reverse("comments:post"),
            comment_data(
                article,
                comment=f"Awaiting moderation {secrets.token_hex(4)}",
                author=commenters["pending"].name,
                email=commenters["pending"].email,
                parent=str(first.pk),
            ),
        )
    assert answer.status_code == waiting.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(article=article, parent=second), Comment.Status.APPROVED)
    reply = Comment.objects.get(article=article, parent=second)
    assert reply.is_public
    by("replier", body="And LAG-3 in newer trials.", parent=reply)
    spam = by("spammer", body=f"Cheap pills {secrets.token_hex(4)}", status=Comment.Status.SPAM)
    trashed = by("trashed", body=f"Rude remark {secrets.token_hex(4)}", status=Comment.Status.TRASH)
    pending = Comment.objects.get(article=article, author_name=commenters["pending"].name)
    assert pending.status == Comment.Status.PENDING
    return Discussion(
        article=article,
        commenters=commenters,
        approved=list(Comment.objects.public().filter(article=article).order_by("created_at")),
        hidden=[pending, spam, trashed],
        pending_url=waiting["Location"],
        post_responses=[answer, waiting],
    )


# Every URL an anonymous reader can request, and the status each should answer.


def bad_post(discussion):
    """A reply to a comment nobody may see yet, without a comment: the form comes back."""
    pending = discussion.hidden[0]
    data = comment_data(
        discussion.article,
        comment="",
        author="Curious Reader",
        email="curious@example.org",
        parent=str(pending.pk),
    )
    return Client().post(reverse("comments:post"), data)


def unconfirmed_post(discussion):
    """A post without a CSRF token lands on a confirmation page."""
    data = comment_data(
        discussion.article, author="Curious Reader", parent=str(discussion.approved[0].pk)
    )
    return Client(enforce_csrf_checks=True).post(reverse("comments:post"), data)


def get(path, **query):
    return lambda discussion: Client().get(path(discussion), query)


def article_url(discussion):
    return discussion.article.get_absolute_url()


PUBLIC_PAGES = [
    pytest.param(get(lambda d: reverse("articles:home")), 200, id="home"),
    pytest.param(get(lambda d: reverse("articles:home"), page=2), 200, id="home-page-2"),
    pytest.param(get(article_url), 200, id="article"),
    *[
        pytest.param(
            lambda d, position=position: Client().get(
                article_url(d), {"replytocom": d.approved[position].pk}
            ),
            200,
            id=f"reply-to-approved-comment-{position}",
        )
        for position in range(4)
    ],
    *[
        pytest.param(
            lambda d, position=position: Client().get(
                article_url(d), {"replytocom": d.hidden[position].pk}
            ),
            200,
            id=f"reply-to-{status}-comment",
        )
        for position, status in enumerate(["pending", "spam", "trash"])
    ],
    pytest.param(get(lambda d: reverse("articles:tag", args=["vaccine-research"])), 200, id="tag"),
    pytest.param(
        get(lambda d: reverse("articles:tag", args=["vaccine-research"]), page=2),
        200,
        id="tag-page-2",
    ),
    pytest.param(
        lambda d: Client().get(reverse("articles:search"), {"q": d.commenters["first"].name}),
        200,
        id="search-for-a-commenter",
    ),
    pytest.param(get(lambda d: reverse("articles:search"), q="checkpoints"), 200, id="search"),
    pytest.param(get(lambda d: reverse("articles:feed")), 200, id="rss"),
    pytest.param(get(lambda d: reverse("articles:feed_atom")), 200, id="atom"),
    pytest.param(
        get(lambda d: reverse("comments:feed", kwargs={"slug": d.article.slug})),
        200,
        id="comments-feed",
    ),
    pytest.param(get(lambda d: reverse("comments:latest_feed")), 200, id="site-comments-feed"),
    pytest.param(
        get(lambda d: reverse("articles:tag_feed", args=["vaccine-research"])), 200, id="tag-feed"
    ),
    pytest.param(get(lambda d: reverse("sitemap")), 200, id="sitemap"),
    pytest.param(get(lambda d: reverse("robots_txt")), 200, id="robots"),
    pytest.param(get(lambda d: reverse("comments:csrf")), 200, id="csrf-token"),
    pytest.param(bad_post, 400, id="form-error-page"),
    pytest.param(unconfirmed_post, 200, id="confirmation-page"),
    pytest.param(get(lambda d: "/no-such-page/"), 404, id="not-found"),
    pytest.param(get(lambda d: "/articles/no-such-article/"), 404, id="article-not-found"),
    pytest.param(get(lambda d: "/comments/pending/not-a-token/"), 404, id="bad-pending-link"),
    pytest.param(get(lambda d: "/comments/posted/not-a-token/"), 404, id="bad-posted-link"),
    pytest.param(get(lambda d: reverse("comments:privacy")), 200, id="your-data"),
    pytest.param(get(lambda d: reverse("comments:privacy_sent")), 200, id="your-data-sent"),
    pytest.param(
        get(lambda d: "/comments/privacy/confirm/not-a-token/"), 404, id="bad-privacy-link"
    ),
    pytest.param(
        get(lambda d: f"/comments/{d.approved[0].pk}/edit/not-a-token/"), 403, id="bad-edit-link"
    ),
    pytest.param(get(lambda d: reverse("admin:login")), 200, id="admin-login"),
    pytest.param(
        get(lambda d: reverse("articles:preview", args=[d.article.pk])), 302, id="preview"
    ),
]
PENDING_PREVIEW = pytest.param(lambda d: Client().get(d.pending_url), 200, id="pending-preview")


@pytest.mark.parametrize(("request_page", "status"), [*PUBLIC_PAGES, PENDING_PREVIEW])
def test_no_email_address_or_digest_of_it_appears_in_any_public_response(
    discussion, request_page, status
):
    response = request_page(discussion)

    assert response.status_code == status
    assert leaks(response, discussion.commenters.values()) == []


def test_redirects_after_posting_carry_no_email_address(discussion):
    for response in discussion.post_responses:
        assert leaks(response, discussion.commenters.values()) == []


@pytest.mark.parametrize(("request_page", "status"), PUBLIC_PAGES)
def test_pending_spam_and_trashed_comments_appear_in_no_public_response(
    discussion, request_page, status
):
    response = request_page(discussion)

    assert response.status_code == status
    assert traces_of_hidden(response, discussion.hidden) == []


def test_pending_preview_shows_the_pending_comment_and_no_other_hidden_one(discussion):
    pending, *others = discussion.hidden
    response = Client().get(discussion.pending_url)

    assert traces_of_hidden(response, [pending]) != []
    assert traces_of_hidden(response, others) == []


def test_article_and_feeds_show_every_approved_comment(client, discussion):
    page = client.get(article_url(discussion)).content.decode()
    feed = client.get(reverse("comments:feed", kwargs={"slug": discussion.article.slug}))
    site_feed = client.get(reverse("comments:latest_feed"))

    assert len(discussion.approved) == 4
    for comment in discussion.approved:
        assert f'id="comment-{comment.pk}"' in page
        assert comment.author_name in page
        assert comment.body in feed.content.decode()
        assert comment.body in site_feed.content.decode()


def test_leak_check_finds_the_address_where_editors_are_shown_it(client, discussion):
    client.force_login(make_editor())
    queue = client.get(reverse("admin:comments_comment_changelist"), {"q": "leak-marker"})

    assert queue.status_code == 200
    assert leaks(queue, discussion.commenters.values()) != []


# The article's JSON-LD describes the public discussion, and only it.


def article_schema(client, article):
    document = html5lib.parse(
        client.get(article.get_absolute_url()).content, namespaceHTMLElements=False
    )
    (block,) = [
        script for script in document.iter("script") if script.get("type") == "application/ld+json"
    ]
    (posting,) = [
        node for node in json.loads(block.text)["@graph"] if node["@type"] == "BlogPosting"
    ]
    return posting


def expected_schema(comment):
    item = {
        "@type": "Comment",
        "@id": f"#comment-{comment.pk}",
        "author": {"@type": "Person", "name": comment.author_name},
        "dateCreated": timezone.localtime(comment.created_at).replace(microsecond=0).isoformat(),
    }
    if comment.parent_id:
        item["parentItem"] = {"@id": f"#comment-{comment.parent_id}"}
    return item


def test_json_ld_counts_the_approved_comments(client, discussion):
    schema = article_schema(client, discussion.article)

    assert schema["commentCount"] == len(discussion.approved) == 4


def test_json_ld_describes_each_approved_comment_with_its_parent(client, discussion):
    schema = article_schema(client, discussion.article)

    assert schema["comment"] == [expected_schema(comment) for comment in discussion.approved]
    assert sum("parentItem" in item for item in schema["comment"]) == 2


def test_json_ld_follows_a_comment_approved_later(
    client, discussion, django_capture_on_commit_callbacks
):
    pending = discussion.hidden[0]
    article_schema(client, discussion.article)  # cached before the approval
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=pending.pk), Comment.Status.APPROVED)

    schema = article_schema(client, discussion.article)

    pending.refresh_from_db()
    assert schema["commentCount"] == 5
    assert expected_schema(pending) in schema["comment"]


def test_comment_marked_as_spam_after_a_reply_leaves_no_trace_on_the_article(
    client, discussion, django_capture_on_commit_callbacks
):
    replied_to = discussion.approved[1]
    assert Comment.objects.public().filter(parent=replied_to).exists()
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=replied_to.pk), Comment.Status.SPAM)
    replied_to.refresh_from_db()

    response = client.get(article_url(discussion))

    assert traces_of_hidden(response, [replied_to]) == []
