"""Reader pages: home, article, tag, search, robots.txt and the error pages."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import MAX_QUERY_LENGTH, MAX_TERMS
from immunoblog.views import server_error
from tests.articles.helpers import html, listed_titles, text_of
from tests.factories import make_article, make_person, make_tag

PER_PAGE = settings.ARTICLES_PER_PAGE


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def long_date(moment):
    """How pages print a date: November 20, 2026."""
    return f"{moment:%B} {moment.day}, {moment.year}"


@pytest.fixture
def three_articles(db):
    """Oldest first; all newer than the seed article."""
    return [make_article(title=f"Story {n}", published_at=hours_ago(4 - n)) for n in (1, 2, 3)]


@pytest.fixture
def full_first_page(db):
    """Enough new articles to fill page one; the seed article is pushed to page two."""
    return [make_article(published_at=hours_ago(n + 1)) for n in range(PER_PAGE)]


# --- Home -------------------------------------------------------------------


def test_home_lists_published_articles_newest_first(client, three_articles, seed_article):
    response = client.get(reverse("articles:home"))
    assert listed_titles(response) == ["Story 3", "Story 2", "Story 1", seed_article.title]


def test_home_shows_each_articles_title_linked_to_its_page(client, three_articles):
    soup = html(client.get(reverse("articles:home")))
    link = soup.find("a", string="Story 2")
    assert link["href"] == three_articles[1].get_absolute_url()


def test_home_shows_each_articles_author_date_and_excerpt(client, db):
    article = make_article(
        title="Memory T cells",
        excerpt="How the immune system remembers.",
        author=make_person("Grace Hopper"),
    )
    soup = html(client.get(reverse("articles:home")))
    summary = soup.find(id=f"summary-{article.pk}").find_parent("article")
    assert text_of(summary.select_one(".author")) == "Grace Hopper"
    assert summary.time["datetime"] == article.published_at.isoformat(timespec="seconds")
    assert text_of(summary.time) == long_date(article.published_at)
    assert text_of(summary.select_one(".article-summary-excerpt")) == article.excerpt


def test_home_shows_each_articles_tags(client, db):
    tag = make_tag("Vaccines", slug="vaccines")
    article = make_article(tags=[tag])
    soup = html(client.get(reverse("articles:home")))
    summary = soup.find(id=f"summary-{article.pk}").find_parent("article")
    (link,) = summary.select(".tag-list a")
    assert (text_of(link), link["href"]) == ("Vaccines", tag.get_absolute_url())


def test_home_shows_one_page_of_articles(client, full_first_page, seed_article):
    titles = listed_titles(client.get(reverse("articles:home")))
    assert titles == [article.title for article in full_first_page]
    assert seed_article.title not in titles


def test_home_page_two_lists_the_older_articles(client, full_first_page, seed_article):
    response = client.get(reverse("articles:home"), {"page": 2})
    assert response.status_code == 200
    assert listed_titles(response) == [seed_article.title]


def test_home_links_to_the_next_page(client, full_first_page):
    soup = html(client.get(reverse("articles:home")))
    assert soup.find("a", rel="next")["href"] == "?page=2"


def test_home_page_two_links_back_to_page_one(client, full_first_page):
    soup = html(client.get(reverse("articles:home"), {"page": 2}))
    assert soup.find("a", rel="prev")["href"] == "?page=1"
    assert soup.find("a", rel="next") is None


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "2"])
def test_home_answers_a_page_that_does_not_exist_with_404(client, db, page):
    response = client.get(reverse("articles:home"), {"page": page})
    assert response.status_code == 404
    assert "Page not found" in text_of(html(response).h1)


def test_home_costs_the_same_queries_however_many_articles_it_lists(client, db):
    tags = [make_tag(), make_tag()]
    make_article(tags=tags)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("articles:home"))
    for _ in range(5):
        make_article(tags=tags, author=make_person())
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("articles:home"))
    assert len(few) > 0
    assert len(many) == len(few)


# --- Article page -------------------------------------------------------------


@pytest.fixture
def article(db):
    return make_article(
        title="Checkpoints explained",
        author=make_person("Katalin Kariko"),
        body="The words of the article. " * 138,  # 690 words: three minutes
        tags=[make_tag("Cancer research", slug="cancer-research")],
    )


@pytest.fixture
def article_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return html(response)


def test_article_page_shows_the_title(article_page, article):
    assert text_of(article_page.h1) == article.title


def test_article_page_byline_names_the_author(article_page):
    assert text_of(article_page.select_one(".byline .author")) == "Katalin Kariko"


def test_article_page_shows_the_publication_date(article_page, article):
    time = article_page.select_one(".byline time")
    assert time["datetime"] == article.published_at.isoformat(timespec="seconds")
    assert text_of(time) == long_date(article.published_at)


def test_article_page_shows_the_reading_time(article_page):
    assert "3 min read" in text_of(article_page.select_one(".byline"))


def test_reading_time_rounds_up_to_the_next_minute(client, db):
    article = make_article(body="word " * 691)
    soup = html(client.get(article.get_absolute_url()))
    assert "4 min read" in text_of(soup.select_one(".byline"))


def test_article_page_links_to_its_tags(article_page):
    links = article_page.select(".article-header .tag-list a")
    assert [(text_of(a), a["href"]) for a in links] == [
        ("Cancer research", reverse("articles:tag", kwargs={"slug": "cancer-research"}))
    ]


def test_table_of_contents_links_point_at_headings_of_the_body(client, seed_article):
    soup = html(client.get(seed_article.get_absolute_url()))
    body = soup.select_one(".article-body")
    targets = [a["href"] for a in soup.select("nav.toc a")]
    headings = body.find_all(["h2", "h3"])
    assert targets == [f"#{heading['id']}" for heading in headings]


def test_table_of_contents_entries_read_like_their_headings(client, seed_article):
    soup = html(client.get(seed_article.get_absolute_url()))
    for link in soup.select("nav.toc a"):
        assert text_of(link) == text_of(soup.find(id=link["href"][1:]))


def test_heading_ids_are_unique_on_the_page(client, seed_article):
    soup = html(client.get(seed_article.get_absolute_url()))
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_short_article_page_has_no_table_of_contents(article_page):
    assert article_page.select_one("nav.toc") is None


def test_article_page_links_to_the_previous_and_next_articles(client, three_articles):
    older, middle, newer = three_articles
    soup = html(client.get(middle.get_absolute_url()))
    previous, following = soup.find("a", rel="prev"), soup.find("a", rel="next")
    assert previous["href"] == older.get_absolute_url()
    assert older.title in text_of(previous)
    assert following["href"] == newer.get_absolute_url()
    assert newer.title in text_of(following)


def test_newest_article_has_no_next_link(client, three_articles):
    soup = html(client.get(three_articles[-1].get_absolute_url()))
    assert soup.find("a", rel="next") is None
    assert soup.find("a", rel="prev")["href"] == three_articles[1].get_absolute_url()


def test_oldest_article_has_no_previous_link(client, seed_article, three_articles):
    soup = html(client.get(seed_article.get_absolute_url()))
    assert soup.find("a", rel="prev") is None
    assert soup.find("a", rel="next")["href"] == three_articles[0].get_absolute_url()


def test_articles_published_at_the_same_moment_link_to_each_other(client, db):
    moment = hours_ago(1)
    first, second = make_article(published_at=moment), make_article(published_at=moment)
    soup = html(client.get(first.get_absolute_url()))
    assert soup.find("a", rel="next")["href"] == second.get_absolute_url()


def test_unknown_article_is_404(client, db):
    url = reverse("articles:detail", kwargs={"slug": "no-such-article"})
    assert client.get(url).status_code == 404


# --- Tag page -----------------------------------------------------------------


def test_tag_page_lists_the_published_articles_with_that_tag(client, db):
    tag = make_tag("Allergy shots", slug="allergy-shots")
    older = make_article(title="Pollen season", published_at=hours_ago(2), tags=[tag])
    newer = make_article(title="Dust mites", published_at=hours_ago(1), tags=[tag])
    make_article(title="Unrelated story")
    response = client.get(tag.get_absolute_url())
    assert listed_titles(response) == [newer.title, older.title]


def test_tag_page_names_the_tag(client, seed_article):
    tag = seed_article.tags.get(slug="car-t")
    soup = html(client.get(tag.get_absolute_url()))
    assert text_of(soup.h1) == "Articles tagged “CAR-T”"


def test_unknown_tag_is_404(client, db):
    url = reverse("articles:tag", kwargs={"slug": "no-such-tag"})
    assert client.get(url).status_code == 404


# --- Search -------------------------------------------------------------------


def search(client, query, **params):
    return client.get(reverse("articles:search"), {"q": query, **params})


def test_search_finds_an_article_by_its_title(client, db):
    article = make_article(title="Natural killer cells", body="Nothing else.")
    assert listed_titles(search(client, "killer")) == [article.title]


def test_search_finds_an_article_by_its_body(client, db):
    article = make_article(body="Interleukin-2 was among the first immunotherapies.")
    assert listed_titles(search(client, "interleukin")) == [article.title]


def test_search_finds_an_article_by_its_tag(client, db):
    article = make_article(body="Nothing here.", tags=[make_tag("Oncolytic viruses")])
    assert listed_titles(search(client, "oncolytic")) == [article.title]


def test_search_for_allergy_finds_the_immunotherapy_article_about_allergies(client, seed_article):
    assert listed_titles(search(client, "allergy")) == [seed_article.title]
    snippet = html(search(client, "allergy")).select_one(".search-snippet")
    assert "allergies" in [text_of(mark).lower() for mark in snippet.find_all("mark")]


def test_search_needs_every_word_to_match(client, db):
    make_article(title="Killer cells", body="Nothing else.")
    wanted = make_article(title="Killer cells and viruses", body="Nothing else.")
    assert listed_titles(search(client, "killer viruses")) == [wanted.title]


def test_search_leaves_out_articles_that_do_not_match(client, db):
    make_article(title="Antibodies", body="Nothing else.")
    response = search(client, "zebrafish")
    assert listed_titles(response) == []
    assert "Nothing matched your search" in text_of(html(response).main)


def test_search_results_say_how_many_were_found(client, seed_article):
    soup = html(search(client, "checkpoint"))
    assert text_of(soup.select_one(".result-count")) == "1 article found."


def test_search_results_are_paginated(client, db):
    for n in range(PER_PAGE + 1):
        make_article(title=f"Zebrafish study {n}", published_at=hours_ago(n + 1))
    first, second = search(client, "zebrafish"), search(client, "zebrafish", page=2)
    assert len(listed_titles(first)) == PER_PAGE
    assert listed_titles(second) == [f"Zebrafish study {PER_PAGE}"]


def test_search_pagination_links_keep_the_query(client, db):
    for n in range(PER_PAGE + 1):
        make_article(title=f"Zebrafish study {n}", published_at=hours_ago(n + 1))
    soup = html(search(client, "zebrafish study"))
    assert soup.find("a", rel="next")["href"] == "?q=zebrafish%20study&page=2"


def test_empty_search_shows_a_prompt(client, seed_article):
    response = client.get(reverse("articles:search"))
    assert response.status_code == 200
    soup = html(response)
    assert listed_titles(response) == []
    assert "Type a word or phrase" in text_of(soup.select_one(".empty"))


def test_blank_search_shows_the_prompt_not_every_article(client, seed_article):
    response = search(client, "   ")
    assert listed_titles(response) == []
    assert "Type a word or phrase" in text_of(html(response).select_one(".empty"))


def test_search_page_shows_what_was_searched_for(client, db):
    soup = html(search(client, "T cells"))
    assert text_of(soup.h1) == "Results for “T cells”"
    assert soup.find("input", id="search-q")["value"] == "T cells"


def notice_of(response):
    assert response.status_code == 200
    notice = html(response).select_one(".alert[role=status]")
    return notice and text_of(notice)


def test_very_long_search_is_shortened_with_a_notice(client, db):
    response = search(client, "x" * 10_000)
    assert notice_of(response) == (
        f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters."
    )


def test_search_with_many_words_uses_the_first_ones_with_a_notice(client, db):
    response = search(client, " ".join(f"word{n}" for n in range(50)))
    assert notice_of(response) == f"Only the first {MAX_TERMS} words of your search were used."


@pytest.mark.parametrize("query", ["check\x00point", "\x00", "checkpoint\x07\x1b[31m", "\x7f"])
def test_search_with_control_characters_is_answered_with_a_notice(client, seed_article, query):
    response = search(client, query)
    assert notice_of(response) == (
        "Characters that cannot be searched for were left out of your search."
    )


def test_search_with_control_characters_still_searches_the_rest(client, seed_article):
    response = search(client, "\x00checkpoint\x00")
    assert listed_titles(response) == [seed_article.title]


def test_ordinary_search_has_no_notice(client, seed_article):
    assert notice_of(search(client, "checkpoint inhibitors")) is None


def test_search_page_asks_search_engines_not_to_index_it(client, db):
    soup = html(search(client, "cancer"))
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow"


# --- robots.txt ---------------------------------------------------------------


def test_robots_txt_names_the_absolute_sitemap_url(client, db):
    response = client.get(reverse("robots_txt"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    sitemap_url = "http://testserver" + reverse("sitemap")
    assert f"Sitemap: {sitemap_url}" in response.content.decode().splitlines()


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_previews(client, db):
    lines = client.get(reverse("robots_txt")).content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines


# --- Error pages --------------------------------------------------------------


def test_missing_page_gets_the_friendly_404_page(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    soup = html(response)
    assert text_of(soup.h1) == "Page not found"
    assert soup.find("form", role="search")["action"] == reverse("articles:search")
    assert soup.find("a", string="Go to the latest articles")["href"] == reverse("articles:home")


def test_404_page_asks_search_engines_not_to_index_it(client, db):
    soup = html(client.get("/no/such/page/"))
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"


@pytest.fixture
def failing_client(settings):
    settings.ROOT_URLCONF = "tests.articles.error_urls"
    return Client(raise_request_exception=False)


def test_error_in_a_view_gets_the_friendly_500_page(failing_client, db):
    response = failing_client.get(reverse("test_bug"))
    assert response.status_code == 500
    soup = html(response)
    assert text_of(soup.h1) == "Something went wrong"
    assert "a bug in a view" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_unreachable_database_gets_the_503_page(failing_client, db):
    response = failing_client.get(reverse("test_database_down"))
    assert response.status_code == 503
    assert text_of(html(response).h1) == "Back in a moment"
    assert "could not connect" not in response.content.decode()


def test_503_page_tells_clients_when_to_retry_and_not_to_store_it(failing_client, db):
    response = failing_client.get(reverse("test_database_down"))
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


def test_server_error_handler_without_a_database_error_answers_500(rf):
    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.parametrize("change", ["renamed", "unpublished"])
def test_the_previous_and_next_links_follow_a_neighbour_at_once(
    client, seed_article, three_articles, change
):
    """The links are kept in the shared cache until an article changes."""
    older, middle, _ = three_articles
    client.get(middle.get_absolute_url())
    with TestCase.captureOnCommitCallbacks(execute=True):
        if change == "renamed":
            older.title = "A new title for the older article"
        else:
            older.status = Article.Status.DRAFT
        older.save()
    previous = html(Client().get(middle.get_absolute_url())).find("a", rel="prev")
    if change == "renamed":
        assert "A new title for the older article" in text_of(previous)
    else:
        assert previous["href"] == seed_article.get_absolute_url()


# HTML's valid date, or date and time to the second (a fraction has at most three digits).
HTML_DATETIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?")


def test_datetime_attributes_are_valid_html_for_times_saved_with_microseconds(client, db):
    article = make_article(
        published_at=timezone.now().replace(microsecond=123456) - timedelta(days=3)
    )
    article.body += "\nA later paragraph.\n"
    article.save()  # its update time, now, carries microseconds as an admin save's does
    for url in [reverse("articles:home"), article.get_absolute_url()]:
        values = [time["datetime"] for time in html(client.get(url)).find_all("time")]
        assert values, url
        assert [value for value in values if not HTML_DATETIME.fullmatch(value)] == [], url
