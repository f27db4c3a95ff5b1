"""import_wordpress: every post, comment, status and thread of a WordPress export, once."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from articles.models import Article, Person
from comments.models import Comment
from importers.models import ImportRun, Pingback
from tests.factories import make_person, make_user

from .helpers import (
    WORDPRESS_EXPORT,
    import_wordpress,
    imported_article,
    imported_comment,
    row_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(db):
    return import_wordpress()


def test_posts_keep_their_status_and_pages_attachments_and_trash_are_skipped(imported):
    published = imported_article(101)
    assert published.is_public
    assert published.published_at == datetime(2023, 5, 1, 9, 30, tzinfo=UTC)
    assert imported_article(103).is_scheduled
    for draft in (104, 105, 106):
        assert imported_article(draft).status == Article.Status.DRAFT
    assert not Article.objects.filter(import_id__in=["107", "108", "109"]).exists()
    assert "Skipped: 1 attachment, 1 page, 1 trashed_post" in imported
    assert "Trashed posts: Thrown away" in imported


def test_a_drafts_empty_gmt_date_falls_back_to_its_local_date(imported):
    assert imported_article(104).published_at == datetime(2023, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("old_id", "status"),
    [
        (201, Comment.Status.APPROVED),
        (206, Comment.Status.PENDING),
        (207, Comment.Status.SPAM),
        (208, Comment.Status.TRASH),
        (209, Comment.Status.TRASH),
    ],
)
def test_comment_statuses_map_one_to_one(imported, old_id, status):
    assert imported_comment(old_id).status == status


def test_a_five_deep_thread_keeps_its_shape_whatever_the_order_in_the_file(imported):
    chain = [imported_comment(old_id) for old_id in (201, 202, 203, 204, 205)]
    assert chain[0].parent is None
    for parent, reply in zip(chain, chain[1:], strict=False):
        assert reply.parent_id == parent.pk


def test_an_orphan_is_attached_to_the_root_and_listed(imported):
    assert imported_comment(210).parent is None
    assert "orphans attached to the root: 210 (its parent 999 is missing)" in imported


def test_entities_and_cdata_are_decoded_once(imported):
    article = imported_article(101)
    assert article.title == "T cells & the “thymus”"
    assert article.excerpt == "Where T cells learn & grow."
    assert article.meta_description == "How the thymus trains T cells & why it matters."
    assert imported_comment(201).author_name == "Ada & Co"
    assert "great post &amp; thanks! 5 &lt; 6 and <em>so</em> clear." in (
        imported_comment(201).body_html
    )


def test_comment_authors_keep_their_details_and_dates(imported):
    comment = imported_comment(201)
    assert comment.author_email == "ada@readers.example"
    assert comment.author_url == "https://ada.example/"
    assert comment.ip_address == "198.51.100.7"
    assert comment.created_at == datetime(2023, 5, 2, 8, 0, tzinfo=UTC)
    assert imported_comment(202).ip_address == "2001:db8::1"


def test_pingbacks_and_trackbacks_are_kept_apart_and_not_shown(imported, client):
    pings = Pingback.objects.order_by("source_id")
    assert [(ping.kind, ping.site_name, ping.url) for ping in pings] == [
        ("pingback", "Another Blog – Immunology", "https://another.example/2023/05/03/linking/"),
        ("trackback", "Third Blog", "https://third.example/tb/"),
    ]
    assert not Comment.objects.filter(import_id__in=["211", "212"]).exists()
    page = client.get(imported_article(101).get_absolute_url()).content.decode()
    assert "Another Blog" not in page
    assert "Third Blog" not in page
    assert "7 thoughts on" in page


def test_a_comment_without_an_id_is_imported_once(imported):
    comment = Comment.objects.get(author_name="Jo")
    assert comment.import_id.startswith("h-")
    assert f"a comment without an id, remembered as {comment.import_id}" in imported
    import_wordpress()
    assert Comment.objects.filter(author_name="Jo").count() == 1


def test_a_block_editor_post_loses_its_block_delimiters_and_keeps_its_structure(imported):
    article = imported_article(102)
    assert "wp:" not in article.body_html
    assert "<p>Memory B cells remember an <strong>antigen</strong>.</p>" in article.body_html
    assert "<h3>Plasma cells</h3>" in article.body_html
    assert "<li>IgG</li>" in article.body_html
    assert 'class="' not in article.body_html


def test_a_classic_post_gets_its_paragraphs_and_loses_its_scripts(imported):
    html = imported_article(101).body_html
    assert html.count("<p>") == 3
    assert "learn &amp; grow: a <em>school</em> for *lymphocytes* and snake_case_names.<br>" in html
    assert "alert" not in html
    assert "<script" not in html
    assert '<a href="https://example.com/reading">further reading</a>' in html


def test_images_still_on_the_old_site_are_listed_and_nothing_is_downloaded(imported):
    assert (
        "images still on the old site: "
        "https://old.example.org/wp-content/uploads/2023/05/thymus.jpg" in imported
    )
    assert "images still on the old site: /wp-content/uploads/2023/06/b-cell.png" in imported


def test_yoast_keyphrase_and_description_and_the_terms_as_tags(imported):
    article = imported_article(101)
    assert article.seo_keywords == ["thymus T cells"]
    assert sorted(tag.name for tag in article.tags.all()) == ["T cells", "Vaccines"]
    assert [tag.name for tag in imported_article(102).tags.all()] == ["Vaccines"]


def test_authors_are_matched_by_email_or_become_people_without_an_account(db):
    existing = make_user(username="writer", email="existing-writer@example.org")
    accounts = get_user_model().objects.count()
    import_wordpress()
    assert imported_article(102).author.user == existing
    marie = imported_article(101).author
    assert (marie.name, marie.slug, marie.user) == (
        "Marie Curie-Sklodowska", "marie-curie-sklodowska", None,
    )  # fmt: skip
    assert imported_article(103).author == marie
    assert get_user_model().objects.count() == accounts
    assert Person.objects.filter(name="Marie Curie-Sklodowska").count() == 1


def test_an_account_that_already_has_a_person_keeps_it(db):
    existing = make_user(username="writer", email="existing-writer@example.org")
    person = make_person("Dr Existing Writer", user=existing)
    import_wordpress()
    assert imported_article(102).author == person


def test_importing_twice_doubles_nothing_and_changes_no_comment(imported):
    before = row_counts()
    kept = imported_comment(201)
    Comment.objects.filter(pk=kept.pk).update(status=Comment.Status.TRASH, body="Edited here.")
    report = import_wordpress()
    after = row_counts()
    assert after == before
    kept.refresh_from_db()
    assert (kept.status, kept.body) == (Comment.Status.TRASH, "Edited here.")
    assert "Posts: 0 imported (0 published, 0 scheduled, 0 drafts), 6 already there." in report
    assert "Comments: 0 imported" in report


def test_the_real_run_reports_what_it_did(imported):
    assert "Posts: 6 imported (2 published, 1 scheduled, 3 drafts), 0 already there." in imported
    assert (
        "Comments: 11 imported (1 pending, 7 approved, 1 spam, 2 trash), 0 already there, "
        "1 orphans attached to the root, 1 skipped with their post." in imported
    )
    assert "Pingbacks and trackbacks (kept apart, not shown): 2 imported" in imported
    assert Comment.objects.count() == 11


def test_a_dry_run_reports_the_same_and_saves_nothing(db):
    before = row_counts()
    report = import_wordpress(WORDPRESS_EXPORT, "--dry-run")
    assert row_counts() == before
    assert report.startswith("Dry run: nothing is saved.")
    assert "Posts: 6 would be imported (2 published, 1 scheduled, 3 drafts)" in report
    assert "Comments: 11 would be imported (1 pending, 7 approved, 1 spam, 2 trash)" in report
    assert "orphans attached to the root: 210 (its parent 999 is missing)" in report


def test_each_run_and_its_report_are_kept(db):
    import_wordpress(WORDPRESS_EXPORT, "--dry-run")
    report = import_wordpress()
    dry, real = ImportRun.objects.order_by("pk")
    assert (dry.is_dry_run, real.is_dry_run) == (True, False)
    assert real.succeeded
    assert real.file_name == "wordpress.xml"
    assert real.finished_at >= real.started_at
    assert real.counts["comments_imported"] == 11
    assert real.counts["posts_imported"] == 6
    # The report kept is the one printed, without the progress lines.
    assert real.report in report
    assert "items in the export" not in real.report


def export_of(site, tmp_path):
    """The test export as if another blog, at `site`, had written it."""
    path = tmp_path / "other-site.xml"
    path.write_text(WORDPRESS_EXPORT.read_text().replace("https://old.example.org", site))
    return path


def test_each_run_remembers_the_site_its_export_came_from(imported):
    assert ImportRun.objects.get().site == "https://old.example.org"


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_second_wordpress_site_is_refused_and_changes_nothing(imported, tmp_path, dry_run):
    before = row_counts()
    other = export_of("https://another.example.net/blog", tmp_path)
    with pytest.raises(CommandError) as refused:
        import_wordpress(other, *(["--dry-run"] if dry_run else []))
    assert str(refused.value) == (
        f"{other}: This export comes from https://another.example.net/blog, but posts from "
        "https://old.example.org were imported already; their post and comment ids would "
        "collide, so only one WordPress site can be imported into this blog."
    )
    assert row_counts() == before
    run = ImportRun.objects.order_by("pk").last()
    assert (run.site, run.succeeded) == ("https://another.example.net/blog", False)
    assert run.error.startswith("This export comes from https://another.example.net/blog")


def test_the_same_site_written_another_way_is_the_same_site(imported, tmp_path):
    report = import_wordpress(export_of("HTTPS://OLD.example.org/", tmp_path))
    assert "Posts: 0 imported (0 published, 0 scheduled, 0 drafts), 6 already there." in report


def test_a_dry_run_of_another_site_first_does_not_count_as_an_import(db, tmp_path):
    import_wordpress(export_of("https://another.example.net", tmp_path), "--dry-run")
    report = import_wordpress()
    assert "Posts: 6 imported" in report
