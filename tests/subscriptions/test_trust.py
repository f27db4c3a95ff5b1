"""Trust that cannot be typed: only a browser's key for the address publishes a returning author."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from comments.models import Comment
from tests.comments.helpers import post_comment, soup
from tests.factories import comment_data, make_comment
from tests.subscriptions.helpers import ask_for_notices, confirm, link_path, make_verified

pytestmark = pytest.mark.django_db

EMAIL = "returning@example.com"


@pytest.fixture
def returning(seed_article):
    """A commenter with an approved comment who confirmed the address; their browser's key."""
    make_comment(seed_article, author_name="Rita Returns", author_email=EMAIL)
    _, key = make_verified(EMAIL)
    return key


def post_as(article, email, key="", **overrides):
    data = comment_data(article, email=email, author="Rita Returns", **overrides)
    if key:
        data["commenter_key"] = key
    return post_comment(Client(), data, REMOTE_ADDR="198.51.100.7")


def status_of(response):
    assert response.status_code == 302
    return Comment.objects.order_by("-pk").first().status


def test_a_returning_author_whose_browser_holds_the_key_is_published_at_once(
    seed_article, returning
):
    response = post_as(seed_article, EMAIL, returning, comment="Back, with my key.")
    assert status_of(response) == Comment.Status.APPROVED
    assert response.url.endswith(f"#comment-{Comment.objects.order_by('-pk').first().pk}")


def test_the_key_counts_for_its_own_address_in_any_case_only(seed_article, returning):
    assert status_of(post_as(seed_article, " Returning@Example.COM ", returning)) == "approved"
    assert status_of(post_as(seed_article, "other@example.com", returning)) == "pending"


def test_a_verified_author_without_an_approved_comment_still_waits(seed_article):
    _, key = make_verified("first.time@example.com")
    assert status_of(post_as(seed_article, "first.time@example.com", key)) == "pending"


def test_the_rule_is_a_discussion_setting(seed_article, returning, discussion_rules):
    discussion_rules(auto_approve_verified_authors=False)
    assert status_of(post_as(seed_article, EMAIL, returning)) == "pending"


def test_a_forged_or_huge_key_is_a_strangers_post_not_an_error(seed_article, returning):
    for key in ("forged", "x" * 100_000, returning + "x"):
        assert status_of(post_as(seed_article, EMAIL, key, comment=f"Key {len(key)}.")) == "pending"


def answer(article, email, text):
    """Status, where it leads, the page there (the comment's own text blanked), query count."""
    data = comment_data(article, email=email, author="Rita Returns", comment=text)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = post_comment(client, data, REMOTE_ADDR="198.51.100.8")
    page = client.get(response.url)
    text_shown = soup(page).find("main").get_text(" ", strip=True).replace(text, "TEXT")
    return (
        response.status_code,
        resolve(urlsplit(response.url).path).url_name,
        text_shown,
        len(queries),
    )


def test_typing_a_verified_address_gets_exactly_a_strangers_answer(seed_article, returning):
    post_as(seed_article, "warm@example.com", comment="Warming the caches.")
    typed = answer(seed_article, EMAIL, "I typed a known address.")
    stranger = answer(seed_article, "stranger@example.com", "I am new here.")
    assert typed == stranger
    assert typed[:2] == (302, "pending")
    assert "Your comment is awaiting moderation." in typed[2]


def test_a_key_from_the_confirmation_page_publishes_the_next_comment(
    client, seed_article, mail_server, run_tasks
):
    ask_for_notices(client, seed_article, EMAIL, author="Rita Returns")
    run_tasks()
    key = confirm(client, link_path(mail_server.wait_for(1)[0].text(), "confirm"))
    first = Comment.objects.get()
    first.status = Comment.Status.APPROVED
    first.save()
    assert status_of(post_as(seed_article, EMAIL, key, comment="Second, trusted.")) == "approved"
