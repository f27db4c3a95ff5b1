"""RSS, Atom and the sitemap."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.feeds import FEED_SIZE
from articles.models import Tag
from tests.articles.helpers import ATOM_NS, SITEMAP_NS, sitemap_locations, xml
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
