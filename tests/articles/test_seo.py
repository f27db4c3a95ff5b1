"""What search engines and link previews read from the article page."""

import json
from datetime import datetime

import pytest
from django.urls import reverse

from articles import jsonld
from tests.articles.helpers import (
    html,
    json_ld,
    json_ld_document,
    json_ld_scripts,
    meta_content,
    text_of,
)
from tests.factories import make_article, make_person, make_tag

HOSTILE_TITLE = 'He said "hi" </script><script>alert(1)</script>'


@pytest.fixture
def article(db):
    return make_article(
        title="Checkpoint inhibitors, explained",
        excerpt="How PD-1 blockers release the brakes on T cells.",
        meta_description="A plain-language guide to checkpoint inhibitors and their side effects.",
        seo_keywords=["checkpoint inhibitors", "PD-1", "immunotherapy side effects"],
        author=make_person("Tasuku Honjo"),
        tags=[make_tag("Cancer research"), make_tag("Antibodies")],
    )


@pytest.fixture
def response(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response


@pytest.fixture
def page(response):
    return html(response)


@pytest.fixture
def canonical(article):
    return "http://testserver" + article.get_absolute_url()


def test_title_element_names_the_article_and_the_site(page, article):
    assert page.title.string == f"{article.title} – Immunoblog"


def test_meta_description_is_the_articles_meta_description(page, article):
    assert meta_content(page, name="description") == article.meta_description


def test_meta_description_falls_back_to_the_excerpt(client, db):
    article = make_article(excerpt="A short summary.", meta_description="")
    page = html(client.get(article.get_absolute_url()))
    assert meta_content(page, name="description") == "A short summary."


def test_page_has_exactly_one_meta_description(page):
    assert len(page.find_all("meta", attrs={"name": "description"})) == 1


def test_meta_keywords_join_the_seo_keywords_with_commas(page):
    expected = "checkpoint inhibitors, PD-1, immunotherapy side effects"
    assert meta_content(page, name="keywords") == expected


def test_article_without_seo_keywords_has_no_meta_keywords(client, db):
    article = make_article(seo_keywords=[])
    page = html(client.get(article.get_absolute_url()))
    assert page.find("meta", attrs={"name": "keywords"}) is None


def test_canonical_url_is_the_absolute_article_url(page, canonical):
    (link,) = page.find_all("link", rel="canonical")
    assert link["href"] == canonical


def test_canonical_url_ignores_the_query_string(client, article, canonical):
    page = html(client.get(article.get_absolute_url(), {"utm_source": "newsletter"}))
    assert page.find("link", rel="canonical")["href"] == canonical


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("og:type", "article"),
        ("og:site_name", "Immunoblog"),
        ("og:title", "Checkpoint inhibitors, explained"),
        (
            "og:description",
            "A plain-language guide to checkpoint inhibitors and their side effects.",
        ),
    ],
)
def test_open_graph_tags_describe_the_article(page, prop, expected):
    assert meta_content(page, property=prop) == expected


def test_open_graph_url_is_the_canonical_url(page, canonical):
    assert meta_content(page, property="og:url") == canonical


def test_open_graph_article_times_are_the_publication_and_update_times(page, article):
    assert meta_content(page, property="article:published_time") == (
        article.published_at.isoformat()
    )
    assert (
        meta_content(page, property="article:modified_time")
        == article.content_changed_at.isoformat()
    )


def test_open_graph_article_tags_are_the_articles_tags(page):
    tags = [tag["content"] for tag in page.find_all("meta", property="article:tag")]
    assert tags == ["Antibodies", "Cancer research"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("twitter:card", "summary"),
        ("twitter:title", "Checkpoint inhibitors, explained"),
        (
            "twitter:description",
            "A plain-language guide to checkpoint inhibitors and their side effects.",
        ),
    ],
)
def test_twitter_card_tags_describe_the_article(page, name, expected):
    assert meta_content(page, name=name) == expected


@pytest.mark.parametrize(
    ("feed_type", "url_name"),
    [("application/rss+xml", "articles:feed"), ("application/atom+xml", "articles:feed_atom")],
)
def test_page_head_links_to_the_site_feeds(page, feed_type, url_name):
    hrefs = [link["href"] for link in page.head.find_all("link", rel="alternate", type=feed_type)]
    assert reverse(url_name) in hrefs


def test_page_head_links_to_the_articles_comments_feed(page, article):
    url = reverse("comments:feed", kwargs={"slug": article.slug})
    hrefs = [link["href"] for link in page.head.find_all("link", rel="alternate")]
    assert url in hrefs


def test_article_page_may_be_indexed(page):
    assert page.find("meta", attrs={"name": "robots"}) is None


# --- JSON-LD ------------------------------------------------------------------


def test_json_ld_is_a_medical_web_page_whose_main_entity_is_the_blog_posting(response):
    document = json_ld_document(response)
    assert document["@context"] == "https://schema.org"
    page, posting = document["@graph"]
    assert (page["@type"], posting["@type"]) == ("MedicalWebPage", "BlogPosting")
    assert page["mainEntity"] == {"@id": posting["@id"]}


def test_json_ld_headline_is_the_title(response, article):
    assert json_ld(response)["headline"] == article.title


def test_json_ld_points_at_the_canonical_url(response, canonical):
    data = json_ld(response)
    assert (data["url"], data["mainEntityOfPage"]) == (canonical, {"@id": canonical})
    assert json_ld_document(response)["@graph"][0]["@id"] == canonical


def test_json_ld_dates_are_the_publication_and_update_times(response, article):
    data = json_ld(response)
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert datetime.fromisoformat(data["dateModified"]) == article.content_changed_at


def test_json_ld_author_is_the_author_with_their_profile_page(response, article):
    profile = "http://testserver" + article.author.get_absolute_url()
    assert json_ld(response)["author"] == {
        "@type": "Person",
        "@id": f"{profile}#person",
        "name": "Tasuku Honjo",
        "url": profile,
    }


def test_json_ld_keywords_are_the_seo_keywords_in_order(response):
    assert json_ld(response)["keywords"] == [
        "checkpoint inhibitors",
        "PD-1",
        "immunotherapy side effects",
    ]


def test_json_ld_counts_no_comments_on_a_new_article(response):
    assert json_ld(response)["commentCount"] == 0


def test_json_ld_description_matches_the_meta_description(response, article):
    assert json_ld(response)["description"] == article.meta_description


# --- A title written to break out of the page ------------------------------------


@pytest.fixture
def hostile_response(client, db):
    article = make_article(title=HOSTILE_TITLE, slug="he-said-hi")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response


def test_hostile_title_leaves_exactly_one_json_ld_script(hostile_response):
    assert len(json_ld_scripts(html(hostile_response))) == 1


def test_hostile_title_json_ld_parses_with_the_title_as_headline(hostile_response):
    (script,) = json_ld_scripts(html(hostile_response))
    assert json.loads(script.string)["@graph"][1]["headline"] == HOSTILE_TITLE


def test_hostile_title_adds_no_executable_script(hostile_response):
    for script in html(hostile_response).find_all("script"):
        if script.get("type") == "application/ld+json":
            continue
        assert script["src"].startswith("/static/"), script
        assert not script.get_text().strip(), script


def test_hostile_title_is_shown_as_text(hostile_response):
    page = html(hostile_response)
    assert text_of(page.h1) == HOSTILE_TITLE
    assert page.title.string == f"{HOSTILE_TITLE} – Immunoblog"
    assert meta_content(page, property="og:title") == HOSTILE_TITLE


# --- Other pages --------------------------------------------------------------------


def test_home_page_title_is_the_site_name(client, db):
    assert html(client.get(reverse("articles:home"))).title.string == "Immunoblog"


def test_home_page_has_an_absolute_canonical_url(client, db):
    page = html(client.get(reverse("articles:home"), {"utm_source": "newsletter"}))
    assert page.find("link", rel="canonical")["href"] == "http://testserver/"


def test_an_older_home_page_is_canonical_to_itself(client, settings, db):
    for n in range(settings.ARTICLES_PER_PAGE):
        make_article(title=f"Filler {n}")
    page = html(client.get(reverse("articles:home"), {"page": 2}))
    assert page.find("link", rel="canonical")["href"] == "http://testserver/?page=2"


def test_privacy_page_has_an_absolute_canonical_url(client, db):
    page = html(client.get(reverse("comments:privacy")))
    expected = "http://testserver" + reverse("comments:privacy")
    assert page.find("link", rel="canonical")["href"] == expected


def test_tag_page_has_an_absolute_canonical_url(client, seed_article):
    tag = seed_article.tags.get(slug="cancer")
    page = html(client.get(tag.get_absolute_url()))
    assert (
        page.find("link", rel="canonical")["href"] == "http://testserver" + tag.get_absolute_url()
    )


def test_json_ld_can_neither_close_its_script_nor_open_a_comment():
    text = 'He wrote </script><script>alert(1)</script> & <!-- "quotes" -->'
    dumped = jsonld.dumps({"text": text})
    assert not any(danger in dumped for danger in ("<", ">", "&"))
    assert json.loads(dumped) == {"text": text}
