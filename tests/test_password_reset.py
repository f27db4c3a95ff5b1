"""Editors locked out, or without their password, get back in by email."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from guard.tasks import RESET_MAILS_PER_ACCOUNT
from tests.comments.helpers import soup
from tests.factories import make_editor, make_user
from tests.test_security import inline_scripts, log_in_through_the_admin_form, parse

pytestmark = pytest.mark.django_db

RESET_URL = reverse("admin_password_reset")
NEW_PASSWORD = "a much longer new passphrase"
SITE = "https://blog.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def ask_for_a_reset(client, email, **extra):
    return client.post(RESET_URL, {"email": email}, **extra)


def link_in(mail):
    return re.search(r"https?://\S+", mail.body).group(0)


def locked_out_editor(client):
    editor = make_editor(email="ed@example.org")
    for _ in range(5):
        response = log_in_through_the_admin_form(client, editor.username, "guess")
    assert response.status_code == 429
    return editor


def test_admin_login_page_offers_a_password_reset(client):
    page = soup(client.get(reverse("admin:login")))
    assert page.find("a", href=RESET_URL)


def test_lockout_page_offers_the_password_reset(client):
    editor = locked_out_editor(client)
    lockout = log_in_through_the_admin_form(client, editor.username, "guess")
    assert lockout.status_code == 429
    link = soup(lockout).find("a", href=RESET_URL)
    assert "Reset it by email" in link.get_text()
    assert client.get(RESET_URL).status_code == 200


def test_reset_pages_look_like_the_admin_and_run_no_inline_script(client):
    response = client.get(RESET_URL)
    assert response.status_code == 200
    assert "Immunoblog editors" in response.content.decode()
    assert inline_scripts(parse(response)) == []


def test_reset_link_from_the_mail_sets_a_new_password_and_lifts_the_lockout(
    client, mailoutbox, run_tasks
):
    editor = locked_out_editor(client)
    response = ask_for_a_reset(Client(), editor.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert not mailoutbox  # sent by the task worker, not by the request
    run_tasks()
    (mail,) = mailoutbox
    assert mail.to == [editor.email]
    link = link_in(mail)
    assert link.startswith(f"{SITE}/admin/reset/")

    browser = Client()
    form_page = browser.get(link.removeprefix(SITE), follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    done = browser.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    # The same browser, from the same address, that was locked out.
    response = log_in_through_the_admin_form(client, editor.username, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_reset_page_answers_the_same_for_unknown_and_known_addresses(client, mailoutbox):
    make_editor(email="known@example.org")
    answers = []
    for email in ("known@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = ask_for_a_reset(Client(), email)
        answers.append((response.status_code, response["Location"], len(queries)))
    assert answers[0] == answers[1]
    assert DBTaskResult.objects.count() == 2


def test_accounts_that_are_not_staff_get_no_reset_mail(client, mailoutbox, run_tasks):
    make_user(email="reader@example.org")
    assert ask_for_a_reset(client, "reader@example.org").status_code == 302
    run_tasks()
    assert mailoutbox == []


@pytest.mark.usefixtures("one_rate_window")
def test_reset_requests_are_limited_per_client(client, mailoutbox):
    editor = make_editor()
    statuses = [ask_for_a_reset(client, editor.email).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert "Please try again in an hour" in soup(ask_for_a_reset(client, "x@example.org")).text
    elsewhere = ask_for_a_reset(client, editor.email, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


@pytest.mark.usefixtures("one_rate_window")
def test_reset_mail_to_one_editor_is_limited_per_day_however_many_clients_ask(
    mailoutbox, run_tasks
):
    editor = make_editor(email="ed@example.org")
    for n in range(20):
        response = ask_for_a_reset(Client(), editor.email, REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert response.status_code == 302
    run_tasks()
    assert len(mailoutbox) == RESET_MAILS_PER_ACCOUNT
    assert {tuple(mail.to) for mail in mailoutbox} == {(editor.email,)}


@pytest.mark.usefixtures("one_rate_window")
def test_reset_page_answers_the_same_for_an_address_over_its_limit(mailoutbox, run_tasks):
    editor = make_editor(email="ed@example.org")
    for n in range(RESET_MAILS_PER_ACCOUNT):
        ask_for_a_reset(Client(), editor.email, REMOTE_ADDR=f"198.51.100.{n + 1}")
    run_tasks()
    answers = []
    for email in (editor.email, "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = ask_for_a_reset(Client(), email, REMOTE_ADDR="203.0.113.9")
        answers.append((response.status_code, response["Location"], len(queries)))
    assert answers[0] == answers[1]
    run_tasks()
    assert len(mailoutbox) == RESET_MAILS_PER_ACCOUNT
