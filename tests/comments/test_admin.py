"""The editors' console: the moderation queue, its actions, and the Editors group."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from tests.comments.helpers import comment_ids, soup
from tests.factories import make_article, make_comment, make_editor, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def run_action(client, action, comments, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [c.pk for c in comments]},
            follow=True,
        )


def test_queue_lists_author_email_ip_excerpt_article_status_and_date(editor_client, seed_article):
    make_comment(
        seed_article,
        author_name="Quinn",
        author_email="quinn@example.com",
        body="Pending words " * 20,
        status=Comment.Status.PENDING,
        ip_address="198.51.100.23",
    )
    page = soup(editor_client.get(CHANGELIST))
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")]
    assert headers[1:] == [
        "Author",
        "Comment",
        "Moderate",
        "In response to",
        "Status",
        "Submitted on",
        "Reply",
    ]
    row = page.select_one("#result_list tbody tr").get_text(" ", strip=True)
    for text in (
        "Quinn",
        "quinn@example.com",
        "Pending words",
        seed_article.title,
        "Pending",
        "198.51.100.23",
    ):
        assert text in row


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Quinn", 1),
        ("quinn@example", 1),
        ("particular phrase", 1),
        ("198.51.100", 1),
        ("nobody", 0),
    ],
)
def test_queue_searches_name_email_text_and_ip(editor_client, seed_article, term, expected):
    make_comment(
        seed_article,
        author_name="Quinn",
        author_email="quinn@example.com",
        body="A particular phrase.",
        ip_address="198.51.100.23",
    )
    make_comment(seed_article, ip_address="203.0.113.1")
    page = soup(editor_client.get(CHANGELIST, {"q": term}))
    assert len(page.select("#result_list tbody tr")) == expected


def test_queue_filters_by_status_and_article(editor_client, seed_article):
    other = make_article()
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article)
    make_comment(other, status=Comment.Status.PENDING)
    by_status = soup(editor_client.get(CHANGELIST, {"status": "pending"}))
    assert len(by_status.select("#result_list tbody tr")) == 2
    both = soup(
        editor_client.get(CHANGELIST, {"status": "pending", "article__id__exact": other.pk})
    )
    assert len(both.select("#result_list tbody tr")) == 1


def test_approve_action_is_named_approve_and_described(editor_client, seed_article):
    make_comment(seed_article, status=Comment.Status.PENDING)
    page = soup(editor_client.get(CHANGELIST))
    option = page.find("select", attrs={"name": "action"}).find("option", value="approve")
    assert option.get_text() == "Approve selected comments"
    values = [o["value"] for o in page.select("select[name=action] option") if o["value"]]
    assert {"approve", "unapprove", "mark_as_spam", "move_to_trash"} <= set(values)


def test_approving_publishes_at_once_for_readers(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    reader = editor_client.__class__()
    pending = make_comment(seed_article, status=Comment.Status.PENDING)
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == []
    response = run_action(editor_client, "approve", [pending], django_capture_on_commit_callbacks)
    assert "1 comment approved." in response.content.decode()
    page = reader.get(seed_article.get_absolute_url())
    assert comment_ids(page) == [pending.pk]
    assert soup(page).find(id="comments-title").get_text().startswith("One thought on")


@pytest.mark.parametrize(
    ("action", "status"),
    [("unapprove", "pending"), ("mark_as_spam", "spam"), ("move_to_trash", "trash")],
)
def test_withdrawing_actions_remove_the_comment_for_readers(
    editor_client, seed_article, django_capture_on_commit_callbacks, action, status
):
    reader = editor_client.__class__()
    shown = make_comment(seed_article)
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [shown.pk]
    run_action(editor_client, action, [shown], django_capture_on_commit_callbacks)
    shown.refresh_from_db()
    assert shown.status == status
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == []


def test_editing_a_comment_updates_the_page_for_readers(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    reader = editor_client.__class__()
    comment = make_comment(seed_article, body="Original text")
    assert "Original text" in reader.get(seed_article.get_absolute_url()).content.decode()
    change_url = reverse("admin:comments_comment_change", args=[comment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            change_url,
            {
                "status": "approved",
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": "",
                "body": "Edited <em>text</em>",
            },
        )
    assert response.status_code == 302
    page = reader.get(seed_article.get_absolute_url()).content.decode()
    assert "Edited <em>text</em>" in page
    assert "Original text" not in page


def test_editors_land_on_a_pending_count(editor_client, seed_article):
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article)
    banner = soup(editor_client.get(reverse("admin:index"))).find(class_="moderation-banner")
    assert banner.get_text(strip=True) == "2 comments awaiting moderation"
    assert banner.a["href"].endswith("?status=pending")


def test_editors_group_has_exactly_article_discussion_and_viewing_permissions(db):
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "add_article", "change_article", "delete_article", "view_article",
        "add_tag", "change_tag", "delete_tag", "view_tag",
        "add_person", "change_person", "delete_person", "view_person",
        "add_reference", "change_reference", "delete_reference", "view_reference",
        "add_correction", "change_correction", "delete_correction", "view_correction",
        "change_medicaldisclaimer", "view_medicaldisclaimer",
        "change_comment", "delete_comment", "view_comment",
        "change_discussionsettings", "view_discussionsettings",
        "view_purgefailure", "view_ratecounter", "view_mail",
        "view_commenter", "view_verification", "view_commenterkey", "view_notice",
        "view_subscription", "delete_subscription",
        "view_commentversion", "view_privacyrequest",
        "view_editormailpreference", "change_editormailpreference",
        "view_importrun", "view_oldaddress", "view_pingback",
        "delete_oldaddress", "delete_pingback", "view_deletedimport", "delete_deletedimport",
        "view_workerheartbeat",
    }  # fmt: skip


def test_editor_cannot_manage_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_readers_and_non_editors_cannot_open_the_queue(client):
    assert client.get(CHANGELIST).status_code == 302
    client.force_login(make_user(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403


def test_discussion_settings_open_straight_from_the_admin(
    editor_client, django_capture_on_commit_callbacks
):
    response = editor_client.get(
        reverse("admin:comments_discussionsettings_changelist"), follow=True
    )
    assert response.status_code == 200
    form = soup(response).find("form", id="discussionsettings_form")
    assert form.find("input", attrs={"name": "thread_depth"})["value"] == "5"
    with django_capture_on_commit_callbacks(execute=True):
        saved = editor_client.post(
            response.request["PATH_INFO"],
            {
                "manual_approval": "on",
                "hold_link_count": "3",
                "thread_depth": "2",
                "close_after_days": "",
                "edit_window_minutes": "10",
                "trash_days": "30",
                "page_comments": "on",
                "comments_per_page": "50",
                "default_comments_page": "first",
            },
        )
    assert saved.status_code == 302
    assert DiscussionSettings.load().thread_depth == 2
    assert DiscussionSettings.load().edit_window_minutes == 10


def test_the_change_form_refuses_a_name_the_comment_form_refuses(editor_client, seed_article):
    comment = make_comment(seed_article, author_name="Eve")
    response = editor_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {
            "status": "approved",
            "author_name": "Eve\u202enimda",
            "author_email": comment.author_email,
            "author_url": "",
            "body": comment.body,
        },
    )
    assert response.status_code == 200
    assert "U+202E" in response.content.decode()
    comment.refresh_from_db()
    assert comment.author_name == "Eve"
