"""What readers and machines see of who wrote and reviewed an article, and its sources."""

from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Person, Reference
from tests.articles.helpers import (
    SITEMAP_NS,
    graph_node,
    html,
    json_ld_document,
    text_of,
    xml,
)
from tests.factories import (
    make_article,
    make_correction,
    make_person,
    make_reference,
    make_user,
)

pytestmark = pytest.mark.django_db


def plain(element):
    return " ".join(element.get_text().split())


@pytest.fixture
def author():
    return make_person(
        "Mei Chen",
        credentials="PhD, immunologist",
        bio="Writes about T cells.",
        profile_url="https://orcid.org/0000-0002-1825-0097",
    )


@pytest.fixture
def reviewer():
    return make_person("Rita Reviewer", credentials="MD, medical oncologist")


@pytest.fixture
def article(author, reviewer):
    article = make_article(
        author=author,
        reviewer=reviewer,
        reviewed_on=date(2026, 3, 2),
        body="## PD-1\n\nBlockade works[^topalian] in melanoma[^june], as shown[^topalian].\n",
    )
    make_reference(
        article,
        "june",
        citation="June CH, et al. CAR T cell immunotherapy. *Science*. 2018.",
        url="https://example.org/car-t",
    )
    make_reference(
        article,
        "topalian",
        citation="Topalian SL, et al. Anti-PD-1 antibody in cancer. N Engl J Med. 2012.",
        doi="10.1056/NEJMoa1200690",
        pmid="22658127",
    )
    make_reference(article, "unused", citation="Never cited.")
    make_correction(article, noted_on=date(2026, 4, 1), text="A dose was corrected.")
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def page(article):
    return html(Client().get(article.get_absolute_url()))


# --- The page ----------------------------------------------------------------------


def test_byline_links_the_authors_profile_as_the_author_with_credentials(page, author):
    link = page.select_one(".byline a.author")
    assert link["rel"] == ["author"]
    assert link["href"] == author.get_absolute_url()
    assert plain(page.select_one(".byline")).startswith("By Mei Chen, PhD, immunologist ·")


def test_review_line_names_the_reviewer_their_credentials_and_the_date(page, reviewer):
    review = page.select_one(".medical-review")
    assert plain(review) == (
        "Medically reviewed by Rita Reviewer, MD, medical oncologist, on March 2, 2026"
    )
    assert review.select_one("a.reviewer")["href"] == reviewer.get_absolute_url()
    assert review.time["datetime"] == "2026-03-02"


def test_references_are_numbered_in_order_of_first_citation(page):
    markers = page.select(".article-body sup a.footnote-ref")
    assert [(a.text, a["href"]) for a in markers] == [
        ("1", "#fn:topalian"),
        ("2", "#fn:june"),
        ("1", "#fn:topalian"),
    ]
    items = page.select(".article-references ol > li")
    assert [item["id"] for item in items] == ["fn:topalian", "fn:june"]


def test_markers_and_back_links_work_both_ways_for_a_screen_reader(page):
    marker = page.select_one(".article-body a.footnote-ref")
    assert (marker["aria-label"], marker["role"]) == ("Reference 1", "doc-noteref")
    assert marker.parent["id"] == "fnref:topalian"
    backlinks = page.select("#fn\\:topalian a.footnote-backref")
    assert [(a["href"], a["aria-label"]) for a in backlinks] == [
        ("#fnref:topalian", "Back to citation 1 of reference 1 in the text"),
        ("#fnref2:topalian", "Back to citation 2 of reference 1 in the text"),
    ]
    back = page.select_one("#fn\\:june a.footnote-backref")
    assert back["aria-label"] == "Back to reference 2 in the text"
    for link in backlinks:
        assert page.find(id=link["href"][1:]) is not None
    section = page.select_one("section.article-references")
    assert text_of(page.find(id=section["aria-labelledby"])) == "References"


def test_doi_pubmed_and_plain_urls_become_links(page):
    first, second = page.select(".article-references ol > li")
    hrefs = [a["href"] for a in first.find_all("a") if "footnote-backref" not in a.get("class", [])]
    assert hrefs == [
        "https://doi.org/10.1056/NEJMoa1200690",
        "https://pubmed.ncbi.nlm.nih.gov/22658127/",
    ]
    assert second.find("a", href="https://example.org/car-t") is not None
    assert second.em.text == "Science"


def test_an_uncited_reference_is_not_listed(page):
    assert "Never cited" not in text_of(page)


def test_corrections_and_the_disclaimer_are_on_the_page(page):
    assert plain(page.select_one(".corrections-log li")) == "April 1, 2026: A dose was corrected."
    disclaimer = page.select_one("aside.medical-disclaimer")
    assert "not medical advice" in text_of(disclaimer)


def test_print_stylesheet_keeps_review_references_corrections_and_disclaimer(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/print.css")) as stylesheet:
        css = stylesheet.read()
    kept = css[css.index("/* Who wrote and reviewed") :]
    for selector in (".medical-review", ".article-references", ".article-corrections"):
        assert selector in kept
    hidden = css[: css.index("{", css.index(".site-header,"))]
    assert ".article-references" not in hidden
    assert ".medical-disclaimer" not in hidden


def test_updated_line_follows_the_text_not_any_save(author, django_capture_on_commit_callbacks):
    article = make_article(author=author, published_at=timezone.now() - timedelta(days=10))
    Article.objects.filter(pk=article.pk).update(content_changed_at=article.published_at)
    article = Article.objects.get(pk=article.pk)
    article.allow_comments = False
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert html(Client().get(article.get_absolute_url())).select_one(".byline .updated") is None
    article.body += "\nA new paragraph.\n"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    updated = html(Client().get(article.get_absolute_url())).select_one(".byline .updated time")
    assert datetime.fromisoformat(updated["datetime"]) == article.content_changed_at.replace(
        microsecond=0
    )


# --- The same rendering on every path ---------------------------------------------------


def test_a_reference_added_outside_the_admin_renders_the_article_again(author):
    article = make_article(author=author, body="Claim[^new].")
    assert "footnote-ref" not in article.body_html
    make_reference(article, "new", doi="10.1000/xyz123")
    article.refresh_from_db()
    assert 'href="#fn:new"' in article.body_html
    assert article.cited_keys == ["new"]
    assert "https://doi.org/10.1000/xyz123" in article.references_html


def test_a_reference_edited_outside_the_admin_moves_the_update_time(article):
    before = article.content_changed_at
    reference = article.references.get(key="june")
    reference.citation = "June CH. Corrected title."
    reference.save()
    article.refresh_from_db()
    assert article.content_changed_at > before
    assert "Corrected title" in article.references_html


def test_queryset_delete_of_references_renders_the_article_again(article):
    Reference.objects.filter(article=article, key="topalian").delete()
    article.refresh_from_db()
    assert article.cited_keys == ["june"]
    assert 'href="#fn:topalian"' not in article.body_html


def test_deleting_an_article_takes_its_references_and_corrections(article):
    article.delete()
    assert not Reference.objects.exists()


def test_an_unknown_key_saved_outside_the_admin_stays_visible_as_typed(author):
    article = make_article(author=author, body="Claim[^missing].")
    assert "[^missing]" in article.body_html


# --- JSON-LD ---------------------------------------------------------------------------


def test_json_ld_graph_matches_what_the_page_shows(article):
    response = Client().get(article.get_absolute_url())
    page, document = html(response), json_ld_document(response)
    web_page = graph_node(document, "MedicalWebPage")
    posting = graph_node(document, "BlogPosting")
    canonical = "http://testserver" + article.get_absolute_url()

    assert web_page["mainEntity"] == {"@id": posting["@id"]}
    assert web_page["reviewedBy"]["name"] == text_of(page.select_one("a.reviewer"))
    assert web_page["reviewedBy"]["jobTitle"] == "MD, medical oncologist"
    assert web_page["lastReviewed"] == page.select_one(".medical-review time")["datetime"]
    profile = "http://testserver" + page.select_one(".byline a.author")["href"]
    assert posting["url"] == web_page["@id"] == canonical
    assert posting["author"] == {
        "@type": "Person",
        "@id": f"{profile}#person",
        "name": text_of(page.select_one(".byline a.author")),
        "url": profile,
        "jobTitle": "PhD, immunologist",
        "hasCredential": {
            "@type": "EducationalOccupationalCredential",
            "name": "PhD, immunologist",
        },
        "sameAs": "https://orcid.org/0000-0002-1825-0097",
    }
    listed = page.select(".article-references ol > li")
    assert len(posting["citation"]) == len(listed) == 2
    assert posting["citation"][0] == {
        "@type": "ScholarlyArticle",
        "name": "Topalian SL, et al. Anti-PD-1 antibody in cancer. N Engl J Med. 2012.",
        "sameAs": "https://doi.org/10.1056/NEJMoa1200690",
        "url": "https://pubmed.ncbi.nlm.nih.gov/22658127/",
        "identifier": {"@type": "PropertyValue", "propertyID": "PMID", "value": "22658127"},
    }
    modified = page.find("meta", property="article:modified_time")["content"]
    assert posting["dateModified"] == modified == article.modified_at.isoformat()


def test_no_review_no_reviewed_by(author):
    article = make_article(author=author)
    web_page = graph_node(
        json_ld_document(Client().get(article.get_absolute_url())), "MedicalWebPage"
    )
    assert "reviewedBy" not in web_page
    assert "lastReviewed" not in web_page


# --- No invented authority ----------------------------------------------------------------


def test_seeded_article_has_no_reviewer_credentials_or_references(seed_article):
    response = Client().get(seed_article.get_absolute_url())
    page = html(response)
    assert page.select_one(".medical-review") is None
    assert page.select_one(".article-references") is None
    assert page.select_one(".byline .credentials") is None
    assert (seed_article.reviewer, seed_article.author.credentials) == (None, "")
    assert not seed_article.references.exists()
    web_page = graph_node(json_ld_document(response), "MedicalWebPage")
    assert "reviewedBy" not in web_page
    assert graph_node(json_ld_document(response), "BlogPosting")["citation"] == []


def test_seeded_articles_author_is_the_editorial_team_as_a_person(seed_article):
    author = seed_article.author
    assert (author.name, author.user.username) == ("Immunoblog Editorial Team", "editorial")


def test_the_editorial_byline_is_an_organization_in_json_ld(seed_article):
    posting = graph_node(
        json_ld_document(Client().get(seed_article.get_absolute_url())), "BlogPosting"
    )
    profile = "http://testserver" + seed_article.author.get_absolute_url()
    assert posting["author"] == {
        "@type": "Organization",
        "@id": f"{profile}#organization",
        "name": "Immunoblog Editorial Team",
        "url": profile,
    }


def test_a_person_marked_as_a_team_is_an_organization_without_credentials():
    team = make_person(
        "Oncology desk", is_team=True, credentials="MD", profile_url="https://example.org/"
    )
    article = make_article(author=team)
    posting = graph_node(json_ld_document(Client().get(article.get_absolute_url())), "BlogPosting")
    assert posting["author"]["@type"] == "Organization"
    assert posting["author"]["sameAs"] == "https://example.org/"
    assert "jobTitle" not in posting["author"]


# --- Profile pages ------------------------------------------------------------------------


def test_profile_lists_the_published_articles_a_person_wrote_or_reviewed(author, reviewer):
    written = make_article(title="Written", author=author)
    reviewed = make_article(title="Reviewed", reviewer=author, reviewed_on=date(2026, 1, 1))
    make_article(title="Draft", author=author, status=Article.Status.DRAFT, published_at=None)
    make_article(title="Someone else's", author=reviewer)
    page = html(Client().get(author.get_absolute_url()))
    titles = [text_of(h) for h in page.select(".article-summary-title")]
    assert titles == sorted([written.title, reviewed.title], key=titles.index)
    assert set(titles) == {"Written", "Reviewed"}
    assert text_of(page.h1) == "Mei Chen"
    assert text_of(page.select_one(".person-credentials")) == "PhD, immunologist"
    assert text_of(page.select_one(".person-avatar")) == "MC"
    assert page.find("a", href="https://orcid.org/0000-0002-1825-0097") is not None


def test_profile_pages_are_paginated(author):
    for n in range(12):
        make_article(author=author, published_at=timezone.now() - timedelta(hours=n + 1))
    first = html(Client().get(author.get_absolute_url()))
    second = html(Client().get(author.get_absolute_url() + "?page=2"))
    assert len(first.select(".article-summary")) == 10
    assert len(second.select(".article-summary")) == 2


def test_a_person_credited_on_no_published_article_has_no_page():
    person = make_person("Not Yet")
    make_article(author=person, status=Article.Status.DRAFT, published_at=None)
    assert Client().get(person.get_absolute_url()).status_code == 404
    assert Client().get(reverse("articles:person", args=["nobody"])).status_code == 404


def test_a_persons_user_account_finds_their_person():
    editor = make_user(is_staff=True)
    person = make_person("Edie", user=editor)
    assert Person.objects.for_user(editor).get() == person
    assert editor.person == person
    assert not Person.objects.for_user(make_user()).exists()


# --- Sitemap --------------------------------------------------------------------------------


def test_sitemap_lastmod_is_the_latest_of_update_and_review(author, reviewer, settings):
    settings.PAGE_CACHE_SECONDS = 0  # rows are changed below without the signals that purge
    old = timezone.now() - timedelta(days=100)
    article = make_article(author=author, published_at=old)
    Article.objects.filter(pk=article.pk).update(content_changed_at=old)
    lastmods = _sitemap_lastmods()
    assert lastmods[article.get_absolute_url()] == old.date().isoformat()
    reviewed_on = timezone.localdate() - timedelta(days=3)
    Article.objects.filter(pk=article.pk).update(reviewer=reviewer, reviewed_on=reviewed_on)
    assert _sitemap_lastmods()[article.get_absolute_url()] == reviewed_on.isoformat()


def _sitemap_lastmods():
    root = xml(Client().get(reverse("sitemap")))
    return {
        url.find("sm:loc", SITEMAP_NS).text.removeprefix("http://testserver"): url.find(
            "sm:lastmod", SITEMAP_NS
        ).text
        for url in root.findall("sm:url", SITEMAP_NS)
        if url.find("sm:lastmod", SITEMAP_NS) is not None
    }


def test_a_citation_carrying_markup_cannot_add_script_to_the_page(author):
    article = make_article(author=author, body="Claim[^x].")
    make_reference(
        article,
        "x",
        citation='Smith <script>alert(1)</script><a href="javascript:alert(2)">J</a> 2020.',
    )
    article.refresh_from_db()
    assert "<script" not in article.references_html
    assert "javascript:" not in article.references_html
    assert "Smith" in article.references_html


def test_deleting_an_editors_account_keeps_their_person_unlinked():
    editor = make_user(is_staff=True)
    person = make_person("Left Us", user=editor)
    make_article(author=person)
    editor.delete()
    person.refresh_from_db()
    assert (person.name, person.user) == ("Left Us", None)


def test_an_imported_article_keeps_the_content_changed_time_it_was_given(author):
    changed = timezone.now() - timedelta(days=40)
    article = make_article(
        author=author,
        published_at=timezone.now() - timedelta(days=90),
        content_changed_at=changed,
    )
    assert Article.objects.get(pk=article.pk).content_changed_at == changed
