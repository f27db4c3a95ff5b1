"""Comment feeds: one article's discussion, and the latest comments on the site.

Approved comments on published articles only, each with its whole sanitised
text; never an email address, never a comment that is not public.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy

from articles.feeds import SharedFeed
from articles.models import Article
from pagecache.tags import ARTICLES, COMMENTS, article_tag, comments_tag

from .models import Comment

FEED_SIZE = 50
# A comment's item needs its article's title and address, not its text.
LIGHT_ARTICLE = ("body", "article__body", "article__body_html", "article__toc_html")


class CommentFeedItems:
    """What a comment says in any feed: its author, its text, its permalink."""

    def item_title(self, comment):
        return f"{comment.author_name} on “{comment.article.title}”"

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_author_name(self, comment):
        return comment.author_name

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at


class ArticleCommentsFeed(CommentFeedItems, SharedFeed):
    """Approved comments on one article, newest first."""

    follows_schedule = False  # the article is public already; nothing else is listed

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def page_tags(self, article):
        return [article_tag(article.pk), comments_tag(article.pk)]

    def title(self, article):
        return f"Comments on “{article.title}”"

    def link(self, article):
        return article.get_absolute_url() + "#comments"

    def feed_url(self, article):
        return reverse("comments:feed", kwargs={"slug": article.slug})

    def description(self, article):
        return f"The discussion of “{article.title}”."

    def items(self, article):
        return (
            Comment.objects.public()
            .filter(article=article)
            .select_related("article")
            .defer(*LIGHT_ARTICLE)
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, comment):
        return f"By {comment.author_name}"


class LatestCommentsFeed(CommentFeedItems, SharedFeed):
    """The latest approved comments on every published article (WordPress's comments feed)."""

    title = f"Comments on {settings.SITE_NAME}"
    description = f"The latest comments on {settings.SITE_NAME}."
    link = reverse_lazy("articles:home")
    feed_url = reverse_lazy("comments:latest_feed")

    def page_tags(self, obj):
        return [ARTICLES, COMMENTS]

    def items(self):
        return (
            Comment.objects.public()
            .filter(article__in=Article.objects.published())
            .select_related("article")
            .defer(*LIGHT_ARTICLE)
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )
