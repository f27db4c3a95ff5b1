"""A change to an article's references or corrections is a change to the article.

Whatever path makes it (the admin's inlines, a stock delete, a command, an
import), the article is rendered again from its records and its "content
changed" time moves on; saving the article purges its cached pages.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import QuerySet

from .models import Article

_collecting = ContextVar("article_content_changes", default=None)


@contextmanager
def content_changes():
    """Inside this block, changed articles are noted; each is rendered once, at the end.

    The admin saves an article's inlines one by one after the article: the
    page must show the numbering of all of them together, never a half-saved one.
    """
    changed = set()
    token = _collecting.set(changed)
    try:
        yield
    finally:
        _collecting.reset(token)
    for article in Article.objects.filter(pk__in=changed):
        article.record_content_change()


def part_changed(article_id, origin=None):
    """A reference or correction of this article was saved or deleted."""
    deleting_article = isinstance(origin, Article) or (
        isinstance(origin, QuerySet) and origin.model is Article
    )
    if deleting_article:
        return  # the page goes with the article
    changed = _collecting.get()
    if changed is not None:
        changed.add(article_id)
        return
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        article.record_content_change()
