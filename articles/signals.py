"""Shared pages and the search index follow every change to articles and tags.

Both listen to the models, whichever path made the change (admin forms,
stock deletes, commands, imports all send these signals); business rules do
not live here. The search index is written in the same transaction as the
change, so a rollback leaves the two in step. A reference or correction
changed by any of those paths also hands its article to articles.changes,
which renders it again from its records.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from pagecache.tags import ARTICLES, article_tag, purge
from pagecache.tasks import purge_at

from .changes import part_changed
from .models import Article, Correction, MedicalDisclaimer, Person, Reference, Tag
from .search import index_articles


def _article_tags(article):
    # Lists, feeds, the sitemap and neighbours' previous/next links show it too.
    return [ARTICLES, article_tag(article.pk)]


@receiver(post_save, sender=Article)
def article_saved(sender, instance, **kwargs):
    purge(*_article_tags(instance))
    if instance.is_scheduled:
        # Nothing is committed when a scheduled article goes public: purge then.
        purge_at(_article_tags(instance), instance.published_at)


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    purge(*_article_tags(instance))


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def tag_changed(sender, **kwargs):
    purge(ARTICLES)


@receiver(m2m_changed, sender=Article.tags.through)
def article_tags_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        purge(ARTICLES)


# --- The search index (SQLite's FTS5 table; nothing to do on PostgreSQL) ------


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def index_article(sender, instance, using, **kwargs):
    index_articles(Article, [instance.pk], using)


@receiver(m2m_changed, sender=Article.tags.through)
def index_tagging(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action == "pre_clear" and reverse:
        # Which articles lose the tag is unknown once it is cleared.
        instance._search_articles = list(instance.articles.values_list("pk", flat=True))
    if not action.startswith("post_"):
        return
    if not reverse:
        index_articles(Article, [instance.pk], using)
    else:
        index_articles(Article, pk_set or getattr(instance, "_search_articles", ()), using)


@receiver(pre_delete, sender=Tag)
def remember_tagged_articles(sender, instance, **kwargs):
    instance._search_articles = list(instance.articles.values_list("pk", flat=True))


@receiver(post_save, sender=Tag)
def index_renamed_tag(sender, instance, using, created, **kwargs):
    if not created:
        index_articles(Article, instance.articles.values_list("pk", flat=True), using)


@receiver(post_delete, sender=Tag)
def index_deleted_tag(sender, instance, using, **kwargs):
    index_articles(Article, instance._search_articles, using)


# --- An article's parts and the people it credits ---------------------------


@receiver(post_save, sender=Reference)
@receiver(post_save, sender=Correction)
def article_part_saved(sender, instance, **kwargs):
    part_changed(instance.article_id)


@receiver(post_delete, sender=Reference)
@receiver(post_delete, sender=Correction)
def article_part_deleted(sender, instance, origin=None, **kwargs):
    part_changed(instance.article_id, origin)


@receiver(post_save, sender=Person)
@receiver(post_delete, sender=Person)
def person_changed(sender, **kwargs):
    # A person's name and credentials are on every article they wrote or
    # reviewed, on the lists that show bylines and on their profile page.
    purge(ARTICLES)


@receiver(post_save, sender=MedicalDisclaimer)
def disclaimer_changed(sender, **kwargs):
    purge(ARTICLES)
