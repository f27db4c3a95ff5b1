"""Duplicate detection, flood control and the per-client rate limit."""

import pytest
import time_machine
from django.utils import timezone

from comments.models import Comment
from tests.comments.helpers import form_value, post_comment, soup
from tests.factories import comment_data

pytestmark = pytest.mark.django_db

DUPLICATE = "Duplicate comment detected; it looks as though you’ve already said that!"
FLOOD = "You are posting comments too quickly. Slow down."


def test_same_comment_twice_is_a_duplicate(client, seed_article):
    data = comment_data(seed_article, comment="I agree entirely.")
    assert post_comment(client, data).status_code == 302
    response = post_comment(client, data)
    assert response.status_code == 409
    assert DUPLICATE in response.content.decode()
    assert form_value(response, "comment") == "I agree entirely."
    assert Comment.objects.count() == 1


def test_same_text_under_another_name_from_the_same_client_is_a_duplicate(client, seed_article):
    data = comment_data(seed_article, comment="Same words.")
    post_comment(client, data)
    response = post_comment(client, {**data, "author": "Someone Else", "email": "else@example.org"})
    assert response.status_code == 409


def test_same_text_under_the_same_name_from_another_client_is_a_duplicate(client, seed_article):
    data = comment_data(seed_article, comment="Same words.", author="Ada")
    post_comment(client, data, REMOTE_ADDR="192.0.2.1")
    again = {**data, "author": "  ＡＤＡ ", "email": "ada@elsewhere.example"}
    assert post_comment(client, again, REMOTE_ADDR="198.51.100.2").status_code == 409


def test_same_text_and_email_from_someone_else_is_not_a_duplicate(client, seed_article):
    data = comment_data(seed_article, comment="Thank you!", email="same@example.com")
    post_comment(client, data, REMOTE_ADDR="192.0.2.1")
    response = post_comment(client, {**data, "author": "Another"}, REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 302
    assert Comment.objects.count() == 2


def test_trashed_comment_can_be_posted_again(client, seed_article):
    data = comment_data(seed_article, comment="Second try.")
    post_comment(client, data)
    Comment.objects.update(status=Comment.Status.TRASH)
    assert post_comment(client, data).status_code == 302


def test_second_comment_within_the_flood_interval_is_refused(client, seed_article, settings):
    settings.COMMENT_FLOOD_SECONDS = 15
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert post_comment(client, comment_data(seed_article)).status_code == 302
        clock.shift(10)
        second = comment_data(seed_article, comment="Too soon, perhaps.")
        response = post_comment(client, second)
        assert response.status_code == 429
        assert FLOOD in response.content.decode()
        assert form_value(response, "comment") == "Too soon, perhaps."
        clock.shift(6)
        assert post_comment(client, second).status_code == 302
    assert Comment.objects.count() == 2


def test_flood_control_does_not_follow_the_email_address(client, seed_article, settings):
    settings.COMMENT_FLOOD_SECONDS = 15
    data = comment_data(seed_article, email="same@example.com")
    post_comment(client, data, REMOTE_ADDR="192.0.2.1")
    again = {**data, "comment": "From another network."}
    assert post_comment(client, again, REMOTE_ADDR="192.0.2.2").status_code == 302


def test_flood_control_counts_an_ipv6_client_by_its_64(client, seed_article, settings):
    settings.COMMENT_FLOOD_SECONDS = 15
    post_comment(client, comment_data(seed_article), REMOTE_ADDR="2001:db8:1:2::1")
    again = comment_data(seed_article, comment="From the next address.")
    response = post_comment(client, again, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert response.status_code == 429
    elsewhere = post_comment(client, again, REMOTE_ADDR="2001:db8:1:3::1")
    assert elsewhere.status_code == 302


def test_flood_control_is_lifted_with_zero_seconds(client, seed_article, settings):
    settings.COMMENT_FLOOD_SECONDS = 0
    for _ in range(3):
        assert post_comment(client, comment_data(seed_article)).status_code == 302


@pytest.mark.usefixtures("one_rate_window")
def test_rate_limit_answers_429_with_a_readable_page_and_keeps_the_text(
    client, seed_article, settings
):
    settings.COMMENT_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert post_comment(client, comment_data(seed_article)).status_code == 302
    data = comment_data(seed_article, comment="The fourth comment this minute.")
    response = post_comment(client, data)
    assert response.status_code == 429
    page = soup(response)
    assert "Please wait a moment" in page.find("h1").get_text()
    assert page.find(role="alert")
    assert form_value(response, "comment") == "The fourth comment this minute."
    assert Comment.objects.count() == 3


@pytest.mark.usefixtures("one_rate_window")
def test_rate_limit_is_per_client(client, seed_article, settings):
    settings.COMMENT_RATE_PER_MINUTE = 1
    assert (
        post_comment(client, comment_data(seed_article), REMOTE_ADDR="192.0.2.1").status_code == 302
    )
    assert (
        post_comment(client, comment_data(seed_article), REMOTE_ADDR="192.0.2.1").status_code == 429
    )
    assert (
        post_comment(client, comment_data(seed_article), REMOTE_ADDR="192.0.2.2").status_code == 302
    )


@pytest.mark.usefixtures("one_rate_window")
def test_rate_limit_window_resets_after_a_minute(client, seed_article, settings):
    settings.COMMENT_RATE_PER_MINUTE = 1
    with time_machine.travel("2026-11-27 10:00:05", tick=False) as clock:
        assert post_comment(client, comment_data(seed_article)).status_code == 302
        assert post_comment(client, comment_data(seed_article)).status_code == 429
        clock.shift(60)
        assert post_comment(client, comment_data(seed_article)).status_code == 302


def test_rate_limit_is_lifted_with_zero(client, seed_article, settings):
    settings.COMMENT_RATE_PER_MINUTE = 0
    for _ in range(12):
        assert post_comment(client, comment_data(seed_article)).status_code == 302
