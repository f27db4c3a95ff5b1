"""RSS, Atom and the sitemap."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.feeds import FEED_SIZE
from articles.models import Article, Tag
from tests.articles.helpers import ATOM_NS, SITEMAP_NS, html, sitemap_locations, xml
from tests.factories import make_article, make_person, make_tag

ABSOLUTE = "http://testserver"


@pytest.fixture
def articles(db, seed_article):
    """Two new articles, oldest first, after the seed article."""
    tag = make_tag("T cells", slug="t-cells")
    return [
        make_article(
            title=f"Feed story {n}",
            published_at=timezone.now() - timedelta(hours=3 - n),
            tags=[tag],
        )
        for n in (1, 2)
    ]


@pytest.fixture
def rss(client, articles):
    response = client.get(reverse("articles:feed"))
    assert response.status_code == 200
    return xml(response)


@pytest.fixture
def atom(client, articles):
    response = client.get(reverse("articles:feed_atom"))
    assert response.status_code == 200
    return xml(response)


# --- RSS --------------------------------------------------------------------


def test_rss_feed_is_an_rss_document(client, articles):
    response = client.get(reverse("articles:feed"))
    assert response["Content-Type"].startswith("application/rss+xml")
    root = xml(response)
    assert (root.tag, root.get("version")) == ("rss", "2.0")


def test_rss_feed_lists_published_articles_newest_first(rss, articles, seed_article):
    titles = [title.text for title in rss.findall("channel/item/title")]
    assert titles == ["Feed story 2", "Feed story 1", seed_article.title]


def test_rss_items_link_to_the_absolute_article_urls(rss, articles):
    links = [link.text for link in rss.findall("channel/item/link")]
    assert links[:2] == [ABSOLUTE + article.get_absolute_url() for article in reversed(articles)]


def test_rss_items_carry_their_tags_as_categories(rss, seed_article):
    items = rss.findall("channel/item")
    assert [category.text for category in items[0].findall("category")] == ["T cells"]
    seed_categories = {category.text for category in items[-1].findall("category")}
    assert seed_categories == {tag.name for tag in seed_article.tags.all()}


def test_rss_items_carry_the_publication_date(rss, articles):
    pub_date = rss.find("channel/item/pubDate").text
    assert parsedate_to_datetime(pub_date) == articles[-1].published_at.replace(microsecond=0)


def test_rss_items_describe_the_article_with_its_excerpt(rss, articles):
    assert rss.find("channel/item/description").text == articles[-1].excerpt


def test_rss_channel_names_the_site_and_links_home(rss):
    channel = rss.find("channel")
    assert channel.find("title").text == "Immunoblog"
    assert channel.find("link").text == ABSOLUTE + reverse("articles:home")


def test_rss_feed_holds_the_latest_articles_only(client, db):
    author = make_person()
    for n in range(FEED_SIZE + 1):
        make_article(author=author, published_at=timezone.now() - timedelta(minutes=n + 1))
    items = xml(client.get(reverse("articles:feed"))).findall("channel/item")
    assert len(items) == FEED_SIZE


def test_rss_feed_costs_the_same_queries_however_many_articles_it_lists(client, articles):
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("articles:feed"))
    tag = make_tag()
    for _ in range(5):
        make_article(tags=[tag])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("articles:feed"))
    assert len(many) == len(few)


# --- Atom -------------------------------------------------------------------


def test_atom_feed_is_an_atom_document(client, articles):
    response = client.get(reverse("articles:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert xml(response).tag == "{http://www.w3.org/2005/Atom}feed"


def test_atom_feed_lists_published_articles_newest_first(atom, seed_article):
    titles = [title.text for title in atom.findall("atom:entry/atom:title", ATOM_NS)]
    assert titles == ["Feed story 2", "Feed story 1", seed_article.title]


def test_atom_entries_carry_their_tags_as_categories(atom):
    entry = atom.find("atom:entry", ATOM_NS)
    assert [c.get("term") for c in entry.findall("atom:category", ATOM_NS)] == ["T cells"]


def test_atom_entries_link_to_the_absolute_article_urls(atom, articles):
    link = atom.find("atom:entry/atom:link", ATOM_NS)
    assert link.get("href") == ABSOLUTE + articles[-1].get_absolute_url()


def test_atom_entries_name_the_author(atom, articles):
    name = atom.find("atom:entry/atom:author/atom:name", ATOM_NS).text
    assert name == articles[-1].author_name


def test_atom_feed_links_to_itself(atom):
    self_link = atom.find("atom:link[@rel='self']", ATOM_NS)
    assert self_link.get("href") == ABSOLUTE + reverse("articles:feed_atom")


# --- Full text ----------------------------------------------------------------

CONTENT_NS = {"content": "http://purl.org/rss/1.0/modules/content/"}
LINKED_BODY = (
    "## One\n\nSee [the seed](/articles/seed/), [below](#one), [up](../) and "
    '[elsewhere](https://example.org/a?b=1&c=2 "A title with href=").\n\n'
    "![A T cell](/static/t-cell.png)\n\n<script>alert(1)</script>\n"
)


@pytest.fixture
def linked(db):
    return make_article(title="Linked story", slug="linked-story", body=LINKED_BODY)


def rss_item(client, title, url=None):
    feed = xml(client.get(url or reverse("articles:feed")))
    return next(item for item in feed.findall("channel/item") if item.findtext("title") == title)


def test_rss_items_carry_the_whole_sanitised_article(client, linked):
    content = rss_item(client, "Linked story").findtext("content:encoded", namespaces=CONTENT_NS)
    assert content.startswith('<h2 id="one">One</h2>')
    assert "<script" not in content
    assert "alert" not in content


def test_relative_links_in_the_full_text_become_absolute(client, linked):
    content = rss_item(client, "Linked story").findtext("content:encoded", namespaces=CONTENT_NS)
    soup = BeautifulSoup(content, "html.parser")
    page = ABSOLUTE + linked.get_absolute_url()
    assert [a["href"] for a in soup.find_all("a")] == [
        ABSOLUTE + "/articles/seed/",
        page + "#one",
        ABSOLUTE + "/articles/",
        "https://example.org/a?b=1&c=2",
    ]
    assert soup.find_all("a")[-1]["title"] == "A title with href="
    assert soup.img["src"] == ABSOLUTE + "/static/t-cell.png"


def test_atom_entries_carry_the_whole_article_as_html_content(client, linked):
    feed = xml(client.get(reverse("articles:feed_atom")))
    entry = next(
        entry
        for entry in feed.findall("atom:entry", ATOM_NS)
        if entry.findtext("atom:title", namespaces=ATOM_NS) == "Linked story"
    )
    content = entry.find("atom:content", ATOM_NS)
    assert content.get("type") == "html"
    soup = BeautifulSoup(content.text, "html.parser")
    assert soup.h2["id"] == "one"
    assert soup.img["src"] == ABSOLUTE + "/static/t-cell.png"
    assert entry.findtext("atom:summary", namespaces=ATOM_NS) == linked.excerpt


def test_the_excerpt_is_escaped_as_the_html_feed_readers_expect(client, db):
    make_article(title="Markup story", excerpt="Why <b> & <i> matter")
    description = rss_item(client, "Markup story").findtext("description")
    assert description == "Why &lt;b&gt; &amp; &lt;i&gt; matter"


# --- A feed per tag -------------------------------------------------------------


def tag_feed_url(slug):
    return reverse("articles:tag_feed", kwargs={"slug": slug})


def test_tag_feed_lists_that_tags_articles_newest_first(client, articles, seed_article):
    feed = xml(client.get(tag_feed_url("t-cells")))
    assert [title.text for title in feed.findall("channel/item/title")] == [
        "Feed story 2",
        "Feed story 1",
    ]
    channel = feed.find("channel")
    assert channel.findtext("title") == "Immunoblog: articles tagged “T cells”"
    assert channel.findtext("link") == ABSOLUTE + reverse("articles:tag", args=["t-cells"])


def test_tag_feed_carries_the_full_text(client, articles):
    item = xml(client.get(tag_feed_url("t-cells"))).find("channel/item")
    assert item.findtext("content:encoded", namespaces=CONTENT_NS) == articles[-1].body_html


def test_tag_feed_holds_the_latest_articles_only(client, db):
    tag, author = make_tag(), make_person()
    for n in range(FEED_SIZE + 1):
        make_article(author=author, tags=[tag], published_at=timezone.now() - timedelta(hours=n))
    assert len(xml(client.get(tag_feed_url(tag.slug))).findall("channel/item")) == FEED_SIZE


def test_unknown_tag_feed_is_404(client, db):
    assert client.get(tag_feed_url("no-such-tag")).status_code == 404


# --- Announced where they belong --------------------------------------------------


def alternates(client, url):
    soup = html(client.get(url))
    return {link["href"]: link["type"] for link in soup.select("head link[rel=alternate]")}


SITE_FEEDS = {
    "/feed/": "application/rss+xml",
    "/feed/atom/": "application/atom+xml",
    "/comments/feed/": "application/rss+xml",
}


def test_home_page_announces_the_site_feeds(client, articles):
    assert alternates(client, reverse("articles:home")) == SITE_FEEDS


def test_tag_page_announces_its_own_feed(client, articles):
    found = alternates(client, reverse("articles:tag", args=["t-cells"]))
    assert found == {**SITE_FEEDS, "/tag/t-cells/feed/": "application/rss+xml"}


def test_article_page_announces_its_comments_feed(client, seed_article):
    found = alternates(client, seed_article.get_absolute_url())
    assert found == {**SITE_FEEDS, f"/comments/feed/{seed_article.slug}/": "application/rss+xml"}


@pytest.mark.parametrize("page", ["home", "tag", "article"])
def test_every_announced_feed_answers_with_its_type(client, articles, seed_article, page):
    url = {
        "home": reverse("articles:home"),
        "tag": reverse("articles:tag", args=["t-cells"]),
        "article": seed_article.get_absolute_url(),
    }[page]
    for href, kind in alternates(client, url).items():
        response = client.get(href)
        assert response.status_code == 200, href
        assert response["Content-Type"].startswith(kind), href


# --- Feeds are shared pages, refreshed by every change ------------------------------

FEED_URLS = ["/feed/", "/feed/atom/", "/tag/t-cells/feed/"]


def test_feeds_are_served_from_the_page_cache_the_second_time(articles, django_assert_num_queries):
    for url in FEED_URLS:
        first = Client().get(url)
        assert first["xkey"] == "articles site"
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert second.content == first.content


def feed_text(url):
    return Client().get(url).content.decode()


def change_and_read(change, capture):
    for url in FEED_URLS:
        feed_text(url)
    with capture(execute=True):
        change()
    return {url: feed_text(url) for url in FEED_URLS}


def test_saving_an_article_refreshes_every_feed(articles, django_capture_on_commit_callbacks):
    def change():
        articles[-1].title = "A retitled story"
        articles[-1].save()

    for url, text in change_and_read(change, django_capture_on_commit_callbacks).items():
        assert "A retitled story" in text, url


def test_deleting_an_article_refreshes_every_feed(articles, django_capture_on_commit_callbacks):
    found = change_and_read(articles[-1].delete, django_capture_on_commit_callbacks)
    for url, text in found.items():
        assert "Feed story 2" not in text, url


def test_renaming_a_tag_refreshes_its_feed(articles, django_capture_on_commit_callbacks):
    tag = Tag.objects.get(slug="t-cells")

    def change():
        tag.name = "T lymphocytes"
        tag.save()

    found = change_and_read(change, django_capture_on_commit_callbacks)
    assert "articles tagged “T lymphocytes”" in found["/tag/t-cells/feed/"]


def test_untagging_an_article_refreshes_its_tag_feed(articles, django_capture_on_commit_callbacks):
    tag = Tag.objects.get(slug="t-cells")
    found = change_and_read(
        lambda: articles[-1].tags.remove(tag), django_capture_on_commit_callbacks
    )
    assert "Feed story 2" not in found["/tag/t-cells/feed/"]
    assert "Feed story 1" in found["/tag/t-cells/feed/"]


def test_a_cached_feed_ends_when_the_next_scheduled_article_goes_public(articles, settings):
    settings.PAGE_CACHE_SHARED_MAX_AGE = 86400
    make_article(published_at=timezone.now() + timedelta(seconds=120), tags=articles[0].tag_list)
    for url in FEED_URLS:
        lifetime = int(Client().get(url)["Surrogate-Control"].removeprefix("max-age="))
        assert 100 < lifetime <= 120, url


# --- Sitemap ----------------------------------------------------------------


@pytest.fixture
def sitemap(client, articles):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    return response


def test_sitemap_is_a_sitemap_document(sitemap):
    assert xml(sitemap).tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"


def test_sitemap_lists_the_home_page(sitemap):
    assert ABSOLUTE + reverse("articles:home") in sitemap_locations(sitemap)


def test_sitemap_lists_every_published_article(sitemap, articles, seed_article):
    locations = sitemap_locations(sitemap)
    for article in [*articles, seed_article]:
        assert ABSOLUTE + article.get_absolute_url() in locations


def test_sitemap_lists_the_tags_of_published_articles(sitemap, seed_article):
    locations = sitemap_locations(sitemap)
    for tag in [*seed_article.tags.all(), Tag.objects.get(slug="t-cells")]:
        assert ABSOLUTE + tag.get_absolute_url() in locations


def test_sitemap_leaves_out_tags_no_article_carries(client, articles):
    unused = make_tag("Unused topic", slug="unused-topic")
    locations = sitemap_locations(client.get(reverse("sitemap")))
    assert ABSOLUTE + unused.get_absolute_url() not in locations


def test_sitemap_lists_the_profiles_of_people_credited_on_published_articles(
    client, articles, seed_article
):
    reviewer = make_person("Ana Ruiz")
    make_article(author=make_person("Kim Draft"), status="draft", published_at=None)
    reviewed = make_article(reviewer=reviewer, reviewed_on=timezone.localdate())
    locations = sitemap_locations(client.get(reverse("sitemap")))
    profiles = [location for location in locations if "/authors/" in location]
    credited = {reviewer, *(article.author for article in [*articles, seed_article, reviewed])}
    assert sorted(profiles) == sorted(ABSOLUTE + person.get_absolute_url() for person in credited)


def test_sitemap_lists_each_address_once(sitemap):
    locations = sitemap_locations(sitemap)
    assert len(locations) == len(set(locations))


def test_sitemap_urls_are_all_absolute(sitemap):
    assert all(location.startswith(ABSOLUTE + "/") for location in sitemap_locations(sitemap))


def test_sitemap_gives_each_article_its_last_modification_date(sitemap, articles):
    url = ABSOLUTE + articles[-1].get_absolute_url()
    for entry in xml(sitemap).findall("sm:url", SITEMAP_NS):
        if entry.find("sm:loc", SITEMAP_NS).text == url:
            lastmod = entry.find("sm:lastmod", SITEMAP_NS).text
            assert lastmod == articles[-1].updated_at.date().isoformat()
            return
    pytest.fail(f"{url} is not in the sitemap")


def test_atom_updated_follows_the_text_not_any_save(client, articles):
    article = articles[-1]
    Article.objects.filter(pk=article.pk).update(
        content_changed_at=timezone.now() - timedelta(days=2),
        published_at=timezone.now() - timedelta(days=3),
    )
    article.refresh_from_db()
    article.allow_comments = not article.allow_comments
    article.save()
    atom = xml(client.get(reverse("articles:feed_atom")))
    (updated,) = (
        entry.find("atom:updated", ATOM_NS).text
        for entry in atom.findall("atom:entry", ATOM_NS)
        if entry.find("atom:link", ATOM_NS).get("href").endswith(article.get_absolute_url())
    )
    assert updated.startswith(article.modified_at.isoformat()[:19])
    assert article.updated_at - article.modified_at > timedelta(days=1)
