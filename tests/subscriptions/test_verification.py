"""Ticking "Notify me" mails one link; only the button on the page it opens confirms the address."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from subscriptions.models import Commenter, CommenterKey, Subscription, Verification
from subscriptions.services import key_digest
from tests.comments.helpers import post_comment, soup
from tests.factories import comment_data
from tests.subscriptions.helpers import NOTIFY, SITE, ask_for_notices, confirm, link_path

pytestmark = pytest.mark.django_db

EMAIL = "hannah@example.com"


def test_ticking_the_box_mails_one_confirmation_link(client, seed_article, mail_server, run_tasks):
    response = ask_for_notices(client, seed_article, EMAIL)
    assert response.status_code == 302
    assert mail_server.received == []  # the post never waits on the mail server
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == [EMAIL]
    assert received.subject == "[Immunoblog] Please confirm your email address"
    assert link_path(received.text(), "confirm") in received.html()
    assert seed_article.title in received.text()


def test_opening_the_link_confirms_nothing_until_the_button_is_pressed(
    seed_article, csrf_client, mail_server, run_tasks
):
    ask_for_notices(Client(), seed_article, EMAIL)
    run_tasks()
    path = link_path(mail_server.wait_for(1)[0].text(), "confirm")
    for _ in range(2):  # a mail scanner, then the reader
        page = csrf_client.get(path)
        assert page.status_code == 200
        button = soup(page).find("main").find("button")
        assert button.get_text(strip=True) == "Confirm my address"
    commenter = Commenter.objects.get()
    assert commenter.verified_at is None
    assert not Subscription.objects.exists()
    key = confirm(csrf_client, path)
    commenter.refresh_from_db()
    assert commenter.verified_at is not None
    assert Subscription.objects.get().comment == Comment.objects.get()
    # The key is handed out once and stored only as its digest.
    (stored,) = CommenterKey.objects.values_list("digest", flat=True)
    assert stored == key_digest(key) != key


def test_a_confirmation_post_without_the_pages_token_confirms_nothing(
    client, seed_article, csrf_client, mail_server, run_tasks
):
    ask_for_notices(client, seed_article, EMAIL)
    run_tasks()
    path = link_path(mail_server.wait_for(1)[0].text(), "confirm")
    assert csrf_client.post(path).status_code == 403
    assert Commenter.objects.get().verified_at is None
    assert not CommenterKey.objects.exists()


def test_an_altered_or_expired_link_confirms_nothing(
    client, seed_article, settings, mail_server, run_tasks
):
    ask_for_notices(client, seed_article, EMAIL)
    run_tasks()
    path = link_path(mail_server.wait_for(1)[0].text(), "confirm")
    assert client.post(path[:-3] + "x/").status_code == 404
    assert client.get("/subscriptions/confirm/not-a-token/").status_code == 404
    later = timezone.now() + timedelta(seconds=settings.COMMENT_VERIFY_LINK_SECONDS + 1)
    with time_machine.travel(later):
        expired = client.post(path)
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    assert Commenter.objects.get().verified_at is None


def test_a_new_confirmation_mail_waits_ten_minutes_and_five_come_a_day_at_most(
    client, seed_article, mail_server, run_tasks
):
    start = timezone.now()

    def ask_at(minutes):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            ask_for_notices(client, seed_article, EMAIL, comment=f"Asking at {minutes}.")
            run_tasks()
        return len(mail_server.to(EMAIL))

    assert ask_at(0) == 1
    assert ask_at(9) == 1  # another device, too soon
    assert [ask_at(minutes) for minutes in (11, 22, 33, 44)] == [2, 3, 4, 5]
    assert ask_at(60) == 5  # five a day
    assert ask_at(24 * 60 + 1) == 6  # a day later the limit has passed: nobody is locked out
    assert Verification.objects.count() == 6


def test_the_mail_and_the_answer_are_the_same_for_a_confirmed_and_a_new_address(
    client, seed_article, mail_server, run_tasks
):
    known, new = "known@example.com", "new@example.com"
    ask_for_notices(client, seed_article, known)
    run_tasks()
    confirm(client, link_path(mail_server.wait_for(1)[0].text(), "confirm"))
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        answers = []
        for email in (known, new):
            response = ask_for_notices(Client(), seed_article, email, comment=f"From {email}.")
            answers.append((response.status_code, response.url.split("/pending/")[0]))
        run_tasks()
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    texts = []
    for email in (known, new):
        text = mail_server.to(email)[-1].text()
        texts.append(text.replace(link_path(text, "confirm"), "LINK"))
    assert texts[0] == texts[1]
    assert f"{SITE}LINK" in texts[0]


def test_spam_with_the_box_ticked_sends_no_confirmation(
    client, seed_article, discussion_rules, mail_server, run_tasks
):
    discussion_rules(disallowed_words="casino")
    ask_for_notices(client, seed_article, EMAIL, comment="Best casino in town.")
    run_tasks()
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert mail_server.received == []


def test_without_javascript_the_box_survives_the_confirmation_page_and_sends_the_mail(
    seed_article, csrf_client, mail_server, run_tasks
):
    data = comment_data(seed_article, email=EMAIL, notify="on")
    page = post_comment(csrf_client, data)  # no token: the "Confirm your comment" page
    assert page.status_code == 200
    form = soup(page).find("form", id="commentform")
    box = form.find("input", attrs={"name": "notify"})
    assert box.has_attr("checked")
    assert soup(page).find("label", attrs={"for": box["id"]}).get_text(strip=True) == NOTIFY
    # As a browser sends the form: a ticked box without a value says "on".
    posted = {
        field["name"]: field.get("value", "on" if field.get("type") == "checkbox" else "")
        for field in form.find_all("input")
        if field.get("type") != "checkbox" or field.has_attr("checked")
    }
    posted["comment"] = form.find("textarea").get_text().lstrip("\n")
    assert post_comment(csrf_client, posted).status_code == 302
    run_tasks()
    assert [item.recipients for item in mail_server.wait_for(1)] == [[EMAIL]]


def test_the_page_handing_out_the_key_is_never_cached_and_runs_no_inline_script(
    client, seed_article, mail_server, run_tasks
):
    ask_for_notices(client, seed_article, EMAIL)
    run_tasks()
    path = link_path(mail_server.wait_for(1)[0].text(), "confirm")
    page = client.get(path)
    token = soup(page).find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    response = client.post(path, {"csrfmiddlewaretoken": token})
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    scripts = soup(response).find_all("script")
    assert scripts
    assert all(script.get("src") and not script.string for script in scripts)
    assert soup(response).find(id="commenter-key")["data-email"] == EMAIL
