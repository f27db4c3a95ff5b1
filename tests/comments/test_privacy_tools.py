"""Editors export and erase one commenter's data; addresses expire after the retention period."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.privacy import erase_commenter, export_commenter
from tests.comments.helpers import comment_ids, soup
from tests.factories import make_article, make_comment, make_editor

pytestmark = pytest.mark.django_db

EMAIL = "Dana.Commenter@example.com"
PRIVACY_URL = reverse("admin:comments_comment_privacy")


@pytest.fixture
def dana(seed_article):
    """Dana's comments: approved, a reply to someone, a pending one, and one on another article."""
    other = make_comment(seed_article, author_name="Eli")
    return {
        "first": make_comment(seed_article, author_name="Dana", author_email=EMAIL,
                              author_url="https://dana.example.org/", body="Dana's view."),
        "reply": make_comment(seed_article, author_name="Dana", author_email=EMAIL.lower(),
                              parent=other, body="Dana replies."),
        "pending": make_comment(seed_article, author_name="Dana", author_email=EMAIL,
                                status=Comment.Status.PENDING, body="Dana waits."),
        "elsewhere": make_comment(make_article(), author_name="Dana", author_email=EMAIL,
                                  body="Dana elsewhere."),
        "other": other,
    }  # fmt: skip


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_export_lists_every_comment_with_everything_held(dana):
    document = export_commenter(EMAIL.upper())
    assert document["comment_count"] == 4
    texts = [comment["text"] for comment in document["comments"]]
    assert texts == ["Dana's view.", "Dana replies.", "Dana waits.", "Dana elsewhere."]
    first = document["comments"][0]
    assert first["email"] == EMAIL
    assert first["website"] == "https://dana.example.org/"
    assert first["ip_address"] == "203.0.113.7"
    assert first["status"] == "approved"
    assert first["article"]["title"]
    assert document["comments"][1]["in_reply_to"] == dana["other"].pk


def test_export_command_writes_json(dana, tmp_path):
    target = tmp_path / "dana.json"
    call_command("export_commenter", EMAIL, output=str(target))
    assert json.loads(target.read_text())["comment_count"] == 4


def test_erase_anonymises_and_keeps_text_and_thread(dana, client):
    assert erase_commenter(EMAIL) == 4
    for key in ("first", "reply", "pending", "elsewhere"):
        comment = Comment.objects.get(pk=dana[key].pk)
        assert comment.author_name == "Anonymous"
        assert comment.author_email == ""
        assert comment.author_url == ""
        assert comment.ip_address is None
        assert comment.user_agent == ""
    reply = Comment.objects.get(pk=dana["reply"].pk)
    assert reply.body == "Dana replies."
    assert reply.parent_id == dana["other"].pk
    assert Comment.objects.get(pk=dana["other"].pk).author_name == "Eli"


def test_erased_comments_show_as_anonymous_at_once(
    dana, seed_article, django_capture_on_commit_callbacks
):
    reader = Client()
    assert "Dana" in reader.get(seed_article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        erase_commenter(EMAIL)
    page = reader.get(seed_article.get_absolute_url())
    html = page.content.decode()
    assert "Dana&#x27;s view." in html or "Dana's view." in html
    assert ">Dana<" not in html
    assert "dana.example.org" not in html
    assert comment_ids(page) == [dana["other"].pk, dana["reply"].pk, dana["first"].pk]


def test_replies_to_an_erased_commenter_name_anonymous(
    seed_article, django_capture_on_commit_callbacks
):
    parent = make_comment(seed_article, author_name="Dana", author_email=EMAIL)
    make_comment(seed_article, parent=parent)
    Client().get(seed_article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        erase_commenter(EMAIL)
    page = Client().get(seed_article.get_absolute_url()).content.decode()
    assert "in reply to Anonymous" in page
    assert "Dana" not in page


def test_erase_command_asks_unless_told_yes(dana, monkeypatch, capsys):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(Exception, match="Nothing was erased"):
        call_command("erase_commenter", EMAIL)
    assert Comment.objects.filter(author_email__iexact=EMAIL).count() == 4
    call_command("erase_commenter", EMAIL, yes=True)
    assert "Anonymised 4 comment(s)." in capsys.readouterr().out
    assert not Comment.objects.filter(author_email__iexact=EMAIL).exists()


def test_admin_page_exports_a_json_download(editor_client, dana):
    response = editor_client.post(PRIVACY_URL, {"email": EMAIL, "export": "Export as JSON"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert json.loads(response.content)["comment_count"] == 4


def test_admin_page_erases_after_confirmation(
    editor_client, dana, django_capture_on_commit_callbacks
):
    ask = editor_client.post(PRIVACY_URL, {"email": EMAIL, "erase": "Erase…"})
    assert "Erase the personal data of 4 comments" in ask.content.decode()
    assert Comment.objects.filter(author_email__iexact=EMAIL).count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        done = editor_client.post(
            PRIVACY_URL, {"email": EMAIL, "erase": "Yes, erase", "confirm": "yes"}, follow=True
        )
    assert "Anonymised 4 comment(s)" in done.content.decode()
    assert not Comment.objects.filter(author_email__iexact=EMAIL).exists()


def test_admin_action_opens_the_page_for_the_selected_commenter(editor_client, dana):
    response = editor_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "commenter_data", "_selected_action": [dana["first"].pk, dana["reply"].pk]},
    )
    assert response.status_code == 302
    page = soup(editor_client.get(response["Location"]))
    assert page.find("input", attrs={"name": "email"})["value"] == EMAIL.lower()


def test_admin_page_is_for_editors_only(client, dana):
    assert client.get(PRIVACY_URL).status_code == 302
    response = client.post(PRIVACY_URL, {"email": EMAIL, "export": "1"})
    assert response.status_code == 302
    assert b"Dana" not in response.content


def test_addresses_are_removed_after_the_retention_period(seed_article, settings):
    settings.COMMENT_IP_RETENTION_DAYS = 30
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=31)):
        old = make_comment(seed_article)
    recent = make_comment(seed_article)
    call_command("purge_comment_ips")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None
    assert old.user_agent == ""
    assert old.body
    assert recent.ip_address == "203.0.113.7"
    assert recent.user_agent == "pytest"


def test_addresses_are_shown_to_editors_only(editor_client, seed_article):
    make_comment(seed_article, ip_address="198.51.100.77")
    assert (
        "198.51.100.77"
        in editor_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    )
    assert "198.51.100.77" not in Client().get(seed_article.get_absolute_url()).content.decode()
