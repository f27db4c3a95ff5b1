"""An editor's own new comment, on the page they land on after posting: one Edit link."""

import pytest
from django.test import Client

from tests.comments.helpers import post_comment, soup
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.django_db


def edit_links(response):
    return [a for a in soup(response).find_all("a") if a.get_text(strip=True) == "Edit"]


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_editor(first_name="Ada"))
    return client


def test_an_editors_new_comment_shows_one_edit_link(editor_client, seed_article):
    posted = post_comment(editor_client, {"comment": "Noted.", "article": seed_article.pk})
    links = edit_links(editor_client.get(posted["Location"]))
    assert len(links) == 1
    assert "comment-edit-link" in links[0]["class"]


def test_other_comments_on_that_page_keep_the_admin_edit_link(editor_client, seed_article):
    other = make_comment(seed_article, author_name="Nina")
    posted = post_comment(editor_client, {"comment": "Noted.", "article": seed_article.pk})
    page = soup(editor_client.get(posted["Location"]))
    card = page.find(id=f"comment-{other.pk}")
    assert card.find("a", class_="comment-admin-link").get_text() == "Edit"
