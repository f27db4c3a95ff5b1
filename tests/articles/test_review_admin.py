"""Editors add reviewers, references and corrections in the admin (as Editors, not superusers)."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, MedicalDisclaimer, Person
from tests.articles.helpers import html, json_ld_document, text_of
from tests.articles.people_helpers import change_form_data, change_url
from tests.factories import make_article, make_correction, make_person, make_reference

TOPALIAN = {
    "key": "topalian2012",
    "citation": "Topalian SL, et al. Safety, activity, and immune correlates of anti-PD-1 "
    "antibody in cancer. N Engl J Med. 2012;366:2443-54.",
    "doi": "https://doi.org/10.1056/NEJMoa1200690",
    "pmid": "PMID: 22658127",
    "url": "",
}
JUNE = {
    "key": "june2018",
    "citation": "June CH, et al. CAR T cell immunotherapy for human cancer. Science. 2018.",
    "doi": "10.1126/science.aar6711",
    "pmid": "",
    "url": "",
}


@pytest.fixture
def reviewer(db):
    return make_person("Rita Reviewer", credentials="MD, medical oncologist")


@pytest.fixture
def article(db):
    return make_article(body="## Checkpoints\n\nPD-1 blockade works[^topalian2012].\n")


def post(editor_client, article, **kwargs):
    return editor_client.post(change_url(article), change_form_data(article, **kwargs))


def plain(element):
    """Text as it reads on the page (no spaces added between inline elements)."""
    return " ".join(element.get_text().split())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_editor_adds_a_reviewer_and_references_and_the_page_shows_them(
    editor_client, client, article, reviewer, django_capture_on_commit_callbacks
):
    client.get(article.get_absolute_url())  # cached before the change
    body = "## Checkpoints\n\nCAR-T[^june2018] and PD-1[^topalian2012], again[^june2018].\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            editor_client,
            article,
            body=body,
            reviewer=reviewer.pk,
            reviewed_on="2026-03-02",
            references=[TOPALIAN, JUNE],
        )
    assert response.status_code == 302, html(response).select(".errorlist")

    page = html(client.get(article.get_absolute_url()))
    review = plain(page.select_one(".medical-review"))
    assert review == "Medically reviewed by Rita Reviewer, MD, medical oncologist, on March 2, 2026"
    items = page.select(".article-references li")
    assert [item["id"] for item in items] == ["fn:june2018", "fn:topalian2012"]
    assert [marker.text for marker in page.select(".article-body .footnote-ref")] == ["1", "2", "1"]
    document = json_ld_document(client.get(article.get_absolute_url()))
    web_page, posting = document["@graph"]
    assert web_page["reviewedBy"]["name"] == "Rita Reviewer"
    assert web_page["lastReviewed"] == "2026-03-02"
    assert [c["sameAs"] for c in posting["citation"]] == [
        "https://doi.org/10.1126/science.aar6711",
        "https://doi.org/10.1056/NEJMoa1200690",
    ]


def test_a_pasted_doi_link_and_pmid_label_are_stored_as_bare_identifiers(editor_client, article):
    post(editor_client, article, references=[TOPALIAN])
    reference = article.references.get()
    assert (reference.doi, reference.pmid) == ("10.1056/NEJMoa1200690", "22658127")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "10.10/x", "Enter a DOI such as 10.1056/NEJMoa1200690"),
        ("doi", "not a doi", "Enter a DOI such as 10.1056/NEJMoa1200690"),
        ("pmid", "12345678901", "Enter a PubMed ID: a number of up to 8 digits"),
        ("pmid", "abc", "Enter a PubMed ID: a number of up to 8 digits"),
        ("key", "has space", "Use letters, digits, - and _ only"),
    ],
)
def test_a_malformed_identifier_gets_a_clear_message_and_nothing_typed_is_lost(
    editor_client, article, field, value, message
):
    response = post(editor_client, article, references=[{**TOPALIAN, field: value}])
    assert response.status_code == 200
    page = html(response)
    assert message in text_of(page.select_one(".inline-group .errorlist"))
    assert page.find(attrs={"name": f"references-0-{field}"})["value"] == value
    assert not article.references.exists()


def test_a_citation_of_an_unknown_key_is_refused_with_the_key_named(editor_client, article):
    typed = "## Checkpoints\n\nNew claim[^nobody].\n"
    response = post(editor_client, article, body=typed)
    assert response.status_code == 200
    page = html(response)
    assert "The text cites [^nobody], but no reference below has that key" in text_of(page)
    assert page.find("textarea", attrs={"name": "body"}).text.strip() == typed.strip()
    assert Article.objects.get(pk=article.pk).body != typed


def test_a_marker_inside_code_is_not_a_citation(editor_client, article):
    body = "## Markers\n\nWrite `[^key]` to cite.[^topalian2012]\n"
    response = post(editor_client, article, body=body, references=[TOPALIAN])
    assert response.status_code == 302


def test_a_reference_the_text_does_not_cite_is_saved_with_a_warning(editor_client, article):
    response = post(editor_client, article, references=[TOPALIAN, JUNE])
    assert response.status_code == 302
    assert "Not cited in the text, so not listed on the page: [^june2018]." in messages_of(response)
    assert Article.objects.get(pk=article.pk).cited_keys == ["topalian2012"]


def test_two_references_with_one_key_are_refused(editor_client, article):
    response = post(editor_client, article, references=[TOPALIAN, {**JUNE, "key": "topalian2012"}])
    assert response.status_code == 200
    assert "Please correct the duplicate data for key" in text_of(html(response))


def test_references_beyond_the_bound_are_refused(editor_client, article):
    rows = [{**JUNE, "key": f"k{n}"} for n in range(101)]
    response = post(editor_client, article, references=rows)
    assert response.status_code == 200
    assert "Please submit at most 100 forms." in text_of(html(response))


def test_a_review_needs_both_the_reviewer_and_the_date(editor_client, article, reviewer):
    response = post(editor_client, article, reviewer=reviewer.pk, references=[TOPALIAN])
    assert response.status_code == 200
    assert "A medical review needs both the reviewer and the date of review." in text_of(
        html(response)
    )


def test_deleting_a_reference_in_the_inline_renumbers_the_page(
    editor_client, client, django_capture_on_commit_callbacks
):
    article = make_article(body="A[^a] B[^b].")
    first, second = make_reference(article, "a"), make_reference(article, "b")
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            editor_client,
            article,
            body="B[^b].",
            references=[
                {"id": first.pk, "key": "a", "citation": first.citation, "DELETE": "on"},
                {"id": second.pk, "key": "b", "citation": second.citation},
            ],
        )
    assert response.status_code == 302
    page = html(client.get(article.get_absolute_url()))
    assert [item["id"] for item in page.select(".article-references li")] == ["fn:b"]
    assert text_of(page.select_one(".footnote-ref")) == "1"


def test_a_correction_added_inline_is_listed_and_dates_the_update(
    editor_client, client, article, django_capture_on_commit_callbacks
):
    before = Article.objects.get(pk=article.pk).content_changed_at
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            editor_client,
            article,
            references=[TOPALIAN],
            corrections=[{"noted_on": "2026-04-01", "text": "The trial size was 296, not 290."}],
        )
    assert response.status_code == 302
    page = html(client.get(article.get_absolute_url()))
    assert plain(page.select_one(".corrections-log li")) == (
        "April 1, 2026: The trial size was 296, not 290."
    )
    assert Article.objects.get(pk=article.pk).content_changed_at > before


def test_saving_without_changing_the_text_keeps_the_update_time(editor_client, article):
    make_reference(article, "topalian2012")
    before = Article.objects.get(pk=article.pk).content_changed_at
    reference = article.references.get()
    response = post(
        editor_client,
        article,
        allow_comments=False,
        references=[{"id": reference.pk, "key": reference.key, "citation": reference.citation}],
    )
    assert response.status_code == 302
    after = Article.objects.get(pk=article.pk)
    assert (after.allow_comments, after.content_changed_at) == (False, before)


# --- Review due, mark as reviewed --------------------------------------------------


@pytest.fixture
def reviewed(db, reviewer):
    today = timezone.localdate()
    return {
        "recent": make_article(title="Recent", reviewer=reviewer, reviewed_on=today),
        "old": make_article(
            title="Old", reviewer=reviewer, reviewed_on=today - timedelta(days=400)
        ),
        "never": make_article(title="Never"),
    }


def changelist_titles(response):
    """The titles listed, leaving out the seeded article (never reviewed: always due)."""
    cells = html(response).select("#result_list th.field-title")
    return sorted(text_of(cell) for cell in cells if text_of(cell) in {"Recent", "Old", "Never"})


@pytest.mark.parametrize(
    ("choice", "titles"),
    [("due", ["Never", "Old"]), ("never", ["Never"]), ("current", ["Recent"])],
)
def test_review_filter_finds_what_is_due(editor_client, reviewed, choice, titles):
    response = editor_client.get(reverse("admin:articles_article_changelist"), {"review": choice})
    assert changelist_titles(response) == titles


def test_review_due_age_follows_the_setting(editor_client, reviewed, settings):
    settings.ARTICLE_REVIEW_DUE_MONTHS = 24
    response = editor_client.get(reverse("admin:articles_article_changelist"), {"review": "due"})
    assert changelist_titles(response) == ["Never"]


def test_review_due_column_shows_when_each_review_falls_due(editor_client, reviewed):
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    cells = {
        text_of(row.select_one("th.field-title")): text_of(row.select_one("td.field-review_due"))
        for row in html(response).select("#result_list tbody tr")
    }
    old_due = reviewed["old"].reviewed_on
    assert cells["Never"] == "Never reviewed"
    assert cells["Old"].startswith("Due since ")
    assert str(old_due.year + 1) in cells["Old"]
    assert not cells["Recent"].startswith("Due")


def test_mark_as_reviewed_today_dates_the_review_and_skips_articles_without_a_reviewer(
    editor_client, client, reviewed, django_capture_on_commit_callbacks
):
    old = reviewed["old"]
    client.get(old.get_absolute_url())
    changed_at = Article.objects.get(pk=old.pk).content_changed_at
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "mark_reviewed_today",
                "_selected_action": [str(old.pk), str(reviewed["never"].pk)],
            },
            follow=True,
        )
    today = timezone.localdate()
    assert Article.objects.get(pk=old.pk).reviewed_on == today
    assert Article.objects.get(pk=reviewed["never"].pk).reviewed_on is None
    assert Article.objects.get(pk=old.pk).content_changed_at == changed_at
    text = text_of(html(response))
    assert "Marked 1 article(s) as reviewed today." in text
    assert "No medical reviewer yet, so not marked: Never." in text
    page = html(client.get(old.get_absolute_url()))
    assert today.strftime("%B") in text_of(page.select_one(".medical-review"))


def test_a_reader_of_the_list_cannot_mark_reviews(client, reviewed):
    from tests.factories import make_user

    client.force_login(make_user(is_staff=True))
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "mark_reviewed_today", "_selected_action": [str(reviewed["old"].pk)]},
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=reviewed["old"].pk).reviewed_on != timezone.localdate()


# --- People and the disclaimer ------------------------------------------------------


def test_editor_adds_a_person(editor_client):
    response = editor_client.post(
        reverse("admin:articles_person_add"),
        {
            "name": "Noor Haddad",
            "slug": "noor-haddad",
            "credentials": "MD, PhD",
            "bio": "Immunologist.",
            "profile_url": "https://orcid.org/0000-0002-1825-0097",
            "user": "",
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(slug="noor-haddad").credentials == "MD, PhD"


def test_a_person_rename_reaches_the_cached_pages_of_their_articles(
    editor_client, client, article, django_capture_on_commit_callbacks
):
    author = article.author
    assert "Ada Writer" in text_of(
        html(client.get(article.get_absolute_url())).select_one(".byline")
    )
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:articles_person_change", args=[author.pk]),
            {
                "name": "Ada Lovelace",
                "slug": author.slug,
                "credentials": "RN",
                "bio": "",
                "profile_url": "",
                "user": "",
            },
        )
    byline = plain(html(client.get(article.get_absolute_url())).select_one(".byline"))
    assert "By Ada Lovelace, RN" in byline


def test_a_person_credited_on_an_article_cannot_be_deleted(editor_client, article):
    response = editor_client.post(
        reverse("admin:articles_person_delete", args=[article.author_id]), {"post": "yes"}
    )
    assert "Cannot delete person" in text_of(html(response))
    assert Person.objects.filter(pk=article.author_id).exists()


def test_editor_changes_the_disclaimer_and_every_article_page_shows_it(
    editor_client, client, article, django_capture_on_commit_callbacks
):
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_medicaldisclaimer_change", args=[1]),
            {"text": "Ask your oncologist.\n\nNot advice."},
        )
    assert response.status_code == 302
    aside = html(client.get(article.get_absolute_url())).select_one(".medical-disclaimer")
    assert [text_of(p) for p in aside.select("p")] == ["Ask your oncologist.", "Not advice."]


def test_the_disclaimer_is_never_added_twice_nor_deleted(editor_client, db):
    MedicalDisclaimer.load()
    assert editor_client.get(reverse("admin:articles_medicaldisclaimer_add")).status_code == 403
    delete = reverse("admin:articles_medicaldisclaimer_delete", args=[1])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert MedicalDisclaimer.objects.count() == 1


def test_editors_may_manage_people_references_and_corrections(editor):
    for model in ("person", "reference", "correction"):
        for action in ("add", "change", "delete", "view"):
            assert editor.has_perm(f"articles.{action}_{model}")
    assert editor.has_perm("articles.change_medicaldisclaimer")
    assert not editor.has_perm("articles.add_medicaldisclaimer")


def test_stock_bulk_delete_of_corrections_from_a_command_dates_the_update(db):
    article = make_article()
    make_correction(article, noted_on=date(2026, 1, 5))
    before = Article.objects.get(pk=article.pk).content_changed_at
    article.corrections.all().delete()
    assert Article.objects.get(pk=article.pk).content_changed_at > before


def test_a_reference_link_must_be_a_web_address(editor_client, article):
    response = post(editor_client, article, references=[{**TOPALIAN, "url": "ftp://example.org/x"}])
    assert response.status_code == 200
    assert "Enter a valid URL." in text_of(html(response).select_one(".inline-group .errorlist"))


def test_corrections_beyond_the_bound_are_refused(editor_client, article):
    rows = [{"noted_on": "2026-01-01", "text": f"Fix {n}."} for n in range(51)]
    response = post(editor_client, article, references=[TOPALIAN], corrections=rows)
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in text_of(html(response))
    assert not article.corrections.exists()
