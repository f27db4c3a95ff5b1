"""RSS and Atom: the site's articles, a tag's articles, with their full text.

Every feed is a shared page (pagecache): the same bytes for every reader,
kept by the page caches and purged by the tags it declares, like the pages
that list the same things. Feeds carry sanitised HTML only, the stored
`body_html`, with relative links made absolute (a feed reader has no page
to resolve them against).
"""

import html
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import http_date

from pagecache import tags as page_tags
from pagecache.decorators import mark_shared

from .models import Article, Tag

FEED_SIZE = 20

# An <a> or <img> start tag as the sanitiser writes it: every attribute value
# double-quoted, a quote inside one escaped (a ">" may stay as it is).
_LINKING_TAG = re.compile(r'<(?:a|img)\b(?:[^>"]|"[^"]*")*>', re.IGNORECASE)
_ATTRIBUTE = re.compile(r'(\s)([\w:-]+)="([^"]*)"')


def absolute_links(fragment, base_url):
    """Sanitised HTML with every relative href and src resolved against `base_url`.

    Only the sanitiser's own output is expected: text never holds a raw "<",
    so only real tags are touched.
    """

    def resolve(attribute):
        space, name, value = attribute.groups()
        if name.lower() not in {"href", "src"}:
            return attribute.group()
        url = urljoin(base_url, html.unescape(value))
        return f'{space}{name}="{html.escape(url, quote=True)}"'

    return _LINKING_TAG.sub(lambda tag: _ATTRIBUTE.sub(resolve, tag.group()), fragment)


class FullTextRssFeed(Rss201rev2Feed):
    """RSS 2.0 whose items may carry their full text as `content:encoded`."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item(self, title, link, description, **kwargs):
        # The item's own address is the base its relative links were written against.
        if kwargs.get("content"):
            kwargs["content"] = absolute_links(kwargs["content"], link)
        super().add_item(title, link, absolute_links(description or "", link), **kwargs)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullTextAtomFeed(Atom1Feed):
    """Atom whose entries may carry their full text as `<content type="html">`."""

    def add_item(self, title, link, description, **kwargs):
        if kwargs.get("content"):
            kwargs["content"] = absolute_links(kwargs["content"], link)
        super().add_item(title, link, absolute_links(description or "", link), **kwargs)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class SharedFeed(Feed):
    """A feed answered as a shared page, purged through the tags it shows.

    `page_tags(obj)` names them. The site's epoch is read before the items,
    so a change committed while the feed is being built keeps it out of the
    caches (mark_shared).
    Feeds listing published things end, at the latest, when the next
    scheduled article goes public (as the lists do).
    """

    feed_type = FullTextRssFeed
    follows_schedule = True

    def page_tags(self, obj):
        return [page_tags.ARTICLES]

    def __call__(self, request, *args, **kwargs):
        since = page_tags.epoch()
        try:
            obj = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist as missing:
            raise Http404("Feed object does not exist.") from missing
        shown = self.page_tags(obj)
        feed = self.get_feed(obj, request)
        response = HttpResponse(content_type=feed.content_type)
        response["Last-Modified"] = http_date(feed.latest_post_date().timestamp())
        feed.write(response, "utf-8")
        if self.follows_schedule:
            response.page_expires_at = Article.objects.next_scheduled_at()
        return mark_shared(response, shown, since)


class LatestArticlesFeed(SharedFeed):
    """The latest published articles: the excerpt as summary, the whole article as content."""

    title = settings.SITE_NAME
    description = settings.SITE_DESCRIPTION
    link = reverse_lazy("articles:home")
    feed_url = reverse_lazy("articles:feed")

    def items(self):
        return Article.objects.published().for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers take a description as HTML: the plain excerpt is escaped.
        return html.escape(item.excerpt or item.description)

    def item_extra_kwargs(self, item):
        return {"content": item.body_html}

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at  # a change to what readers read, not any save

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullTextAtomFeed
    subtitle = LatestArticlesFeed.description
    feed_url = reverse_lazy("articles:feed_atom")


class TagFeed(LatestArticlesFeed):
    """The latest published articles carrying one tag (WordPress's /tag/…/feed/)."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{settings.SITE_NAME}: articles tagged “{tag.name}”"

    def description(self, tag):
        return f"Articles about {tag.name} on {settings.SITE_NAME}."

    def link(self, tag):
        return tag.get_absolute_url()

    def feed_url(self, tag):
        return reverse("articles:tag_feed", kwargs={"slug": tag.slug})

    def items(self, tag):
        return Article.objects.published().filter(tags=tag).for_listing()[:FEED_SIZE]
