"""The signed, expiring link that shows a pending comment to its author alone."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comments.models import Comment
from tests.comments.helpers import post_comment
from tests.factories import comment_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_link(client, seed_article):
    response = post_comment(client, comment_data(seed_article, comment="Waiting patiently."))
    return response["Location"].split("#")[0]


def test_link_shows_the_comment_to_whoever_holds_it(client, pending_link):
    response = client.get(pending_link)
    assert "Waiting patiently." in response.content.decode()
    assert "Your comment is awaiting moderation." in response.content.decode()


def test_link_page_is_never_cached_or_indexed(client, pending_link):
    response = client.get(pending_link)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_link_expires(client, pending_link, settings):
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.COMMENT_PENDING_LINK_SECONDS + 5)
    ):
        response = client.get(pending_link)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Waiting patiently." not in response.content.decode()


@pytest.mark.parametrize("mutation", ["flip-id", "truncate", "garbage"])
def test_tampered_link_shows_nothing(client, pending_link, seed_article, mutation):
    other = post_comment(client, comment_data(seed_article, comment="Someone else's."))
    assert other.status_code == 302
    token = pending_link.rstrip("/").rsplit("/", 1)[1]
    other_id = Comment.objects.get(body="Someone else's.").pk
    tampered = {
        "flip-id": f"{other_id}:" + token.split(":", 1)[1],
        "truncate": token[:-3],
        "garbage": "not-a-token",
    }[mutation]
    response = client.get(f"/comments/pending/{tampered}/")
    assert response.status_code == 404
    assert "Someone else's." not in response.content.decode()


def test_link_to_an_approved_comment_leads_to_the_article(client, pending_link, seed_article):
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    response = client.get(pending_link)
    assert response.status_code == 302
    assert response["Location"] == f"{seed_article.get_absolute_url()}#comment-{comment.pk}"


def test_link_to_a_trashed_comment_shows_nothing(client, pending_link):
    Comment.objects.update(status=Comment.Status.TRASH)
    assert client.get(pending_link).status_code == 404


def after_the_link_expires(settings):
    seconds = settings.COMMENT_PENDING_LINK_SECONDS + 5
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds))


def posted_link(pending_link):
    return pending_link.replace("/comments/pending/", "/comments/posted/")


def test_the_same_link_on_the_published_comments_page_expires_too(client, pending_link, settings):
    with after_the_link_expires(settings):
        response = client.get(posted_link(pending_link))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Waiting patiently." not in response.content.decode()


def test_an_expired_link_to_a_published_comment_answers_410_as_well(client, pending_link, settings):
    Comment.objects.update(status=Comment.Status.APPROVED)
    with after_the_link_expires(settings):
        response = client.get(posted_link(pending_link))
    assert response.status_code == 410


def test_the_published_comments_page_never_hands_out_a_fresher_link(client, pending_link, settings):
    halfway = timedelta(seconds=settings.COMMENT_PENDING_LINK_SECONDS // 2)
    with time_machine.travel(timezone.now() + halfway):
        response = client.get(posted_link(pending_link))
    assert response.status_code == 302
    assert response["Location"].split("#")[0] == pending_link
    with after_the_link_expires(settings):
        assert client.get(response["Location"]).status_code == 410
