from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Person, Tag


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only(
            "slug", "published_at", "content_changed_at", "reviewed_on"
        )

    def lastmod(self, article):
        """The latest of the last update and the last medical review."""
        return article.last_modified_at


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return Tag.objects.filter(articles__in=Article.objects.published()).distinct()


class PersonSitemap(Sitemap):
    """Authors' and reviewers' profile pages: only those of people credited on a published
    article (anyone else's answers 404)."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Person.objects.credited().only("slug")


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "people": PersonSitemap,
}
