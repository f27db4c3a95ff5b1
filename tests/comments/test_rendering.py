"""Comment HTML is rendered once, when saved, and re-rendered on demand."""

import zoneinfo

import pytest
from django.core.management import call_command
from django.test import Client

from comments.models import Comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def test_card_is_rendered_when_the_comment_is_saved(seed_article):
    comment = make_comment(seed_article, author_name="Lin", body="Plain *text*")
    stored = Comment.objects.get(pk=comment.pk)
    assert f'id="comment-{comment.pk}"' in stored.card_html
    assert "Lin" in stored.card_html
    assert stored.body_html == "<p>Plain *text*</p>"
    assert '"@type":"Comment"' in stored.schema_json


def test_rerender_command_refreshes_stale_cards_and_the_page(seed_article, capsys):
    comment = make_comment(seed_article, body="Fresh words")
    Client().get(seed_article.get_absolute_url())
    Comment.objects.filter(pk=comment.pk).update(
        card_html="<p>stale card</p>", body_html="<p>stale</p>"
    )
    call_command("rerender_comments")
    assert "Re-rendered 1 comments." in capsys.readouterr().out
    stored = Comment.objects.get(pk=comment.pk)
    assert "Fresh words" in stored.card_html
    page = Client().get(seed_article.get_absolute_url()).content.decode()
    assert "stale card" not in page
    assert "Fresh words" in page


def test_rerendering_keeps_the_parent_named_in_replies(seed_article):
    parent = make_comment(seed_article, author_name="Noor")
    reply = make_comment(seed_article, parent=parent)
    Comment.objects.filter(pk=reply.pk).update(card_html="")
    call_command("rerender_comments")
    assert "in reply to Noor" in Comment.objects.get(pk=reply.pk).card_html


def test_dates_are_formatted_once_in_the_site_time_zone(seed_article, settings):
    settings.TIME_ZONE = "America/New_York"
    comment = make_comment(seed_article)
    local = comment.created_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert local.strftime("%B %-d, %Y") in Comment.objects.get(pk=comment.pk).card_html
