from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    title = settings.SITE_NAME
    description = settings.SITE_DESCRIPTION
    link = reverse_lazy("articles:home")
    feed_url = reverse_lazy("articles:feed")

    def items(self):
        return Article.objects.published().for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt or item.description

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
    feed_url = reverse_lazy("articles:feed_atom")
