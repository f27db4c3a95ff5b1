"""Plain builders for test data; each takes overrides as keyword arguments."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase
from django.utils import timezone

from articles.models import Article, Correction, Person, Reference, Tag
from comments.models import Comment
from comments.sanitize import sanitize_comment
from guard.clientaddr import limit_address
from pagecache.tags import COMMENTS, comments_tag, purge_now

_sequence = itertools.count(1)


def make_user(**overrides):
    n = next(_sequence)
    values = {"username": f"user{n}", "email": f"user{n}@example.org", "first_name": "Sam"}
    values.update(overrides)
    return get_user_model().objects.create_user(password="correct horse battery", **values)


def make_editor(**overrides):
    editor = make_user(is_staff=True, **overrides)
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def make_person(name=None, **overrides):
    n = next(_sequence)
    name = name or f"Writer Number{n}"
    values = {"name": name, "slug": f"person-{n}"}
    values.update(overrides)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Person.objects.create(**values)


def make_reference(article, key, **overrides):
    values = {"citation": f"Citation of {key}. J Immunol. 2020;1:1-2."}
    values.update(overrides)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Reference.objects.create(article=article, key=key, **values)


def make_correction(article, text="A figure was corrected.", **overrides):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Correction.objects.create(article=article, text=text, **overrides)


def make_tag(name=None, **overrides):
    n = next(_sequence)
    name = name or f"Topic {n}"
    return Tag.objects.create(name=name, slug=overrides.pop("slug", f"topic-{n}"), **overrides)


def make_article(tags=(), **overrides):
    n = next(_sequence)
    values = {
        "title": f"Article number {n}",
        "slug": f"article-number-{n}",
        "excerpt": f"The excerpt of article {n}.",
        "body": f"## Introduction\n\nThe body of article {n}.\n",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
    }
    values.update(overrides)
    if "author" not in values:
        values["author"] = make_person("Ada Writer")
    # Commit hooks (page cache invalidation) run as they would after a real commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        article = Article.objects.create(**values)
        if tags:
            article.tags.set(tags)
    return article


def make_comment(article, **overrides):
    n = next(_sequence)
    values = {
        "author_name": f"Reader {n}",
        "author_email": f"reader{n}@example.net",
        "body": f"Comment number {n}.",
        "status": Comment.Status.APPROVED,
        "ip_address": "203.0.113.7",
        "user_agent": "pytest",
    }
    values.update(overrides)
    if values["ip_address"] and "client_network" not in values:
        values["client_network"] = limit_address(values["ip_address"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Comment.objects.create(article=article, **values)


def make_thread(article, count, status=Comment.Status.APPROVED):
    """`count` comments in threads four deep (a comment, a reply, a reply to that...).

    Quicker than make_comment in a loop: one insert (sanitised as save() would),
    one update for the parents and threads, and the purge that bulk writes must ask for.
    """
    start = timezone.now() - timedelta(seconds=count)
    comments = []
    for n in range(count):
        body = f"Thread comment {n}, with a link to https://example.com/{n} in it."
        comments.append(
            Comment(
                article=article,
                author_name=f"Reader {n}",
                author_email=f"thread-reader{n}@example.net",
                body=body,
                body_html=sanitize_comment(body),
                status=status,
                created_at=start + timedelta(seconds=n),
                ip_address="203.0.113.8",
            )
        )
    comments = Comment.objects.bulk_create(comments)
    for n, comment in enumerate(comments):
        if n % 4:
            comment.parent = comments[n - 1]
            comment.thread = comments[n - n % 4]
    Comment.objects.bulk_update(comments, ["parent", "thread"])
    purge_now([COMMENTS, comments_tag(article.pk)])
    return comments


def comment_data(target_article, **overrides):
    """What a browser posts from the "Leave a Reply" form."""
    n = next(_sequence)
    data = {
        "comment": f"A thoughtful comment, number {n}.",
        "author": f"Commenter {n}",
        "email": f"commenter{n}@example.com",
        "url": "",
        "article": str(target_article.pk),
        "parent": "",
        "phone": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
