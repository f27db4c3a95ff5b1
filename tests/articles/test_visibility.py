"""Drafts and scheduled articles stay out of every public page until they are public."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tests.articles.helpers import (
    ATOM_NS,
    html,
    listed_titles,
    sitemap_locations,
    text_of,
    xml,
)
from tests.factories import make_article, make_comment, make_user


@pytest.fixture
def published_neighbour(db, hidden_tag):
    """A public article beside the hidden one: same tag, same search words."""
    return make_article(
        title="Published note on zebrafish immunity",
        body="## Zebrafish\n\nA published note about zebrafish immunity.\n",
        published_at=timezone.now() - timedelta(hours=1),
        tags=[hidden_tag],
    )


def test_hidden_article_is_missing_from_the_home_page(client, hidden_article):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    assert hidden_article.title not in listed_titles(response)


def test_hidden_article_is_missing_from_its_tag_page(
    client, hidden_article, hidden_tag, published_neighbour
):
    titles = listed_titles(client.get(hidden_tag.get_absolute_url()))
    assert titles == [published_neighbour.title]


def test_hidden_article_is_missing_from_search_results(client, hidden_article, published_neighbour):
    titles = listed_titles(client.get(reverse("articles:search"), {"q": "zebrafish"}))
    assert titles == [published_neighbour.title]


def test_hidden_article_is_missing_from_the_rss_feed(client, hidden_article, published_neighbour):
    feed = xml(client.get(reverse("articles:feed")))
    titles = [title.text for title in feed.findall("channel/item/title")]
    assert published_neighbour.title in titles
    assert hidden_article.title not in titles


def test_hidden_article_is_missing_from_the_atom_feed(client, hidden_article, published_neighbour):
    feed = xml(client.get(reverse("articles:feed_atom")))
    titles = [title.text for title in feed.findall("atom:entry/atom:title", ATOM_NS)]
    assert published_neighbour.title in titles
    assert hidden_article.title not in titles


def test_hidden_article_is_missing_from_the_sitemap(client, hidden_article, published_neighbour):
    locations = sitemap_locations(client.get(reverse("sitemap")))
    assert "http://testserver" + published_neighbour.get_absolute_url() in locations
    assert not any(hidden_article.slug in location for location in locations)


def test_tag_carried_only_by_a_hidden_article_is_missing_from_the_sitemap(
    client, hidden_article, hidden_tag
):
    locations = sitemap_locations(client.get(reverse("sitemap")))
    assert "http://testserver" + hidden_tag.get_absolute_url() not in locations


def test_hidden_article_page_is_404(client, hidden_article):
    assert client.get(hidden_article.get_absolute_url()).status_code == 404


def test_hidden_article_comments_feed_is_404(client, hidden_article):
    url = reverse("comments:feed", kwargs={"slug": hidden_article.slug})
    assert client.get(url).status_code == 404


def test_hidden_article_is_not_linked_from_its_published_neighbour(
    client, hidden_article, published_neighbour
):
    soup = html(client.get(published_neighbour.get_absolute_url()))
    assert soup.find("a", href=hidden_article.get_absolute_url()) is None
    assert hidden_article.title not in text_of(soup.body)


def test_hidden_article_page_is_404_for_a_logged_in_editor_too(editor_client, hidden_article):
    """Editors use the preview; the public address behaves the same for everyone."""
    assert editor_client.get(hidden_article.get_absolute_url()).status_code == 404


# --- Preview ------------------------------------------------------------------


def preview_url(article):
    return reverse("articles:preview", kwargs={"pk": article.pk})


def test_editor_can_preview_a_hidden_article(editor_client, hidden_article):
    response = editor_client.get(preview_url(hidden_article))
    assert response.status_code == 200
    assert text_of(html(response).h1) == hidden_article.title


def test_preview_of_a_draft_says_it_is_a_draft(editor_client, draft_article):
    banner = html(editor_client.get(preview_url(draft_article))).select_one(".preview-banner")
    assert text_of(banner) == "Preview: this article is a draft. Readers cannot see it."


def test_preview_of_a_scheduled_article_says_when_it_goes_public(editor_client, scheduled_article):
    banner = html(editor_client.get(preview_url(scheduled_article))).select_one(".preview-banner")
    assert text_of(banner).startswith("Preview: this article is scheduled for ")
    assert str(scheduled_article.published_at.year) in text_of(banner)


def test_preview_is_never_cached(editor_client, hidden_article):
    response = editor_client.get(preview_url(hidden_article))
    assert "no-store" in response["Cache-Control"]


def test_anonymous_preview_redirects_to_the_admin_login(client, hidden_article):
    response = client.get(preview_url(hidden_article))
    login = reverse("admin:login")
    assert response.status_code == 302
    assert response["Location"] == f"{login}?next={preview_url(hidden_article)}"


def test_logged_in_reader_without_staff_status_cannot_preview(client, hidden_article):
    client.force_login(make_user())
    response = client.get(preview_url(hidden_article))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- A scheduled article goes public on time, cached pages included -----------


@pytest.fixture
def soon(db):
    """An article scheduled two minutes from now, well inside the page cache's lifetime."""
    return make_article(
        title="Soon to be published",
        published_at=timezone.now() + timedelta(minutes=2),
    )


def after_publication(article):
    return time_machine.travel(article.published_at + timedelta(seconds=5), tick=False)


def test_scheduled_article_appears_on_the_cached_home_page_once_its_time_passes(client, soon):
    home = reverse("articles:home")
    assert soon.title not in listed_titles(client.get(home))
    with after_publication(soon):
        assert listed_titles(client.get(home))[0] == soon.title


def test_home_page_is_served_from_the_cache_until_then(client, soon, seed_article):
    """Otherwise the test above would pass without the cache being involved."""
    home = reverse("articles:home")
    first = client.get(home)
    seed_article.title = "Renamed without telling the cache"
    type(seed_article).objects.filter(pk=seed_article.pk).update(title=seed_article.title)
    assert client.get(home).content == first.content


def test_scheduled_article_appears_on_its_cached_tag_page_once_its_time_passes(
    client, soon, hidden_tag, published_neighbour
):
    soon.tags.add(hidden_tag)
    url = hidden_tag.get_absolute_url()
    assert listed_titles(client.get(url)) == [published_neighbour.title]
    with after_publication(soon):
        assert listed_titles(client.get(url)) == [soon.title, published_neighbour.title]


def test_scheduled_article_page_opens_once_its_time_passes(client, soon):
    assert client.get(soon.get_absolute_url()).status_code == 404
    with after_publication(soon):
        assert client.get(soon.get_absolute_url()).status_code == 200


def test_cached_article_page_links_to_the_scheduled_article_once_it_is_public(
    client, soon, published_neighbour
):
    url = published_neighbour.get_absolute_url()
    assert html(client.get(url)).find("a", rel="next") is None
    with after_publication(soon):
        link = html(client.get(url)).find("a", rel="next")
        assert link["href"] == soon.get_absolute_url()


def test_scheduled_article_joins_the_feeds_once_its_time_passes(client, soon):
    with after_publication(soon):
        feed = xml(client.get(reverse("articles:feed")))
    assert feed.find("channel/item/title").text == soon.title


def test_scheduled_article_joins_the_sitemap_once_its_time_passes(client, soon):
    with after_publication(soon):
        locations = sitemap_locations(client.get(reverse("sitemap")))
    assert "http://testserver" + soon.get_absolute_url() in locations


def test_hidden_article_is_missing_from_its_tag_feed(
    client, hidden_article, hidden_tag, published_neighbour
):
    feed = xml(client.get(reverse("articles:tag_feed", kwargs={"slug": hidden_tag.slug})))
    titles = [title.text for title in feed.findall("channel/item/title")]
    assert titles == [published_neighbour.title]


def test_comments_on_a_hidden_article_are_missing_from_the_site_comments_feed(
    client, hidden_article, published_neighbour
):
    make_comment(hidden_article, body="Seen too early.")
    make_comment(published_neighbour, body="Seen in time.")
    response = client.get(reverse("comments:latest_feed"))
    texts = [item.findtext("description") for item in xml(response).findall("channel/item")]
    assert texts == ["<p>Seen in time.</p>"]
    assert hidden_article.title not in response.content.decode()


def test_staff_without_the_permission_to_change_articles_cannot_preview(client, hidden_article):
    client.force_login(make_user(is_staff=True))
    response = client.get(preview_url(hidden_article))
    assert response.status_code == 403
    assert hidden_article.title not in response.content.decode()
    assert "zebrafish" not in response.content.decode()


def test_staff_with_only_the_permission_to_change_articles_can_preview(client, hidden_article):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(staff)
    assert client.get(preview_url(hidden_article)).status_code == 200
