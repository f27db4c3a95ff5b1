"""Moderating at speed in the admin: row buttons, the status views, the pending badge,
what a comment answers, previews, and the history every way of moderating leaves."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import comment_ids, soup
from tests.factories import make_article, make_comment, make_editor, make_thread, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


def row_url(comment, status):
    return reverse("admin:comments_comment_row_moderate", args=[comment.pk, status])


@pytest.fixture
def editor():
    return make_editor(first_name="Eda")


@pytest.fixture
def editor_client(client, editor):
    assert not editor.is_superuser
    client.force_login(editor)
    return client


def press(client, comment, status, filters="", capture=None):
    """Press a row's button as the browser does: the list's filters ride along."""
    with capture(execute=True):
        return client.post(row_url(comment, status), {"_changelist_filters": filters})


def history(comment):
    return list(
        LogEntry.objects.filter(object_id=str(comment.pk), content_type__model="comment")
        .order_by("pk")
        .values_list("action_flag", "change_message")
    )


def rows(response):
    return soup(response).select("#result_list tbody tr")


def selected_status(response):
    """The status view the list's filter highlights."""
    page = soup(response)
    heading = next(
        h for h in page.select("#changelist-filter details") if "status" in h.summary.text
    )
    return heading.select_one("li.selected").get_text(strip=True)


# --- Row buttons --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        ("pending", ["Approve", "Spam", "Trash"]),
        ("approved", ["Unapprove", "Spam", "Trash"]),
        ("spam", ["Not spam", "Trash"]),
        ("trash", ["Restore", "Spam"]),
    ],
)
def test_each_row_offers_the_moves_open_to_its_comment(
    editor_client, seed_article, status, buttons
):
    comment = make_comment(seed_article, status=status)
    response = editor_client.get(CHANGELIST, {"status": status})
    (row,) = rows(response)
    found = row.select(".row-actions button")
    assert [button.get_text() for button in found] == buttons
    # Each posts the form outside the list's own form, which carries the CSRF token.
    assert {button["form"] for button in found} == {"row-moderation"}
    assert all(button["formaction"].startswith(f"{CHANGELIST}{comment.pk}/") for button in found)
    form = soup(response).find("form", id="row-moderation")
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert form.find("input", attrs={"name": "_changelist_filters"})["value"] == f"status={status}"


def test_approve_button_publishes_and_returns_to_the_same_filtered_list(
    editor_client, editor, seed_article, django_capture_on_commit_callbacks
):
    reader = Client()
    comment = make_comment(seed_article, author_name="Quinn", status=Comment.Status.PENDING)
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == []
    filters = "status=pending&q=Quinn"
    response = press(
        editor_client, comment, "approved", filters, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?{filters}"
    listed = editor_client.get(response["Location"])
    assert "The comment by Quinn was approved." in listed.content.decode()
    assert selected_status(listed).startswith("Pending")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [comment.pk]
    assert history(comment) == [(CHANGE, "Approved with the row's button (was pending).")]
    assert LogEntry.objects.get().user == editor


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("pending", "The comment by Quinn was moved back to pending."),
        ("spam", "The comment by Quinn was marked as spam."),
        ("trash", "The comment by Quinn was moved to the trash."),
    ],
)
def test_withdrawing_buttons_take_the_comment_off_the_page(
    editor_client, seed_article, django_capture_on_commit_callbacks, status, message
):
    reader = Client()
    comment = make_comment(seed_article, author_name="Quinn")
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [comment.pk]
    response = press(editor_client, comment, status, "", django_capture_on_commit_callbacks)
    assert response["Location"] == CHANGELIST
    assert message in editor_client.get(CHANGELIST).content.decode()
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == []


def test_a_button_pressed_twice_changes_nothing_more(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    comment = make_comment(seed_article, author_name="Quinn", status=Comment.Status.PENDING)
    press(editor_client, comment, "spam", "", django_capture_on_commit_callbacks)
    again = press(editor_client, comment, "spam", "", django_capture_on_commit_callbacks)
    assert "The comment by Quinn was already marked as spam." in (
        editor_client.get(again["Location"]).content.decode()
    )
    assert len(history(comment)) == 1


def test_row_buttons_need_the_csrf_token(csrf_client, seed_article):
    csrf_client.force_login(make_editor())
    comment = make_comment(seed_article, status=Comment.Status.PENDING)
    response = csrf_client.post(row_url(comment, "approved"))
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_row_buttons_act_on_post_only_and_known_statuses(editor_client, seed_article):
    comment = make_comment(seed_article, status=Comment.Status.PENDING)
    assert editor_client.get(row_url(comment, "approved")).status_code == 405
    assert editor_client.post(row_url(comment, "published")).status_code == 404
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_row_buttons_are_refused_to_staff_who_may_only_read_comments(client, seed_article):
    reader_staff = make_user(is_staff=True)
    reader_staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(reader_staff)
    comment = make_comment(seed_article, status=Comment.Status.PENDING)
    assert client.post(row_url(comment, "approved")).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not LogEntry.objects.exists()


def test_a_button_for_a_comment_deleted_meanwhile_says_so(editor_client, seed_article):
    comment = make_comment(seed_article, status=Comment.Status.PENDING)
    url = row_url(comment, "approved")
    comment.delete()
    response = editor_client.post(url, {"_changelist_filters": "status=pending"}, follow=True)
    assert response.redirect_chain[0][0] == f"{CHANGELIST}?status=pending"
    assert "That comment no longer exists." in response.content.decode()


def test_a_list_that_shrank_under_its_last_page_shows_its_new_last_page(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    make_thread(seed_article, 51, status=Comment.Status.PENDING)
    oldest = Comment.objects.order_by("created_at", "pk").first()
    assert len(rows(editor_client.get(CHANGELIST, {"status": "pending", "p": "2"}))) == 1
    response = press(
        editor_client, oldest, "approved", "status=pending&p=2", django_capture_on_commit_callbacks
    )
    listed = editor_client.get(response["Location"])
    assert listed.status_code == 200
    assert len(rows(listed)) == 50
    assert "The comment by" in listed.content.decode()


# --- The status views, order and columns ---------------------------------------------


def test_all_leaves_out_spam_and_trash_which_have_their_own_views(editor_client, seed_article):
    for status in ("pending", "approved", "approved", "spam", "trash", "trash"):
        make_comment(seed_article, status=status, body=f"A {status} comment.")
    everything = editor_client.get(CHANGELIST)
    assert selected_status(everything) == "All (3)"
    texts = [row.get_text(" ", strip=True) for row in rows(everything)]
    assert len(texts) == 3
    assert not any("spam comment" in text or "trash comment" in text for text in texts)
    page = soup(everything)
    views = [li.get_text(strip=True) for li in page.select("#changelist-filter details")[0]("li")]
    assert views == ["All (3)", "Pending (1)", "Approved (2)", "Spam (1)", "Trash (2)"]
    for status, count in (("spam", 1), ("trash", 2), ("pending", 1), ("approved", 2)):
        assert len(rows(editor_client.get(CHANGELIST, {"status": status}))) == count


def test_the_moderation_mails_queue_link_highlights_pending(editor_client, seed_article):
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article)
    response = editor_client.get(CHANGELIST + "?status=pending")
    assert selected_status(response) == "Pending (1)"
    assert len(rows(response)) == 1


def test_the_queue_lists_the_newest_comment_first(editor_client, seed_article):
    first = make_comment(seed_article, body="Written first.")
    second = make_comment(seed_article, body="Written second.")
    listed = [row.get_text(" ", strip=True) for row in rows(editor_client.get(CHANGELIST))]
    assert "Written second." in listed[0]
    assert "Written first." in listed[1]
    assert first.created_at <= second.created_at


def test_in_response_to_names_the_article_and_the_author_a_reply_answers(
    editor_client, seed_article
):
    parent = make_comment(seed_article, author_name="Marie Curie")
    make_comment(seed_article, parent=parent, author_name="Pierre")
    cells = [
        cell.get_text(" ", strip=True)
        for cell in soup(editor_client.get(CHANGELIST)).select("td.field-in_response_to")
    ]
    assert cells == [f"{seed_article.title} in reply to Marie Curie", seed_article.title]
    link = soup(editor_client.get(CHANGELIST)).select_one(
        "td.field-in_response_to .comment-parent a"
    )
    assert link["href"] == reverse("admin:comments_comment_change", args=[parent.pk])


def test_the_queue_costs_the_same_queries_for_a_few_comments_or_a_full_page(
    editor_client, seed_article, django_assert_num_queries
):
    parent = make_comment(seed_article)
    make_comment(seed_article, parent=parent, status=Comment.Status.PENDING)
    # Session, user, permissions (2), the status views' counts, the article filter,
    # the list's counts (filtered and in all), its rows with their articles and
    # parents, the pending badge, the date bar (2).
    with django_assert_num_queries(QUEUE_QUERIES):
        editor_client.get(CHANGELIST)
    make_thread(seed_article, 60)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = editor_client.get(CHANGELIST)
    assert len(rows(response)) == 50


QUEUE_QUERIES = 12


# --- The pending count ---------------------------------------------------------------


def test_the_pending_count_is_a_badge_beside_comments_in_the_navigation(
    editor_client, seed_article
):
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article)
    # Any admin page with the navigation: here an article's list.
    page = soup(editor_client.get(reverse("admin:articles_article_changelist")))
    (badge,) = page.select("#nav-sidebar .model-comment .pending-badge")
    assert badge.get_text(" ", strip=True) == "2 awaiting moderation"
    assert badge.parent.name == "a"
    assert badge.parent["href"] == CHANGELIST
    assert badge.parent.get_text(" ", strip=True) == "Comments 2 awaiting moderation"


def test_the_pending_count_is_a_badge_on_the_admin_index(editor_client, seed_article):
    make_comment(seed_article, status=Comment.Status.PENDING)
    page = soup(editor_client.get(reverse("admin:index")))
    (badge,) = page.select("#content-main .model-comment .pending-badge")
    assert badge.get_text(" ", strip=True) == "1 awaiting moderation"


def test_no_badge_when_nothing_waits(editor_client, seed_article):
    make_comment(seed_article)
    page = soup(editor_client.get(reverse("admin:articles_article_changelist")))
    assert page.select(".pending-badge") == []


# --- View on site and the preview --------------------------------------------------


def change_page(client, comment):
    return soup(client.get(reverse("admin:comments_comment_change", args=[comment.pk])))


def test_view_on_site_links_a_public_comment_by_its_permalink(editor_client, seed_article):
    comment = make_comment(seed_article)
    link = change_page(editor_client, comment).select_one("a.viewsitelink")
    assert link["href"] == reverse("comments:permalink", args=[comment.pk])


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_view_on_site_opens_a_preview_for_a_comment_readers_cannot_see(
    editor_client, seed_article, status
):
    comment = make_comment(seed_article, status=status, body="Held <em>words</em> here.")
    link = change_page(editor_client, comment).select_one("a.viewsitelink")
    assert link["href"] == reverse("admin:comments_comment_preview", args=[comment.pk])
    preview = editor_client.get(link["href"])
    assert preview.status_code == 200
    page = soup(preview)
    assert page.select_one(".comment-preview-body").decode_contents().strip() == (
        "<p>Held <em>words</em> here.</p>"
    )
    assert f"Readers do not see this comment: it is {status}." in page.get_text(" ", strip=True)


def test_the_preview_is_for_editors_only(client, seed_article):
    comment = make_comment(seed_article, status=Comment.Status.PENDING)
    url = reverse("admin:comments_comment_preview", args=[comment.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user(is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(make_editor())
    assert client.get(url).status_code == 200
    comment.delete()
    assert client.get(url).status_code == 404


# --- The history: every way of moderating leaves a line --------------------------------


def test_bulk_actions_write_one_history_line_per_comment(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    held = [make_comment(seed_article, status=Comment.Status.PENDING) for _ in range(2)]
    spam = make_comment(seed_article, status=Comment.Status.SPAM)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            CHANGELIST + "?status=spam",
            {"action": "approve", "_selected_action": [spam.pk]},
        )
        editor_client.post(
            CHANGELIST, {"action": "approve", "_selected_action": [c.pk for c in held]}
        )
    assert history(spam) == [(CHANGE, "Approved with a bulk action (was spam).")]
    for comment in held:
        assert history(comment) == [(CHANGE, "Approved with a bulk action (was pending).")]


def test_the_change_form_writes_the_status_change_to_the_history(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    reader = Client()
    comment = make_comment(seed_article, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:comments_comment_change", args=[comment.pk]),
            {
                "status": "approved",
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": "",
                "body": comment.body,
            },
        )
    assert response.status_code == 302
    assert history(comment) == [(CHANGE, '[{"changed": {"fields": ["Status"]}}]')]
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [comment.pk]


def test_the_stock_bulk_delete_is_recorded_keeps_the_thread_and_refreshes_the_page(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    reader = Client()
    parent = make_comment(seed_article, author_name="Parent")
    reply = make_comment(seed_article, parent=parent)
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [parent.pk, reply.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            CHANGELIST,
            {"action": "delete_selected", "_selected_action": [parent.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert history(parent) == [(DELETION, "")]
    reply.refresh_from_db()
    assert reply.parent_id is None
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [reply.pk]


def test_the_stock_delete_page_is_recorded(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    comment = make_comment(seed_article, status=Comment.Status.TRASH)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert history(comment) == [(DELETION, "")]
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_comments_history_page_shows_who_moderated_it_and_how(
    editor_client, seed_article, django_capture_on_commit_callbacks
):
    comment = make_comment(seed_article, status=Comment.Status.PENDING)
    press(editor_client, comment, "spam", "", django_capture_on_commit_callbacks)
    page = editor_client.get(reverse("admin:comments_comment_history", args=[comment.pk]))
    text = soup(page).get_text(" ", strip=True)
    assert "Marked as spam with the row's button (was pending)." in text
    assert ADDITION not in {flag for flag, _ in history(comment)}


def test_other_articles_comments_keep_their_own_filters(editor_client, seed_article):
    other = make_article()
    make_comment(other, status=Comment.Status.SPAM)
    make_comment(seed_article, status=Comment.Status.SPAM)
    response = editor_client.get(CHANGELIST, {"status": "spam", "article__id__exact": other.pk})
    assert len(rows(response)) == 1
