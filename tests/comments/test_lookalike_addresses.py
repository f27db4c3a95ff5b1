"""A look-alike address reaches nobody's data; every spelling of one mailbox reaches its own.

The attack: a commenter wrote as victim@gmail.example; someone asks "Your
data" for victim@gmaıl.example (a dotless ı, a domain anyone may register).
PostgreSQL's UPPER() made the two equal and the link went to the address as
typed. Run under SQLite and PostgreSQL (scripts/with-services): the answers
must be the same on both. Mail arrives at a real SMTP server on 127.0.0.1.
"""

import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase
from django.urls import reverse

from comments.models import Comment, PrivacyRequest
from tests.comments.helpers import field_error, form_value, post_comment, soup
from tests.factories import comment_data, make_comment, make_editor

pytestmark = pytest.mark.django_db

SITE = "https://blog.example.org"
VICTIM = "Victim@gmail.example"
DOMAIN_LOOK_ALIKES = ["victim@gmaıl.example", "VICTIM@GMAıL.EXAMPLE"]
REFUSED_LOOK_ALIKES = ["vıctim@gmail.example", "victiſm@gmail.example", "\u212aate@gmail.example"]
REQUEST_URL = reverse("comments:privacy")
PRIVACY_TOOL = reverse("admin:comments_comment_privacy")
LINK = re.compile(re.escape(SITE) + r"(/comments/privacy/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def victim(seed_article):
    """Two comments under one mailbox, spelled two ways; one of them waits for approval."""
    return [
        make_comment(seed_article, author_name="Vic", author_email=VICTIM, body="Published."),
        make_comment(seed_article, author_name="Vic", author_email="victim@GMAIL.example",
                     body="Held back.", status=Comment.Status.PENDING, ip_address="198.51.100.4"),
    ]  # fmt: skip


def ask(email, kind="export"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(REQUEST_URL, {"email": email, "kind": kind})


def link_in(mail):
    return LINK.search(mail.text()).group(1)


@pytest.mark.parametrize("look_alike", DOMAIN_LOOK_ALIKES)
def test_asking_for_the_data_of_a_look_alike_domain_mails_nothing(
    victim, look_alike, mail_server, run_tasks
):
    assert ask(look_alike).status_code == 302
    run_tasks()
    assert mail_server.wait_for(1, timeout=1) == []
    assert PrivacyRequest.objects.get().outcome == PrivacyRequest.Outcome.NO_DATA


def test_erasing_through_a_look_alike_domain_touches_nothing(victim, mail_server, run_tasks):
    before = list(Comment.objects.values_list("author_email", "ip_address", "body"))
    ask(DOMAIN_LOOK_ALIKES[0], kind="erase")
    run_tasks()
    assert mail_server.wait_for(1, timeout=1) == []
    assert list(Comment.objects.values_list("author_email", "ip_address", "body")) == before


@pytest.mark.parametrize("look_alike", REFUSED_LOOK_ALIKES)
def test_a_look_alike_letter_before_the_at_is_a_form_error_with_the_address_kept(
    victim, look_alike
):
    response = ask(look_alike)
    assert response.status_code == 400
    assert "before the @ contains" in response.content.decode()
    assert form_value(response, "email") == look_alike
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize(
    "typed",
    ["VICTIM@GMAIL.EXAMPLE", "victim@ｇｍａｉｌ.example", " Victim@Gmail.Example "],
    ids=["mixed-case", "full-width-domain", "spaces-and-case"],
)
def test_the_link_for_another_spelling_of_the_mailbox_goes_to_the_address_as_stored(
    victim, typed, mail_server, run_tasks
):
    ask(typed)
    run_tasks()
    (mail,) = mail_server.wait_for(1)
    assert mail.recipients == ["victim@GMAIL.example"]  # the newest comment's spelling
    document = json.loads(Client().post(link_in(mail)).content)
    assert [comment["text"] for comment in document["comments"]] == ["Published.", "Held back."]


def test_the_export_of_a_look_alike_domain_holds_only_its_own_comments(
    seed_article, victim, mail_server, run_tasks
):
    """Its owner (who holds that domain) gets the link, and their own comments alone."""
    make_comment(seed_article, author_name="Mallory", author_email="victim@gmaıl.example",
                 body="The look-alike's own comment.")  # fmt: skip
    ask("victim@gmaıl.example")
    run_tasks()
    (mail,) = mail_server.wait_for(1)
    assert mail.recipients == ["victim@xn--gmal-nza.example"]
    document = json.loads(Client().post(link_in(mail)).content)
    texts = [comment["text"] for comment in document["comments"]]
    assert texts == ["The look-alike's own comment."]


@pytest.mark.parametrize("look_alike", REFUSED_LOOK_ALIKES)
def test_a_comment_under_a_look_alike_letter_before_the_at_is_a_form_error(
    client, seed_article, look_alike
):
    data = comment_data(seed_article, email=look_alike)
    response = post_comment(client, data)
    assert response.status_code == 400
    assert "before the @ contains" in field_error(response, "email")
    assert form_value(response, "email") == look_alike
    assert not Comment.objects.exists()


def test_a_domain_that_mail_software_reads_two_ways_is_a_form_error(client, seed_article):
    response = post_comment(client, comment_data(seed_article, email="reader@straße.example"))
    assert response.status_code == 400
    assert "reads in two different ways" in field_error(response, "email")


def test_a_comment_keeps_its_address_as_typed_and_is_found_by_any_spelling(client, seed_article):
    post_comment(client, comment_data(seed_article, email="Reader@ＥＸＡＭＰＬＥ.org"))
    comment = Comment.objects.get()
    assert comment.author_email == "Reader@ＥＸＡＭＰＬＥ.org"
    assert list(Comment.objects.by_email("reader@example.org")) == [comment]


@pytest.fixture
def editor():
    client = Client()
    client.force_login(make_editor())
    return client


def test_the_editors_tool_finds_every_spelling_and_no_look_alike(seed_article, victim, editor):
    make_comment(seed_article, author_email="victim@gmaıl.example", body="Not the victim's.")
    response = editor.post(PRIVACY_TOOL, {"email": "victim@gmail.example", "export": "Export"})
    texts = [comment["text"] for comment in json.loads(response.content)["comments"]]
    assert texts == ["Published.", "Held back."]


def test_the_editors_tool_says_why_it_refuses_a_look_alike_letter(editor):
    response = editor.post(PRIVACY_TOOL, {"email": REFUSED_LOOK_ALIKES[0], "export": "Export"})
    assert response.status_code == 200
    assert "before the @ contains “ı” (U+0131" in soup(response).get_text()


@pytest.mark.parametrize("command", ["export_commenter", "erase_commenter"])
def test_the_shell_commands_say_why_they_refuse_a_look_alike_letter(victim, command):
    with pytest.raises(CommandError, match="before the @ contains “ı”"):
        call_command(command, REFUSED_LOOK_ALIKES[0])
    assert Comment.objects.filter(author_email_key="victim@gmail.example").count() == 2
