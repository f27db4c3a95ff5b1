"""Commenters download or erase their own data through a link mailed to them.

Requests go over HTTP to the real database; the worker's tasks run as
`db_worker` runs them, and the mail arrives at a real SMTP server on
127.0.0.1 (tests/smtp.py), from which the tests take the link.
"""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, CommentVersion, PrivacyRequest
from comments.privacy import erase_commenter, export_commenter
from comments.selfservice import REQUESTS_PER_ADDRESS, REQUESTS_PER_CLIENT
from tests.comments.helpers import comment_ids, form_value, soup
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.django_db

SITE = "https://blog.example.org"
EMAIL = "Dana.Commenter@example.com"
UNKNOWN = "nobody.here@example.com"
REQUEST_URL = reverse("comments:privacy")
LINK = re.compile(re.escape(SITE) + r"(/comments/privacy/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def dana(seed_article):
    other = make_comment(seed_article, author_name="Eli", body="Eli's view.")
    return {
        "first": make_comment(seed_article, author_name="Dana", author_email=EMAIL,
                              author_url="https://dana.example.org/", body="Dana's view."),
        "reply": make_comment(seed_article, author_name="Dana", author_email=EMAIL.lower(),
                              parent=other, body="Dana replies."),
        "pending": make_comment(seed_article, author_name="Dana", author_email=EMAIL,
                                status=Comment.Status.PENDING, body="Dana waits."),
        "other": other,
    }  # fmt: skip


def ask(client, email, kind="export", **extra):
    """Fill in the "Your data" form; commit hooks (queueing the task) run as after a commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(REQUEST_URL, {"email": email, "kind": kind}, **extra)


def mailed_link(mail_server, run_tasks, address=EMAIL, count=1):
    """Run the worker; the path of the link in the newest mail to `address`."""
    run_tasks()
    mail_server.wait_for(count)
    mails = mail_server.to(address)
    assert mails, f"no mail to {address}"
    return LINK.search(mails[-1].text()).group(1)


def press_button(client, link, **extra):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(link, **extra)


def snapshot():
    return list(
        Comment.objects.order_by("pk").values_list(
            "pk", "author_name", "author_email", "author_url", "ip_address", "body"
        )
    )


# --- Asking ------------------------------------------------------------------------------------


def test_the_page_is_linked_from_the_footer_and_the_comment_form(client, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    assert page.select_one(f".site-footer a[href='{REQUEST_URL}']")
    assert page.select_one(f"#respond .comment-notes-after a[href='{REQUEST_URL}']")
    form = soup(client.get(REQUEST_URL))
    assert form.find("input", attrs={"name": "email"})
    assert {radio["value"] for radio in form.select("input[name=kind]")} == {"export", "erase"}


def test_known_and_unknown_addresses_get_the_same_answer_from_the_same_work(client, dana):
    ask(Client(), "warm.up@example.com")  # first-use costs (sessions, caches) out of the way
    answers = []
    for address in (EMAIL, UNKNOWN, EMAIL.upper()):
        with CaptureQueriesContext(connection) as queries:
            response = ask(Client(), address)
        page = Client().get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content, len(queries)))
    assert answers[0][0] == 302
    assert answers[0] == answers[1] == answers[2]
    assert b"If comments were left with that address, a link is on its way" in answers[0][2]


def test_only_a_known_address_gets_mail_and_the_admin_says_why(
    client, dana, mail_server, run_tasks
):
    ask(client, EMAIL)
    ask(client, UNKNOWN, kind="erase")
    run_tasks()
    mail_server.wait_for(1)
    assert [mail.recipients for mail in mail_server.received] == [[EMAIL]]
    outcomes = dict(PrivacyRequest.objects.values_list("email", "outcome"))
    assert outcomes == {EMAIL: "mailed", UNKNOWN: "no_data"}


def test_the_task_queue_never_holds_the_address(client, dana, run_tasks, mail_server):
    ask(client, EMAIL)
    run_tasks()
    rows = DBTaskResult.objects.all()
    assert rows.exists()
    for row in rows:
        assert "dana" not in json.dumps(row.args_kwargs).lower()


def test_bad_input_comes_back_with_a_message_and_what_was_typed(client):
    response = ask(client, "not an address")
    assert response.status_code == 400
    assert "Please enter a valid email address" in response.content.decode()
    assert form_value(response, "email") == "not an address"
    response = client.post(REQUEST_URL, {"email": EMAIL, "kind": "delete-everything"})
    assert response.status_code == 400
    assert "Please choose whether to download or erase your data." in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_a_request_from_another_site_is_refused(client, dana):
    response = ask(client, EMAIL, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not PrivacyRequest.objects.exists()


@pytest.mark.usefixtures("one_rate_window")
def test_requests_are_limited_per_client(client, dana):
    for n in range(REQUESTS_PER_CLIENT):
        assert ask(client, f"person{n}@example.com", REMOTE_ADDR="192.0.2.9").status_code == 302
    response = ask(client, EMAIL, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert "Too many requests came from your address" in response.content.decode()
    assert form_value(response, "email") == EMAIL
    assert ask(client, EMAIL, REMOTE_ADDR="192.0.2.10").status_code == 302


def test_requests_for_one_address_are_limited_without_saying_so(
    dana, mail_server, run_tasks, one_rate_window
):
    answers = set()
    for n in range(REQUESTS_PER_ADDRESS + 1):
        response = ask(Client(), EMAIL, REMOTE_ADDR=f"192.0.2.{n + 1}")
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, reverse("comments:privacy_sent"))}
    run_tasks()
    mail_server.wait_for(REQUESTS_PER_ADDRESS + 1, timeout=2)
    assert len(mail_server.to(EMAIL)) == REQUESTS_PER_ADDRESS
    assert PrivacyRequest.objects.filter(outcome="limited").count() == 1


# --- The mailed link: download --------------------------------------------------------------


def test_download_by_the_mailed_link_is_the_editors_export(client, dana, mail_server, run_tasks):
    ask(client, EMAIL)
    link = mailed_link(mail_server, run_tasks)
    reader = Client()

    page = reader.get(link)
    assert page.status_code == 200
    assert soup(page).select_one("main form button").get_text(strip=True) == "Download my data"
    assert PrivacyRequest.objects.get().outcome == "mailed"

    response = press_button(reader, link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    mine = json.loads(response.content)

    editor = Client()
    editor.force_login(make_editor())
    theirs = json.loads(
        editor.post(
            reverse("admin:comments_comment_privacy"), {"email": EMAIL, "export": "Export"}
        ).content
    )
    del mine["exported_at"], theirs["exported_at"]
    assert mine == theirs
    assert [comment["text"] for comment in mine["comments"]] == [
        "Dana's view.", "Dana replies.", "Dana waits.",
    ]  # fmt: skip
    assert mine["privacy_requests"][0]["outcome"] == "exported"
    assert mine["mail"][0]["kind"] == "privacy-link"


def test_opening_the_mailed_link_changes_nothing(client, dana, mail_server, run_tasks):
    ask(client, EMAIL, kind="erase")
    link = mailed_link(mail_server, run_tasks)
    before = snapshot()
    for _ in range(2):
        page = Client().get(link)
        assert page.status_code == 200
        assert soup(page).select_one("main form button").get_text(strip=True) == "Erase my data"
        assert "no-store" in page["Cache-Control"]
    assert snapshot() == before
    assert PrivacyRequest.objects.get().outcome == "mailed"


# --- The mailed link: erase --------------------------------------------------------------------


def test_erase_by_the_mailed_link_anonymises_and_refreshes_the_article(
    client, dana, seed_article, mail_server, run_tasks
):
    Client().get(seed_article.get_absolute_url())  # in the page cache
    ask(client, EMAIL, kind="erase")
    link = mailed_link(mail_server, run_tasks)

    response = press_button(Client(), link)

    assert response.status_code == 200
    assert "3 comments now read “Anonymous”" in soup(response).get_text(" ", strip=True)
    for key in ("first", "reply", "pending"):
        comment = Comment.objects.get(pk=dana[key].pk)
        assert (comment.author_name, comment.author_email, comment.author_url) == (
            "Anonymous", "", "",
        )  # fmt: skip
        assert comment.ip_address is None
    page = Client().get(seed_article.get_absolute_url())
    assert ">Dana<" not in page.content.decode()
    assert "dana.example.org" not in page.content.decode()
    assert comment_ids(page) == [dana["other"].pk, dana["reply"].pk, dana["first"].pk]
    record = PrivacyRequest.objects.get()
    assert (record.email, record.outcome, record.comment_count) == ("", "erased", 3)
    assert record.fulfilled_at is not None


def test_an_erase_link_works_once(client, dana, mail_server, run_tasks):
    ask(client, EMAIL, kind="erase")
    link = mailed_link(mail_server, run_tasks)
    assert press_button(Client(), link).status_code == 200
    again = press_button(Client(), link)
    assert again.status_code == 410
    assert "This link has been used" in again.content.decode()


def test_links_expire_after_a_day_and_then_change_nothing(
    client, dana, mail_server, run_tasks, settings
):
    ask(client, EMAIL, kind="erase")
    link = mailed_link(mail_server, run_tasks)
    before = snapshot()
    later = timezone.now() + timedelta(seconds=settings.PRIVACY_LINK_SECONDS + 5)
    with time_machine.travel(later):
        assert Client().get(link).status_code == 410
        response = press_button(Client(), link)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda link: link.replace("confirm/", "confirm/x"), id="prefixed"),
        pytest.param(lambda link: link[:-4] + "/", id="cut-short"),
        pytest.param(lambda link: "/comments/privacy/confirm/1:abc:def/", id="made-up"),
    ],
)
def test_a_forged_link_changes_nothing(client, dana, mail_server, run_tasks, forge):
    ask(client, EMAIL, kind="erase")
    link = mailed_link(mail_server, run_tasks)
    before = snapshot()
    assert Client().get(forge(link)).status_code == 404
    assert press_button(Client(), forge(link)).status_code == 404
    assert snapshot() == before


def test_pressing_the_button_from_another_site_is_refused(client, dana, mail_server, run_tasks):
    ask(client, EMAIL, kind="erase")
    link = mailed_link(mail_server, run_tasks)
    before = snapshot()
    response = press_button(Client(), link, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert snapshot() == before


# --- The new records: export, erase, housekeeping, the admin --------------------------------


def test_export_and_erase_cover_earlier_versions_and_requests(client, dana, seed_article):
    CommentVersion.objects.create(
        comment=dana["first"], body="Dana's first draft.", status="approved",
        written_at=dana["first"].created_at,
    )  # fmt: skip
    ask(client, EMAIL)
    document = export_commenter(EMAIL)
    assert document["comments"][0]["earlier_versions"][0]["text"] == "Dana's first draft."
    assert [request["kind"] for request in document["privacy_requests"]] == ["export"]

    erase_commenter(EMAIL)

    assert not CommentVersion.objects.exists()
    assert list(PrivacyRequest.objects.values_list("email", flat=True)) == [""]
    assert export_commenter(EMAIL)["privacy_requests"] == []


def test_editors_read_privacy_requests_and_cannot_change_them(client, dana):
    ask(client, EMAIL)
    editor = make_editor()
    assert not editor.is_superuser
    admin = Client()
    admin.force_login(editor)
    listing = admin.get(reverse("admin:comments_privacyrequest_changelist"))
    assert listing.status_code == 200
    assert EMAIL in listing.content.decode()
    record = PrivacyRequest.objects.get()
    change = reverse("admin:comments_privacyrequest_change", args=[record.pk])
    assert admin.get(change).status_code == 200
    assert admin.post(change, {"email": "changed@example.com"}).status_code == 403
    assert admin.get(reverse("admin:comments_privacyrequest_add")).status_code == 403
    assert (
        admin.post(
            reverse("admin:comments_privacyrequest_delete", args=[record.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert PrivacyRequest.objects.get().email == EMAIL
