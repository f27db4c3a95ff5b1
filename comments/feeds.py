from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.models import Article

from .models import Comment

FEED_SIZE = 50


class ArticleCommentsFeed(Feed):
    """Approved comments on one article, newest first; never an email address."""

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

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
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, comment):
        return f"By {comment.author_name}"

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_guid(self, comment):
        return comment.get_absolute_url()

    def item_author_name(self, comment):
        return comment.author_name

    def item_pubdate(self, comment):
        return comment.created_at
