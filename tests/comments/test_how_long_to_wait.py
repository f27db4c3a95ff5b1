"""A commenter refused for posting too soon is told how long to wait, on the page and in
Retry-After."""

import time

import pytest
import time_machine
from django.utils import timezone

from tests.comments.helpers import post_comment, soup
from tests.factories import comment_data

pytestmark = pytest.mark.django_db


def test_the_flood_page_says_how_many_seconds_are_left(client, seed_article, settings):
    settings.COMMENT_FLOOD_SECONDS = 15
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post_comment(client, comment_data(seed_article))
        clock.shift(10)
        response = post_comment(client, comment_data(seed_article, comment="Too soon."))
    assert response.status_code == 429
    alert = soup(response).find(role="alert").get_text(" ", strip=True)
    assert "You are posting comments too quickly. Slow down." in alert
    assert "Please wait 5 seconds, then press “Post Comment” again." in alert
    assert response["Retry-After"] == "5"


def test_the_rate_limit_page_says_how_many_seconds_until_the_next_minute(
    client, seed_article, settings
):
    settings.COMMENT_RATE_PER_MINUTE = 1
    minute = (int(time.time()) // 60 + 1) * 60
    with time_machine.travel(minute + 20, tick=False):
        post_comment(client, comment_data(seed_article))
        response = post_comment(client, comment_data(seed_article, comment="Again."))
    assert response.status_code == 429
    alert = soup(response).find(role="alert").get_text(" ", strip=True)
    assert "Please wait 40 seconds, then press “Post Comment” again." in alert
    assert response["Retry-After"] == "40"
