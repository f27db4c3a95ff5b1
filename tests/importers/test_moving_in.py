"""An export of the article already here is that article: matched, never a second copy.

The rule: a post is the article here with the same slug, else the one with the same
title published the same day (UTC). The article stays exactly as it is; the export
brings its comments, pingbacks and old addresses, and the report says where it differs.
"""

import pytest
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from importers.models import ImportRun, OldAddress, Pingback

from .helpers import (
    SEED_SLUG,
    SEED_TITLE,
    import_seed_export,
    imported_article,
    row_counts,
    run,
    seed_export_with,
)

pytestmark = pytest.mark.django_db

KEPT_FIELDS = [
    "title", "slug", "excerpt", "body", "body_html", "published_at", "updated_at",
    "content_changed_at", "status", "author_id", "meta_description", "seo_keywords",
]  # fmt: skip


def kept(article):
    article.refresh_from_db()
    fields = {name: getattr(article, name) for name in KEPT_FIELDS}
    fields["tags"] = sorted(article.tags.values_list("slug", flat=True))
    return fields


def test_an_export_of_the_article_here_makes_no_second_card(seed_article, client):
    articles = Article.objects.count()
    import_seed_export()
    assert Article.objects.count() == articles
    page = client.get(reverse("articles:home")).content.decode()
    assert page.count(f">{SEED_TITLE}<") == 1


def test_the_matched_article_is_kept_exactly_as_it_is(seed_article):
    before = kept(seed_article)
    import_seed_export()
    assert kept(seed_article) == before


def test_the_exports_comments_and_pingback_join_the_article_here(seed_article, client):
    import_seed_export()
    page = client.get(seed_article.get_absolute_url()).content.decode()
    assert f"3 thoughts on “{SEED_TITLE}”" in page
    assert "My father is on pembrolizumab" in page
    reply = Comment.objects.get(import_id="13")
    assert (reply.article, reply.parent.import_id) == (seed_article, "12")
    assert Pingback.objects.get().article == seed_article


def test_the_matched_articles_old_addresses_are_recorded(seed_article):
    import_seed_export()
    paths = set(seed_article.old_addresses.values_list("path", flat=True))
    assert paths == {f"/2023/06/12/{SEED_SLUG}/", f"/{SEED_SLUG}/"}


def test_the_report_lists_each_field_where_the_export_differs(seed_article):
    report = import_seed_export()
    assert f"{SEED_TITLE} [published, matched] /articles/{SEED_SLUG}/" in report
    assert (
        "  kept as it is; the export differs in: excerpt; "
        "date (export 2023-06-12 09:00 UTC, here 2026-11-20 09:00 UTC); "
        "tags (export Cancer, CAR-T, Immunotherapy; here Allergies, Autoimmune diseases, "
        "Cancer, CAR-T, Checkpoint inhibitors, Immunotherapy, Infectious diseases)\n"
    ) in report
    assert "1 matched with an article here (kept as it is)." in report


def test_a_post_with_another_slug_is_matched_by_its_title_and_day(seed_article, tmp_path):
    export = seed_export_with(
        tmp_path,
        (f"<![CDATA[{SEED_SLUG}]]>", "<![CDATA[immunotherapy-explained]]>"),
        (f"/2023/06/12/{SEED_SLUG}/", "/2023/06/12/immunotherapy-explained/"),
        ("<![CDATA[2023-06-12 09:00:00]]>", "<![CDATA[2026-11-20 15:30:00]]>"),
    )
    articles = Article.objects.count()
    report = run("import_wordpress", export)
    assert Article.objects.count() == articles
    assert Comment.objects.filter(article=seed_article).count() == 3
    assert f"slug (export immunotherapy-explained, here {SEED_SLUG})" in report
    assert "date (export 2026-11-20 15:30 UTC, here 2026-11-20 09:00 UTC)" in report


def test_the_same_title_on_another_day_is_another_article(seed_article, tmp_path):
    export = seed_export_with(
        tmp_path, (f"<![CDATA[{SEED_SLUG}]]>", "<![CDATA[immunotherapy-explained]]>")
    )
    run("import_wordpress", export)
    assert imported_article(42).slug == "immunotherapy-explained"
    assert Comment.objects.filter(article=seed_article).count() == 0


def test_importing_the_export_again_changes_nothing(seed_article):
    import_seed_export()
    before = row_counts()
    fields = kept(seed_article)
    report = import_seed_export()
    assert row_counts() == before
    assert kept(seed_article) == fields
    assert f"[published, already there] /articles/{SEED_SLUG}/" in report
    assert "Posts: 0 imported (0 published, 0 scheduled, 0 drafts), 1 already there." in report


def test_a_dry_run_matches_and_saves_nothing(seed_article):
    before = row_counts()
    report = import_seed_export("--dry-run")
    assert row_counts() == before
    assert "[published, matched]" in report
    seed_article.refresh_from_db()
    assert seed_article.import_id == ""
    assert not OldAddress.objects.exists()


def test_an_admin_import_run_reports_the_match_and_its_differences(editor_client, seed_article):
    import_seed_export()
    run_record = ImportRun.objects.get()
    page = editor_client.get(
        reverse("admin:importers_importrun_change", args=[run_record.pk])
    ).content.decode()
    assert "[published, matched]" in page
    assert "kept as it is; the export differs in: excerpt; date (export 2023-06-12" in page
    assert "credited to the editorial byline (Immunoblog Editorial Team): admin" in page
    assert run_record.counts["posts_matched"] == 1
