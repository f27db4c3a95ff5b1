"""Shared pages follow every change to articles and tags, whichever path made it.

Cache invalidation listens to the models (admin forms, stock deletes,
commands, imports all send these signals); business rules do not live here.
A reference or correction changed by any of those paths also hands its
article to articles.changes, which renders it again from its records.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from pagecache.tags import ARTICLES, article_tag, purge
from pagecache.tasks import purge_at

from .changes import part_changed
from .models import Article, Correction, MedicalDisclaimer, Person, Reference, Tag


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
