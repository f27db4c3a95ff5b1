"""No answer depends on whether an email address belongs to a commenter.

The attack: post an approved comment's exact text under another name with a
guessed address, from an address that has just posted. The duplicate check
used to match on the email address before the flood check ran, so the real
address got 409 "Duplicate comment detected" and wrong guesses got 429.
Known and unknown addresses must now take the same path: same status, same
page, same number of queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.comments.helpers import post_comment, soup
from tests.factories import comment_data, make_comment

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"
GUESSES = [VICTIM, "  VICTIM@example.org ", "wrong.guess@example.org"]
TEXT = "Exactly the words the victim wrote."
ATTACKER = "192.0.2.66"


@pytest.fixture
def victims_comment(seed_article):
    return make_comment(
        seed_article,
        author_name="Vic Tim",
        author_email=VICTIM,
        body=TEXT,
        ip_address="198.51.100.20",
    )


def answer(client, article, guess, **data):
    """Status, page (with the guess and the fresh token blanked) and query count."""
    posted = comment_data(article, comment=TEXT, author="Mallory", email=guess, **data)
    with CaptureQueriesContext(connection) as queries:
        response = post_comment(client, posted, REMOTE_ADDR=ATTACKER)
    page = response.content.decode().replace(guess, "GUESS").replace(guess.strip(), "GUESS")
    token = soup(response).find("input", attrs={"name": "csrfmiddlewaretoken"})
    if token is not None and token.get("value"):
        page = page.replace(token["value"], "TOKEN")
    return response.status_code, page, len(queries)


def test_a_flooding_client_gets_the_same_answer_for_the_real_address_and_a_guess(
    client, seed_article, victims_comment, settings
):
    settings.COMMENT_FLOOD_SECONDS = 15
    assert post_comment(client, comment_data(seed_article), REMOTE_ADDR=ATTACKER).status_code == 302
    answers = [answer(client, seed_article, guess) for guess in GUESSES]
    assert answers[0][0] == 429
    assert answers[0] == answers[1] == answers[2]


def test_a_commenters_text_under_another_name_is_no_duplicate_with_either_address(
    client, seed_article, victims_comment
):
    for n, guess in enumerate((VICTIM, "wrong.guess@example.org")):
        posted = comment_data(seed_article, comment=TEXT, author=f"Mallory {n}", email=guess)
        response = post_comment(client, posted, REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert response.status_code == 302, guess


def test_known_and_unknown_addresses_cost_the_same_queries_and_get_the_same_status(
    client, seed_article, victims_comment
):
    post_comment(client, comment_data(seed_article), REMOTE_ADDR="192.0.2.99")  # warm caches
    answers = []
    for n, guess in enumerate(GUESSES):
        posted = comment_data(seed_article, comment=f"My own words, take {n}.", email=guess)
        with CaptureQueriesContext(connection) as queries:
            response = post_comment(client, posted, REMOTE_ADDR=f"192.0.2.{n + 1}")
        answers.append((response.status_code, len(queries)))
    assert answers[0] == answers[1] == answers[2]


def test_typing_a_known_email_address_does_not_publish_a_comment(
    client, seed_article, victims_comment
):
    posted = comment_data(seed_article, comment="Back again.", author="Vic Tim", email=VICTIM)
    response = post_comment(client, posted, REMOTE_ADDR="198.51.100.21")
    assert response.status_code == 302
    assert Comment.objects.get(body="Back again.").status == Comment.Status.PENDING
