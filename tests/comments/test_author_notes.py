"""The author's own page tells them what just happened: a confirmation mail is on its way,
or their changes were saved."""

import pytest

from tests.comments.helpers import post_comment, soup
from tests.comments.test_editing import edit, edit_link, published  # noqa: F401 (a fixture)
from tests.factories import comment_data

pytestmark = pytest.mark.django_db


def note(response):
    found = soup(response).select_one(".comment-author-note")
    return found.get_text(" ", strip=True) if found else None


def test_ticking_notify_me_tells_the_commenter_to_look_for_a_confirmation_mail(
    client, seed_article
):
    posted = post_comment(client, comment_data(seed_article, notify="on"))
    page = client.get(posted["Location"])
    assert "confirm your email address" in note(page)
    assert "spam folder" in note(page)


def test_without_notify_me_no_mail_is_announced(client, seed_article):
    posted = post_comment(client, comment_data(seed_article))
    assert note(client.get(posted["Location"])) is None


def test_an_edited_comment_lands_on_a_page_saying_the_changes_were_saved(client, published):  # noqa: F811
    page, _ = published
    saved = edit(client, edit_link(page), "A second thought.")
    landing = client.get(saved["Location"])
    assert note(landing) == "Your changes were saved."
    assert "A second thought." in landing.content.decode()
