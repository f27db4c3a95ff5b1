"""Imported comments are shown, kept private and forgotten like any other."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from comments.models import Comment
from comments.privacy import erase_commenter, export_commenter

from .helpers import import_wordpress, imported_article, imported_comment

pytestmark = pytest.mark.django_db

EMAILS = ["ada@readers.example", "ben@readers.example", "jo@readers.example"]


@pytest.fixture
def article(db):
    import_wordpress()
    return imported_article(101)


def test_imported_emails_appear_on_no_page_feed_or_json_ld(article, client):
    pages = [
        client.get(article.get_absolute_url()),
        client.get(reverse("comments:feed", kwargs={"slug": article.slug})),
        client.get(reverse("articles:feed")),
        client.get(reverse("articles:home")),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        for email in EMAILS:
            assert email not in body
            assert email.partition("@")[0] + "@" not in body
    assert "Ada &amp; Co" in pages[0].content.decode()


def test_each_imported_card_carries_its_old_id(article, client):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    ada = imported_comment(201)
    card = soup.find(id=f"comment-{ada.pk}")
    assert card["data-old-id"] == "201"
    assert len(soup.select("[data-old-id]")) == 7  # the approved ones
    assert soup.find("script", src=lambda src: src and "old-comment-links" in src)


def test_imported_addresses_go_with_the_next_retention_purge(article):
    assert Comment.objects.filter(ip_address__isnull=False).count() == 11
    call_command("purge_comment_ips", stdout=None)
    assert Comment.objects.filter(ip_address__isnull=False).count() == 0
    assert Comment.objects.exclude(client_network="").count() == 0


def test_imported_comments_are_exported_and_erased_with_their_authors_data(article):
    assert export_commenter("ada@readers.example")["comment_count"] == 1
    assert erase_commenter("ada@readers.example") == 1
    ada = imported_comment(201)
    assert (ada.author_name, ada.author_email, ada.ip_address) == ("Anonymous", "", None)
    assert imported_comment(202).parent == ada
