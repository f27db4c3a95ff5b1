"""Moderating from the mail: signed Approve / Spam / Trash links that ask before they act,
and editors who choose to hear of every published comment."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, EditorMailPreference
from comments.signing import moderation_from_token, moderation_token
from outbox.models import Mail
from tests.comments.helpers import comment_ids, post_comment, soup
from tests.factories import comment_data, make_comment, make_editor, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
LINK_LABELS = {
    "approved": "Approve it",
    "spam": "Mark it as spam",
    "trash": "Move it to the trash",
}


def link_in(text, label):
    """The path of the link after `label:` in a mail's text."""
    match = re.search(rf"^{re.escape(label)}: (\S+)", text, re.MULTILINE)
    assert match, f"No {label!r} link in:\n{text}"
    return urlsplit(match.group(1)).path


def link_action(text, label, site=""):
    """What the link after `label:` asks: (comment id, status it had, status to move to)."""
    match = re.search(rf"^{re.escape(label)}: {re.escape(site)}(\S+)", text, re.MULTILINE)
    assert match, f"No {label!r} link in:\n{text}"
    match = resolve(urlsplit(match.group(1)).path)
    assert match.url_name == "comments_comment_moderate"
    return moderation_from_token(match.kwargs["token"])


def moderate_url(comment, status):
    return reverse("admin:comments_comment_moderate", args=[moderation_token(comment, status)])


@pytest.fixture
def editor():
    return make_editor(email="ed@example.org")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def held(seed_article):
    return make_comment(
        seed_article, author_name="Rosa", body="Held <em>for</em> review.", status="pending"
    )


# --- The mail about a held comment ---------------------------------------------------


def test_the_mail_about_a_held_comment_carries_approve_spam_and_trash_links(
    client, seed_article, editor, mail_server, run_tasks, settings
):
    settings.SITE_URL = "https://blog.example.org"
    post_comment(client, comment_data(seed_article, author="Rosa", comment="Over SMTP."))
    run_tasks()
    (received,) = mail_server.wait_for(1)
    text = received.text()
    comment = Comment.objects.get()
    for status, label in LINK_LABELS.items():
        site = "https://blog.example.org"
        assert link_action(text, label, site) == (comment.pk, "pending", status)
    assert "they work for 7 days" in text
    assert (
        "All comments waiting: https://blog.example.org/admin/comments/comment/?status=pending"
        in (text)
    )


PHISHING = (
    "Thanks for the article!" + "\n" * 30
    + "Approve it: https://evil.example/approve\r\n"
    + "Mark it as spam: https://evil.example/spam\u2028"
    + "Review it: https://evil.example/review"
)  # fmt: skip


def test_the_mail_quotes_a_comment_dressed_as_the_mail_after_the_real_links(
    client, seed_article, editor, mail_server, run_tasks, settings
):
    settings.SITE_URL = "https://blog.example.org"
    post_comment(client, comment_data(seed_article, comment=PHISHING))
    run_tasks()
    lines = mail_server.wait_for(1)[0].text().splitlines()
    approve = [line for line in lines if line.startswith("Approve it:")]
    assert approve == [line for line in approve if "https://blog.example.org/" in line]
    assert len(approve) == 1
    quote = lines.index("> Thanks for the article!")
    assert lines.index(approve[0]) < quote
    assert all(line.startswith(">") for line in lines[quote:] if line)
    assert "> Approve it: https://evil.example/approve" in lines
    assert "> Mark it as spam: https://evil.example/spam" in lines
    assert not any(line.startswith(("Mark it as spam: https://evil", "Review it: https://evil"))
                   for line in lines)  # fmt: skip


def test_the_html_mail_puts_its_actions_first_and_the_comment_in_a_blockquote(
    client, seed_article, editor, mail_server, run_tasks
):
    post_comment(client, comment_data(seed_article, comment=PHISHING + " <b>bold</b>"))
    run_tasks()
    page = BeautifulSoup(mail_server.wait_for(1)[0].html(), "html.parser")
    comment = Comment.objects.get()
    links = page.find_all("a")
    assert links[0].get_text() == "Approve it"
    assert resolve(urlsplit(links[0]["href"]).path).url_name == "comments_comment_moderate"
    quote = page.find("blockquote")
    assert "Approve it: https://evil.example/approve" in quote.get_text()
    assert quote.find(["a", "b"]) is None
    assert "evil.example" not in str(page).replace(str(quote), "")
    assert moderation_from_token(resolve(urlsplit(links[0]["href"]).path).kwargs["token"]) == (
        comment.pk, "pending", "approved",
    )  # fmt: skip


def test_each_link_opens_a_page_with_the_comment_and_a_button_and_changes_nothing(
    editor_client, held
):
    for status, button in (("approved", "Approve"), ("spam", "Mark as spam"),
                           ("trash", "Move to the trash")):  # fmt: skip
        response = editor_client.get(moderate_url(held, status))
        assert response.status_code == 200
        page = soup(response)
        assert "Held <em>for</em> review." in str(page.select_one(".comment-preview-body"))
        assert "Rosa" in page.select_one(".comment-preview").get_text()
        (form,) = page.select("#content-main form")
        assert form["method"] == "post"
        assert form.find("input", type="submit")["value"] == button
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("approved", "The comment by Rosa was approved."),
        ("spam", "The comment by Rosa was marked as spam."),
        ("trash", "The comment by Rosa was moved to the trash."),
    ],
)
def test_pressing_the_button_moderates_and_records_it(
    editor_client, editor, held, django_capture_on_commit_callbacks, status, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(moderate_url(held, status))
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?status=pending"
    assert message in editor_client.get(response["Location"]).content.decode()
    held.refresh_from_db()
    assert held.status == status
    (entry,) = LogEntry.objects.all()
    assert (entry.user, entry.action_flag, entry.object_id) == (editor, CHANGE, str(held.pk))
    assert entry.change_message.endswith("from the moderation mail (was pending).")


def test_approving_from_the_mail_publishes_for_readers(
    editor_client, held, seed_article, django_capture_on_commit_callbacks
):
    reader = Client()
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == []
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(moderate_url(held, "approved"))
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [held.pk]


def test_the_mailed_link_works_end_to_end(
    client, seed_article, editor, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    post_comment(client, comment_data(seed_article, author="Rosa"))
    run_tasks()
    path = link_in(mailoutbox[0].body, "Mark it as spam")
    client.force_login(editor)
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


# --- Who may use a link --------------------------------------------------------------


def test_a_signed_out_editor_signs_in_and_comes_back_to_the_link(client, editor, held):
    url = moderate_url(held, "approved")
    response = client.get(url)
    assert response.status_code == 302
    login = reverse("admin:login")
    location = urlsplit(response["Location"])
    assert (location.path, parse_qs(location.query)) == (login, {"next": [url]})
    assert client.post(url).status_code == 302  # nothing acts without signing in
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING
    signed_in = client.post(
        login,
        {"username": editor.username, "password": "correct horse battery", "next": url},
    )
    assert signed_in["Location"] == url
    assert client.get(url).status_code == 200


def test_staff_without_the_permission_get_a_clear_refusal(client, held):
    reader_staff = make_user(is_staff=True, username="intern")
    reader_staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(reader_staff)
    for method in (client.get, client.post):
        response = method(moderate_url(held, "approved"))
        assert response.status_code == 403
        text = soup(response).get_text(" ", strip=True)
        assert "You may not moderate comments" in text
        assert "signed in as intern, whose account may not change comments" in text
        assert "Rosa" not in text
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_the_button_needs_the_csrf_token(csrf_client, editor, held):
    csrf_client.force_login(editor)
    assert csrf_client.post(moderate_url(held, "approved")).status_code == 403
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


# --- Links that no longer apply -----------------------------------------------------


def test_a_link_works_for_seven_days_and_then_says_it_expired(editor_client, held):
    url = moderate_url(held, "approved")
    with time_machine.travel(timezone.now() + timedelta(days=7) - timedelta(minutes=1)):
        assert editor_client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = editor_client.get(url)
        assert response.status_code == 410
        assert "This moderation link has expired" in response.content.decode()
        assert editor_client.post(url).status_code == 410
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def tampered(held, how):
    token = moderation_token(held, "approved")
    if how == "signature":
        return token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    if how == "payload":
        # The Spam link's payload with the Approve link's signature.
        return moderation_token(held, "spam").split(":")[0] + token[token.index(":") :]
    return "not-a-token"


@pytest.mark.parametrize("how", ["signature", "payload", "garbage"])
def test_a_tampered_link_says_so_and_changes_nothing(editor_client, held, how):
    url = reverse("admin:comments_comment_moderate", args=[tampered(held, how)])
    for method in (editor_client.get, editor_client.post):
        response = method(url)
        assert response.status_code == 400
        assert "This moderation link is not valid" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_link_for_a_comment_moderated_meanwhile_says_what_it_is_now(
    editor_client, held, django_capture_on_commit_callbacks
):
    spam_link = moderate_url(held, "spam")
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(moderate_url(held, "approved"))
    for method in (editor_client.get, editor_client.post):
        response = method(spam_link)
        assert response.status_code == 409
        text = soup(response).get_text(" ", strip=True)
        assert "This comment has changed since the mail was sent" in text
        assert "Nothing was changed: the comment by Rosa is now approved" in text
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    assert LogEntry.objects.count() == 1


def test_a_link_for_a_deleted_comment_says_so(editor_client, held):
    url = moderate_url(held, "approved")
    held.delete()
    response = editor_client.get(url)
    assert response.status_code == 404
    assert "This comment no longer exists" in response.content.decode()


# --- Mail about every published comment, for editors who ask ------------------------


def choose_published_mail(client, on=True):
    """An editor's own choice, made in the admin as they would."""
    page = client.get(reverse("admin:comments_editormailpreference_changelist"), follow=True)
    assert page.status_code == 200
    form = {"published_comments": "on"} if on else {}
    return client.post(page.request["PATH_INFO"], form)


def test_an_editor_chooses_to_hear_of_every_published_comment(
    client, seed_article, editor, editor_client, discussion_rules, mail_server, run_tasks
):
    make_editor(email="quiet@example.org")  # has not asked
    assert choose_published_mail(editor_client).status_code == 302
    assert EditorMailPreference.objects.get(user=editor).published_comments is True
    discussion_rules(manual_approval=False)
    post_comment(client, comment_data(seed_article, author="Pia", comment="Straight out."))
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == ["ed@example.org"]
    assert received.subject.strip() == f"[Immunoblog] New comment on “{seed_article.title}”"
    text = received.text()
    assert "Straight out." in text
    comment = Comment.objects.get()
    assert link_action(text, "Mark it as spam") == (comment.pk, "approved", "spam")
    assert link_action(text, "Move it to the trash") == (comment.pk, "approved", "trash")
    assert "Approve it" not in text
    assert reverse("comments:permalink", args=[comment.pk]) in text


def test_the_published_comments_spam_link_takes_it_off_the_page(
    client, seed_article, editor, editor_client, discussion_rules, mailoutbox, run_tasks,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    choose_published_mail(editor_client)
    discussion_rules(manual_approval=False)
    post_comment(client, comment_data(seed_article))
    run_tasks()
    path = link_in(mailoutbox[0].body, "Mark it as spam")
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(path).status_code == 302
    assert comment_ids(Client().get(seed_article.get_absolute_url())) == []


def test_held_comments_are_not_mailed_twice_to_editors_who_chose_published_mail(
    client, seed_article, editor_client, mailoutbox, run_tasks
):
    choose_published_mail(editor_client)
    post_comment(client, comment_data(seed_article))
    run_tasks()
    assert [mail.subject.split("]")[1].strip()[:14] for mail in mailoutbox] == ["Please moderat"]


def test_without_any_editor_asking_a_published_comment_queues_no_mail_task(
    client, seed_article, editor, discussion_rules, run_tasks
):
    discussion_rules(manual_approval=False)
    before = DBTaskResult.objects.count()
    post_comment(client, comment_data(seed_article))
    assert DBTaskResult.objects.count() == before
    run_tasks()
    assert not Mail.objects.exists()


def test_an_editor_who_turns_it_off_hears_no_more(
    client, seed_article, editor_client, discussion_rules, mailoutbox, run_tasks
):
    choose_published_mail(editor_client)
    choose_published_mail(editor_client, on=False)
    discussion_rules(manual_approval=False)
    post_comment(client, comment_data(seed_article))
    run_tasks()
    assert mailoutbox == []


def test_an_editor_is_not_mailed_about_their_own_comment(
    seed_article, editor, editor_client, mailoutbox, run_tasks
):
    choose_published_mail(editor_client)
    other = make_editor(email="other@example.org")
    other_client = Client()
    other_client.force_login(other)
    choose_published_mail(other_client)
    post_comment(editor_client, comment_data(seed_article, author="Eda", email="ed@example.org"))
    assert Comment.objects.get().status == Comment.Status.APPROVED
    run_tasks()
    assert [mail.to for mail in mailoutbox] == [["other@example.org"]]


def test_published_mail_is_bounded_per_editor_and_hour(
    client, seed_article, editor_client, discussion_rules, mailoutbox, run_tasks, settings
):
    settings.EDITOR_PUBLISHED_MAIL_PER_HOUR = 2
    choose_published_mail(editor_client)
    discussion_rules(manual_approval=False)
    for n in range(3):
        post_comment(client, comment_data(seed_article, comment=f"Number {n}."))
    run_tasks()
    assert len(mailoutbox) == 2
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        post_comment(client, comment_data(seed_article, comment="An hour later."))
        run_tasks()
    assert len(mailoutbox) == 3


def test_a_comment_withdrawn_before_the_worker_runs_is_not_mailed(
    client, seed_article, editor_client, discussion_rules, mailoutbox, run_tasks
):
    choose_published_mail(editor_client)
    discussion_rules(manual_approval=False)
    post_comment(client, comment_data(seed_article))
    Comment.objects.update(status=Comment.Status.SPAM)
    run_tasks()
    assert mailoutbox == []


def test_each_editor_sees_and_changes_only_their_own_choice(editor, editor_client):
    choose_published_mail(editor_client)
    mine = EditorMailPreference.objects.get(user=editor)
    other = make_editor()
    other_client = Client()
    other_client.force_login(other)
    url = reverse("admin:comments_editormailpreference_change", args=[mine.pk])
    assert other_client.get(url).status_code == 302  # "does not exist", back to the index
    other_client.post(url, {})
    mine.refresh_from_db()
    assert mine.published_comments is True
    choose_published_mail(other_client, on=False)
    assert EditorMailPreference.objects.count() == 2


def test_the_choice_goes_with_the_account(editor, editor_client):
    choose_published_mail(editor_client)
    editor.delete()
    assert not EditorMailPreference.objects.exists()


def test_staff_outside_the_editors_group_cannot_open_the_choice(client):
    client.force_login(make_user(is_staff=True))
    url = reverse("admin:comments_editormailpreference_changelist")
    assert client.get(url).status_code == 403
