"""Every comment knows the thread it belongs to, whichever way it was written or moved.

A page of the discussion holds whole threads and reads only their comments,
so the thread (the top-level comment a reply descends from) must stay right
on every path: posting, replying from the admin, each way of deleting, an
import, and the migration that numbered the comments already there.
"""

import io
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.discussion import READ_ALL_COMMENTS
from comments.models import Comment, thread_starts
from tests.comments.helpers import comment_ids, post_comment
from tests.factories import comment_data, make_comment, make_editor, make_thread
from tests.importers.helpers import import_wordpress, imported_comment
from tests.importers.test_bounded_memory import COMMENT, HEAD, TAIL
from tests.migrating import migrate

pytestmark = pytest.mark.django_db


def threads_of(*comments):
    """{pk: thread pk, or None for a top-level comment}, as stored now."""
    return dict(
        Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("pk", "thread_id")
    )


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(make_editor())
    return client


def chain(article, length=4):
    """A top-level comment and replies each answering the one before."""
    comments = [make_comment(article, author_name="Writer 0")]
    for n in range(1, length):
        comments.append(make_comment(article, parent=comments[-1], author_name=f"Writer {n}"))
    return comments


# --- Written ---------------------------------------------------------------------------------


def test_a_reply_posted_on_the_site_joins_the_thread_of_its_parent(
    client, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    top, reply = chain(seed_article, 2)
    post_comment(client, comment_data(seed_article, parent=str(reply.pk)))
    answer = Comment.objects.get(parent=reply)
    assert threads_of(top, reply, answer) == {top.pk: None, reply.pk: top.pk, answer.pk: top.pk}


def test_a_reply_written_in_the_admin_joins_the_thread_too(seed_article, editor_client):
    top, reply = chain(seed_article, 2)
    url = reverse("admin:comments_comment_reply", args=[reply.pk])
    assert editor_client.post(url, {"comment": "Thank you."}).status_code == 302
    assert Comment.objects.get(parent=reply).thread_id == top.pk


# --- Deleted, every way ----------------------------------------------------------------------


def delete_in_admin(editor_client, comment):
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302


def delete_selected_in_admin(editor_client, comment):
    url = reverse("admin:comments_comment_changelist")
    data = {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [str(comment.pk)]}
    assert editor_client.post(url, data).status_code == 302


def empty_the_trash(editor_client, comment):
    month_ago = timezone.now() - timedelta(days=31)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.TRASH, updated_at=month_ago)
    call_command("housekeeping", stdout=io.StringIO())


@pytest.mark.parametrize(
    "delete", [delete_in_admin, delete_selected_in_admin, empty_the_trash],
    ids=["delete view", "delete selected", "trash emptied"],
)  # fmt: skip
def test_deleting_a_threads_first_comment_makes_each_reply_a_thread_of_its_own(
    seed_article, editor_client, discussion_rules, delete, django_capture_on_commit_callbacks
):
    discussion_rules(comments_per_page=1)
    top, reply, answer, last = chain(seed_article)
    second = make_comment(top.article, parent=top, author_name="Second reply")
    with django_capture_on_commit_callbacks(execute=True):
        delete(editor_client, top)
    assert threads_of(reply, answer, last, second) == {
        reply.pk: None, answer.pk: reply.pk, last.pk: reply.pk, second.pk: None,
    }  # fmt: skip
    # Two threads now, one a page, oldest first.
    page_2 = reverse("comment_page", kwargs={"slug": seed_article.slug, "page": 2})
    assert comment_ids(Client().get(seed_article.get_absolute_url())) == [
        reply.pk, answer.pk, last.pk,
    ]  # fmt: skip
    assert comment_ids(Client().get(page_2)) == [second.pk]


def test_deleting_a_reply_in_the_middle_leaves_the_thread_as_it_was(seed_article, editor_client):
    top, reply, answer, last = chain(seed_article)
    delete_in_admin(editor_client, reply)
    assert threads_of(answer, last) == {answer.pk: top.pk, last.pk: top.pk}


def test_deleting_the_article_deletes_every_thread(seed_article, editor_client):
    chain(seed_article)
    url = reverse("admin:articles_article_delete", args=[seed_article.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not Comment.objects.exists()


# --- Imported and migrated -------------------------------------------------------------------


def test_an_imported_thread_is_numbered_whatever_the_order_in_the_file():
    import_wordpress()
    first = imported_comment(201)
    replies = [imported_comment(old_id) for old_id in (202, 203, 204, 205)]
    assert first.thread_id is None
    assert {reply.thread_id for reply in replies} == {first.pk}


def test_an_import_cuts_a_loop_of_replies_and_lists_it(tmp_path):
    export = tmp_path / "loop.xml"
    with export.open("w", encoding="utf-8") as file:
        file.write(HEAD.format(post_id=7))
        for old_id, parent in [(1, 2), (2, 3), (3, 1), (4, 3)]:
            file.write(COMMENT.format(id=old_id, ip=old_id, parent=parent))
        file.write(TAIL)
    report = import_wordpress(export)
    comments = {old_id: imported_comment(old_id) for old_id in (1, 2, 3, 4)}
    tops = [c for c in comments.values() if c.parent_id is None]
    assert len(tops) == 1, "the loop is cut once"
    (top,) = tops
    assert all(c.thread_id == top.pk for c in comments.values() if c is not top)
    assert "its replies loop back to it" in report
    page = Client().get(top.article.get_absolute_url())
    assert sorted(comment_ids(page)) == sorted(c.pk for c in comments.values())


def test_the_migration_numbers_the_threads_already_there(back_to_latest):
    apps = migrate([("comments", "0012_comment_import_source")])
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    article = Article.objects.get(slug="unlocking-the-power-of-immunotherapy")

    def comment(parent=None):
        return Comment.objects.create(article=article, author_name="A", body="b", parent=parent)

    top = comment()
    reply = comment(top)
    answer = comment(reply)
    alone = comment()
    apps = migrate([("comments", "0013_comment_thread")])
    Comment = apps.get_model("comments", "Comment")
    stored = dict(Comment.objects.values_list("pk", "thread_id"))
    assert stored == {top.pk: None, reply.pk: top.pk, answer.pk: top.pk, alone.pk: None}


# --- What a page reads -----------------------------------------------------------------------


@pytest.mark.parametrize("comments", [READ_ALL_COMMENTS, READ_ALL_COMMENTS + 1, 1000])
def test_a_page_reads_at_most_the_short_discussion_bound_or_its_own_threads(
    seed_article, discussion_rules, comments
):
    """However long the discussion, the comments query of a page returns at most
    READ_ALL_COMMENTS rows; past that, the page's own comments alone."""
    discussion_rules(comments_per_page=2)  # threads of four: eight comments a page
    make_thread(seed_article, comments)
    url = reverse("comment_page", kwargs={"slug": seed_article.slug, "page": 3})
    with CaptureQueriesContext(connection) as queries:
        shown = comment_ids(Client().get(url))
    (read,) = [
        q["sql"] for q in queries.captured_queries if '"comments_comment"."body_html"' in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute(read)
        fetched = len(cursor.fetchall())
    assert len(shown) == 8
    assert fetched == (comments if comments <= READ_ALL_COMMENTS else 8)


# --- The numbering itself --------------------------------------------------------------------


def test_thread_starts_follows_each_comment_to_the_top():
    pairs = [(1, None), (2, 1), (3, 2), (4, None), (5, 4), (6, 3)]
    assert list(thread_starts(pairs)) == [
        (1, None, None), (2, 1, 1), (3, 2, 1), (4, None, None), (5, 4, 4), (6, 3, 1),
    ]  # fmt: skip


def test_thread_starts_skips_comments_being_deleted():
    pairs = [(1, None), (2, 1), (3, 2), (4, 3)]
    assert list(thread_starts(pairs, gone={1, 3})) == [(2, 1, None), (4, 3, 2)]


def test_thread_starts_cuts_a_loop_where_it_would_repeat():
    starts = {pk: start for pk, _, start in thread_starts([(1, 2), (2, 3), (3, 1), (4, 1)])}
    (top,) = [pk for pk, start in starts.items() if start is None]
    assert all(start == top for pk, start in starts.items() if pk != top)


def test_thread_starts_takes_comments_in_order_of_their_ids():
    with pytest.raises(ValueError, match="ordered by pk"):
        list(thread_starts([(2, None), (1, None)]))
