"""Who an imported post is credited to, and which of its terms become tags.

A WordPress login is never a byline: `--author-map LOGIN=PERSON` credits it to a
person here, and a login the export gives no name for goes to the editorial byline.
WordPress's default category, "Uncategorized", says nothing and is left out.
"""

import pytest
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import Person, Tag
from tests.factories import make_person, make_user

from .helpers import (
    WORDPRESS_EXPORT,
    another_post_by_admin,
    import_wordpress,
    imported_article,
    row_counts,
    run,
)

pytestmark = pytest.mark.django_db

EDITORIAL = "Immunoblog Editorial Team"


def test_a_login_without_a_name_is_credited_to_the_editorial_byline(tmp_path, client):
    report = run("import_wordpress", another_post_by_admin(tmp_path))
    article = imported_article(42)
    assert article.author.name == EDITORIAL
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'rel="author" href="/authors/immunoblog-editorial-team/">{EDITORIAL}</a>' in page
    assert ">admin</a>" not in page
    assert not Person.objects.filter(name__iexact="admin").exists()
    assert client.get(reverse("articles:person", args=["admin"])).status_code == 404
    assert f"Logins without a name, credited to the editorial byline ({EDITORIAL}): admin" in (
        report
    )


def test_an_account_named_admin_here_does_not_make_admin_a_byline(tmp_path):
    make_user(username="admin", first_name="", last_name="", email="root@example.org")
    run("import_wordpress", another_post_by_admin(tmp_path))
    assert imported_article(42).author.name == EDITORIAL
    assert not Person.objects.filter(name__iexact="admin").exists()


def test_author_map_credits_a_login_to_a_person_named_by_slug(db):
    person = make_person("Dr Marie Curie", slug="marie-curie")
    import_wordpress(WORDPRESS_EXPORT, "--author-map", "marie=marie-curie")
    assert imported_article(101).author == person
    assert imported_article(103).author == person
    assert not Person.objects.filter(name="Marie Curie-Sklodowska").exists()


def test_author_map_takes_a_persons_name_and_is_repeatable(tmp_path):
    ada = make_person("Ada Writer")
    marie = make_person("Dr Marie Curie")
    run("import_wordpress", another_post_by_admin(tmp_path), "--author-map", "admin=ada writer")
    import_wordpress(WORDPRESS_EXPORT, "--author-map", "admin=Ada Writer",
                     "--author-map", "marie=Dr Marie Curie")  # fmt: skip
    assert imported_article(42).author == ada
    assert imported_article(101).author == marie


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("marie", "--author-map wants OLD=PERSON (a WordPress login, then a person's slug or "
                  "name), not 'marie'."),
        ("marie=nobody-here", "--author-map marie=nobody-here: no person here has the slug or "
                              "name 'nobody-here'."),
    ],
    ids=["not-a-pair", "nobody"],
)  # fmt: skip
def test_an_author_map_naming_nobody_is_refused_and_changes_nothing(db, pair, message):
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        import_wordpress(WORDPRESS_EXPORT, "--author-map", pair)
    assert str(refused.value) == f"{WORDPRESS_EXPORT}: {message}"
    assert row_counts() == before


def test_an_author_map_naming_two_people_asks_for_the_slug(db):
    make_person("Sam Lee")
    make_person("Sam Lee")
    with pytest.raises(CommandError, match="several people are named 'Sam Lee'; give the slug"):
        import_wordpress(WORDPRESS_EXPORT, "--author-map", "marie=Sam Lee")


def test_uncategorized_is_not_imported_as_a_tag(tmp_path, client):
    run("import_wordpress", another_post_by_admin(tmp_path))
    assert sorted(imported_article(42).tags.values_list("slug", flat=True)) == [
        "cancer", "car-t", "immunotherapy",
    ]  # fmt: skip
    assert not Tag.objects.filter(name__iexact="uncategorized").exists()
    assert client.get("/tag/uncategorized/").status_code == 404
    assert "uncategorized" not in client.get("/sitemap.xml").content.decode().lower()
