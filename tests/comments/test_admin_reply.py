"""Replying from the admin: a Reply link on each approved comment in the list, a page with a
text box, and the reply posted as the editor's through the site's own posting path."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from comments.models import MAX_BODY_LENGTH, Comment
from tests.comments.helpers import comment_ids, soup
from tests.factories import make_article, make_comment, make_editor, make_user
from tests.subscriptions.helpers import make_verified

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
FILTERED = f"{CHANGELIST}?status__exact=approved&q=Nina"
NOT_APPROVED = "Only an approved comment can be answered; this one is {}."
TOO_DEEP = "This discussion cannot nest any deeper."


def reply_url(comment, query=""):
    return reverse("admin:comments_comment_reply", args=[comment.pk]) + query


@pytest.fixture
def editor():
    return make_editor(first_name="Eda", last_name="Moderna")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def nina(seed_article):
    return make_comment(seed_article, author_name="Nina", body="Is CAR-T safe for children?")


def send_reply(client, comment, text, query=""):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reply_url(comment, query), {"comment": text})


def reply_links(response):
    """Reply links in the list, by the comment excerpt of their row."""
    rows = soup(response).select("#result_list tbody tr")
    return {
        row.select_one("th, td.field-excerpt").get_text(strip=True): link["href"]
        for row in rows
        if (link := row.select_one("a.comment-reply-admin-link"))
    }


# --- The list -----------------------------------------------------------------------


def test_the_list_has_a_reply_link_for_approved_comments_only(editor_client, seed_article):
    make_comment(seed_article, body="Approved one.")
    for status in ("pending", "spam", "trash"):
        make_comment(seed_article, body=f"A {status} one.", status=status)
    links = reply_links(editor_client.get(CHANGELIST))
    (approved,) = Comment.objects.public()
    assert links == {"Approved one.": reply_url(approved)}


def test_a_reply_link_carries_the_lists_filters(editor_client, nina):
    links = reply_links(editor_client.get(FILTERED))
    (href,) = links.values()
    query = parse_qs(urlsplit(href).query)
    assert query == {"_changelist_filters": ["status__exact=approved&q=Nina"]}


def test_the_reply_column_costs_no_query_per_row(
    editor_client, seed_article, django_assert_max_num_queries, django_assert_num_queries
):
    make_comment(seed_article)
    with django_assert_max_num_queries(20) as one_row:
        editor_client.get(CHANGELIST)
    for _ in range(20):
        make_comment(seed_article)
    with django_assert_num_queries(len(one_row.captured_queries)):
        page = editor_client.get(CHANGELIST)
    assert len(reply_links(page)) == 21


# --- The reply page -----------------------------------------------------------------


def test_the_reply_page_shows_the_comment_and_a_form_with_a_token(editor_client, nina):
    response = editor_client.get(reply_url(nina))
    page = soup(response)
    assert response.status_code == 200
    assert page.find("h1").get_text() == "Reply to Nina"
    assert page.select_one(".comment-replied-to").get_text(strip=True) == nina.body
    form = page.find(id="reply-form")
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    assert form.find("textarea", attrs={"name": "comment"})
    assert form.find("input", type="submit")["value"] == "Publish reply"


def test_a_reply_is_published_as_the_editor_and_leads_back_to_the_filtered_list(
    editor_client, editor, nina
):
    query = "?_changelist_filters=status__exact%3Dapproved%26q%3DNina"
    response = send_reply(editor_client, nina, "Yes, with care. Ask the team.", query)
    assert response.status_code == 302
    assert response["Location"] == FILTERED
    reply = Comment.objects.get(parent=nina)
    assert (reply.status, reply.author_name, reply.user, reply.is_by_editor) == (
        Comment.Status.APPROVED, "Eda Moderna", editor, True,
    )  # fmt: skip
    assert reply.article_id == nina.article_id
    assert reply.body_html == "<p>Yes, with care. Ask the team.</p>"
    listed = editor_client.get(response["Location"])
    message = soup(listed).select_one(".messagelist .success")
    assert message.get_text(" ", strip=True) == (
        "Your reply to Nina is published. View it on the site ."
    )
    assert message.find("a")["href"] == reply.get_absolute_url()


def test_a_reply_reaches_the_readers_cached_page_with_the_badge(editor_client, nina):
    url = nina.article.get_absolute_url()
    Client().get(url)  # now in the page cache
    send_reply(editor_client, nina, "Yes, with care.")
    reply = Comment.objects.get(parent=nina)
    page = soup(Client().get(url))
    card = page.select_one(f"#comment-{nina.pk} ol.children #comment-{reply.pk}")
    assert card.select_one(".comment-badge").get_text() == "Editor"


def test_a_reply_from_the_admin_is_mailed_to_the_follower(
    editor_client, nina, settings, mail_server, run_tasks
):
    settings.SITE_URL = "https://blog.example.org"
    nina.author_email = "nina@example.com"
    nina.save()
    make_verified("nina@example.com", comment=nina)
    send_reply(editor_client, nina, "Yes, with care.")
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == ["nina@example.com"]
    assert "Yes, with care." in received.text()


def test_a_reply_needs_the_csrf_token(editor, nina):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert send_reply(client, nina, "Forged.").status_code == 403
    page = client.get(reply_url(nina))
    token = soup(page).find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reply_url(nina), {"comment": "Real.", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Comment.objects.filter(parent=nina).get().body == "Real."


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_a_comment_that_is_not_approved_cannot_be_answered(editor_client, seed_article, status):
    held = make_comment(seed_article, author_name="Nina", status=status)
    page = soup(editor_client.get(reply_url(held)))
    assert page.select_one(".errornote").get_text().startswith(NOT_APPROVED.format(status))
    assert page.find("textarea") is None
    response = send_reply(editor_client, held, "Typed anyway.")
    assert response.status_code == 400
    assert NOT_APPROVED.format(status) in response.content.decode()
    assert soup(response).find("textarea").get_text().strip() == "Typed anyway."
    assert soup(response).find("input", type="submit") is None
    assert Comment.objects.count() == 1


def test_a_comment_at_the_thread_depth_cannot_be_answered(
    editor_client, seed_article, discussion_rules
):
    discussion_rules(thread_depth=2)
    top = make_comment(seed_article)
    answer = make_comment(seed_article, parent=top, author_name="Nina")
    assert soup(editor_client.get(reply_url(top))).find("textarea")
    page = soup(editor_client.get(reply_url(answer)))
    assert TOO_DEEP in page.select_one(".errornote").get_text()
    response = send_reply(editor_client, answer, "One level too deep.")
    assert response.status_code == 400
    assert TOO_DEEP in response.content.decode()
    assert Comment.objects.count() == 2


def test_a_comment_on_a_closed_article_cannot_be_answered(editor_client):
    article = make_article(comments_close_at=timezone.now())
    closed = make_comment(article)
    page = soup(editor_client.get(reply_url(closed)))
    assert page.select_one(".errornote").get_text() == "Comments are closed on this article."
    assert send_reply(editor_client, closed, "Too late.").status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Please type your comment."),
        ("x" * (MAX_BODY_LENGTH + 1), "Your comment is too long"),
        ("<i>" * 21 + "deep" + "</i>" * 21, "nests tags too deeply"),
    ],
    ids=["empty", "too-long", "nested-too-deep"],
)
def test_a_reply_the_posting_rules_refuse_comes_back_with_the_message_and_the_text(
    editor_client, nina, text, message
):
    response = send_reply(editor_client, nina, text)
    assert response.status_code == 400
    page = soup(response)
    assert message in page.select_one(".errorlist").get_text()
    assert page.find("textarea").get_text().strip() == text.strip()
    assert Comment.objects.count() == 1


def test_the_same_reply_twice_is_refused_as_a_duplicate(editor_client, nina):
    assert send_reply(editor_client, nina, "Yes, with care.").status_code == 302
    again = send_reply(editor_client, nina, "Yes, with care.")
    assert again.status_code == 400
    assert "Duplicate comment detected" in soup(again).select_one(".errornote").get_text()
    assert Comment.objects.filter(parent=nina).count() == 1


def test_a_reply_to_a_comment_that_does_not_exist_is_not_found(editor_client):
    assert editor_client.get(reverse("admin:comments_comment_reply", args=[999])).status_code == 404


@pytest.mark.parametrize(
    "permission", [None, "view_comment"], ids=["no-permission", "may-only-view"]
)
def test_staff_who_may_not_change_comments_cannot_reply(client, nina, permission):
    user = make_user(is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename=permission))
    client.force_login(user)
    assert client.get(reply_url(nina)).status_code == 403
    assert send_reply(client, nina, "Not mine to say.").status_code == 403
    if permission:
        assert reply_links(client.get(CHANGELIST)) == {}
    assert Comment.objects.count() == 1


def test_a_reader_is_sent_to_the_admin_login(client, nina):
    response = client.get(reply_url(nina))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_reply_shows_on_the_article_under_its_parent(editor_client, nina):
    send_reply(editor_client, nina, "Yes, with care.")
    reply = Comment.objects.get(parent=nina)
    assert comment_ids(Client().get(nina.article.get_absolute_url())) == [nina.pk, reply.pk]
