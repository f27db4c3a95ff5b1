"""Each post costs bounded work, and a refused one costs almost none.

The attacks: 64 KB of nested <b> tags took 2.1 s in the sanitiser, inside the
article's write lock, so a normal post behind it waited; a 10 MB multipart
body was parsed before the rate limit was checked.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import MAX_BODY_LENGTH, Comment
from comments.sanitize import (
    HTML_GROWTH,
    HTML_PER_LINK,
    MAX_ENTITY_SIGNS,
    MAX_LINE_BREAKS,
    MAX_LINKS,
    MAX_NESTING,
    MAX_TAG_SIGNS,
)
from tests.comments.helpers import POST_URL, form_value, post_comment, soup
from tests.factories import comment_data

pytestmark = pytest.mark.django_db

NOT_POSTED = "Your comment was not posted yet."


def refused_with(response, message):
    assert response.status_code == 400
    text = soup(response).get_text(" ", strip=True)
    assert NOT_POSTED in text
    assert message in text
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (("<b>" * (MAX_BODY_LENGTH // 3))[:MAX_BODY_LENGTH], "too many tags"),
        ("<b>" * (MAX_NESTING + 1) + "deep", "nests tags too deeply"),
        ("<i><b>" * 11 + "deep", "nests tags too deeply"),
        ("< " * (MAX_TAG_SIGNS + 1), "too many tags or “<” signs"),
        ("&amp;" * 1001, "too many “&” signs"),
        ("line\n" * (MAX_LINE_BREAKS + 1) + "end", "too many lines"),
        ("line\r\n" * (MAX_LINE_BREAKS + 1) + "end", "too many lines"),
    ],
    ids=["64k-nested-b", "nested-21", "nested-mixed", "lt-signs", "ampersands", "lf", "crlf"],
)
def test_absurd_markup_is_refused_with_a_message_and_the_text_kept(
    client, seed_article, body, message
):
    response = post_comment(client, comment_data(seed_article, comment=body))
    refused_with(response, message)
    assert form_value(response, "comment").replace("\r\n", "\n") == body.replace("\r\n", "\n")


def test_markup_at_every_limit_at_once_is_accepted(client, seed_article):
    body = (
        "<b><i>" * (MAX_NESTING // 2) + "deep" + "</i></b>" * (MAX_NESTING // 2)
        + "x & y\n" * (MAX_LINE_BREAKS - 1)
        + "< " * (MAX_TAG_SIGNS - 2 * MAX_NESTING)
    )  # fmt: skip
    response = post_comment(client, comment_data(seed_article, comment=body))
    assert response.status_code == 302
    assert Comment.objects.count() == 1


BARE_DOMAINS = ("a.co " * 13_100)[:MAX_BODY_LENGTH]
BARE_DOMAINS_ON_LINES = ("a.co\n" * MAX_LINE_BREAKS + "a.co " * 13_100)[:MAX_BODY_LENGTH]


@pytest.mark.parametrize(
    "body",
    [BARE_DOMAINS, BARE_DOMAINS_ON_LINES, "http://a.co/x " * (MAX_LINKS + 1)],
    ids=["bare-domains", "bare-domains-on-lines", "one-link-too-many"],
)
def test_too_many_bare_links_are_refused_with_the_limit_and_the_text_kept(
    client, seed_article, body
):
    response = post_comment(client, comment_data(seed_article, comment=body))
    refused_with(response, f"too many links (more than {MAX_LINKS})")
    assert form_value(response, "comment").replace("\r\n", "\n") == body


def fill(text, filler):
    """`text`, then `filler` up to the comment's length limit."""
    room = MAX_BODY_LENGTH - len(text)
    return text + (filler * (room // len(filler) + 1))[:room]


@pytest.mark.parametrize(
    "body",
    [
        fill("a.co " * MAX_LINKS, "a b "),
        fill("http://a.co/?" + "&" * MAX_ENTITY_SIGNS + " ", ">"),
        fill("a.co\n" * MAX_LINKS + "x\n" * (MAX_LINE_BREAKS - MAX_LINKS), ">"),
        fill("http://a.co/", "a"),
        fill("", ">"),
    ],
    ids=["most-links", "entities-in-a-link", "links-on-every-line", "one-long-link", "gt-signs"],
)
def test_stored_html_is_at_most_a_bounded_multiple_of_the_text(client, seed_article, body):
    response = post_comment(client, comment_data(seed_article, comment=body))
    assert response.status_code == 302
    comment = Comment.objects.get()
    allowance = HTML_PER_LINK * MAX_LINKS + HTML_GROWTH * MAX_ENTITY_SIGNS
    assert len(comment.body_html) <= HTML_GROWTH * len(comment.body) + allowance


def test_closed_tags_do_not_count_as_nesting(client, seed_article):
    body = "<b>bold</b> " * 300
    assert post_comment(client, comment_data(seed_article, comment=body)).status_code == 302


def test_body_over_the_size_limit_is_refused_unread_with_413(client, seed_article, settings):
    """The declared length decides: the few bytes sent would fail to parse as multipart."""
    ten_megabytes = 10 * 1024 * 1024
    assert ten_megabytes > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.generic(
        "POST",
        POST_URL,
        data=b'--B\r\nContent-Disposition: form-data; name="comment"\r\n\r\nHi',
        content_type="multipart/form-data; boundary=B",
        CONTENT_LENGTH=str(ten_megabytes),
    )
    assert response.status_code == 413
    assert "none of it was read" in soup(response).get_text(" ", strip=True)
    assert not Comment.objects.exists()


def test_size_limit_holds_for_the_admin_too(client, db, settings):
    response = client.generic(
        "POST",
        "/admin/login/",
        data=b"x",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    assert response.status_code == 413


@pytest.mark.usefixtures("one_rate_window")
def test_rate_limited_post_gets_its_text_back_without_validation_or_queries(
    client, seed_article, settings
):
    settings.COMMENT_RATE_PER_MINUTE = 1
    assert post_comment(client, comment_data(seed_article)).status_code == 302
    body = "<b>" * (MAX_NESTING + 5) + "would be refused, if it were validated"
    with CaptureQueriesContext(connection) as queries:
        response = post_comment(client, comment_data(seed_article, comment=body))
    assert response.status_code == 429
    assert form_value(response, "comment") == body
    assert "nests tags too deeply" not in response.content.decode()
    counted = [query["sql"] for query in queries]
    if settings.RATE_LIMIT_STORE == "cache":
        assert counted == []
    else:
        # The counter's own statement, and nothing else.
        assert len(counted) == 1
        assert "guard_ratecounter" in counted[0]


@pytest.mark.usefixtures("one_rate_window")
def test_rate_limit_survives_a_flood_of_other_cache_keys(client, seed_article, settings):
    """The file cache culls entries when full; a counter kept there could be reset."""
    settings.COMMENT_RATE_PER_MINUTE = 1
    assert post_comment(client, comment_data(seed_article)).status_code == 302
    for n in range(1000):
        cache.set(f"flood-{n}", n)
    assert post_comment(client, comment_data(seed_article)).status_code == 429
