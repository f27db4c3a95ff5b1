"""What an editor deleted after an import stays deleted when the file is imported again."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from time_machine import travel

from articles.models import Article
from comments.models import Comment, DiscussionSettings
from importers.models import DeletedImport
from tests.factories import make_article

from .helpers import import_disqus, import_wordpress, imported_article, imported_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(db):
    return import_wordpress()


def delete_in_the_change_form(client, comment):
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    return client.post(url, {"post": "yes"})


def delete_with_the_bulk_action(client, comment):
    url = reverse("admin:comments_comment_changelist")
    data = {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"}
    return client.post(url, data)


@pytest.mark.parametrize("delete", [delete_in_the_change_form, delete_with_the_bulk_action])
def test_a_comment_an_editor_deleted_is_left_out_of_the_next_import(
    imported, editor_client, delete
):
    response = delete(editor_client, imported_comment(201))
    assert response.status_code == 302
    report = import_wordpress()
    assert not Comment.objects.filter(import_source="wordpress", import_id="201").exists()
    assert (
        "Comments: 0 imported (0 pending, 0 approved, 0 spam, 0 trash), 10 already there, "
        "1 deleted here (left out), 0 orphans attached to the root" in report
    )


def test_the_trash_emptied_by_housekeeping_is_not_brought_back(imported):
    trashed = set(
        Comment.objects.filter(status=Comment.Status.TRASH).values_list("import_id", flat=True)
    )
    days = DiscussionSettings.load().trash_days
    with travel(timezone.now() + timezone.timedelta(days=days + 1)):
        call_command("housekeeping", stdout=None)
    assert trashed == {"208", "209"}
    assert not Comment.objects.filter(status=Comment.Status.TRASH).exists()
    report = import_wordpress()
    assert not Comment.objects.filter(status=Comment.Status.TRASH).exists()
    assert "2 deleted here (left out)" in report


def test_a_deleted_article_and_its_comments_are_left_out(imported, editor_client):
    article = imported_article(101)
    comments = article.comments.count()
    response = editor_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    report = import_wordpress()
    assert not Article.objects.filter(import_source="wordpress", import_id="101").exists()
    assert (
        "Posts: 0 imported (0 published, 0 scheduled, 0 drafts), 5 already there, "
        "1 deleted here (left out)." in report
    )
    # Its 11 comments and 2 pingbacks, and the trashed post's comment, as on the first run.
    assert comments == 11
    assert (
        "Comments: 0 imported (0 pending, 0 approved, 0 spam, 0 trash), 0 already there, "
        "0 orphans attached to the root, 14 skipped with their post." in report
    )
    assert "Pingbacks and trackbacks (kept apart, not shown): 0 imported" in report


def test_a_disqus_post_an_editor_deleted_is_left_out(db):
    make_article(slug="antibodies-explained", title="Antibodies explained")
    make_article(slug="fever-and-you", title="Fever and you")
    import_disqus()
    Comment.objects.filter(import_source="disqus").first().delete()
    report = import_disqus()
    assert "5 already there, 1 deleted here (left out)" in report


def test_only_where_it_came_from_is_remembered(imported):
    comment = imported_comment(201)
    comment.delete()
    (record,) = DeletedImport.objects.all()
    assert (record.kind, record.source, record.import_id) == ("comment", "wordpress", "201")
    remembered = {field.name for field in DeletedImport._meta.fields}
    assert remembered == {"id", "kind", "source", "import_id", "deleted_at"}


def test_a_comment_that_was_not_imported_leaves_no_record(imported):
    article = imported_article(101)
    Comment.objects.create(article=article, author_name="Ours", body="Posted here.").delete()
    assert not DeletedImport.objects.exists()


def test_an_editor_lists_the_records_and_deleting_one_brings_the_comment_back(
    imported, editor_client
):
    imported_comment(201).delete()
    response = editor_client.get(reverse("admin:importers_deletedimport_changelist"))
    assert response.status_code == 200
    assert "1 deleted import" in response.content.decode()
    record = DeletedImport.objects.get()
    response = editor_client.post(
        reverse("admin:importers_deletedimport_delete", args=[record.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    report = import_wordpress()
    assert "Comments: 1 imported" in report
    assert imported_comment(201).status == Comment.Status.APPROVED


def test_an_editor_cannot_add_or_change_a_record(imported, editor_client):
    imported_comment(201).delete()
    record = DeletedImport.objects.get()
    assert editor_client.get(reverse("admin:importers_deletedimport_add")).status_code == 403
    change = reverse("admin:importers_deletedimport_change", args=[record.pk])
    editor_client.post(change, {"import_id": "999"})
    record.refresh_from_db()
    assert record.import_id == "201"
