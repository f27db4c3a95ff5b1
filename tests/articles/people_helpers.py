"""Posting an article's admin change form the way the browser does, inlines included."""

from django.urls import reverse
from django.utils import timezone

from articles.models import Article

ARTICLE_FIELDS = [
    "title", "slug", "author", "excerpt", "body", "reviewer", "reviewed_on", "status",
    "meta_description", "seo_keywords",
]  # fmt: skip


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form_data(article, references=(), corrections=(), **changes):
    """The change form as an editor submits it.

    `references` and `corrections` are dicts; an "id" marks an existing row,
    "DELETE": "on" deletes it.
    """
    article = Article.objects.get(pk=article.pk)
    data = {}
    for name in ARTICLE_FIELDS:
        value = getattr(article, f"{name}_id", None) if name in ("author", "reviewer") else None
        if name not in ("author", "reviewer"):
            value = getattr(article, name)
        if name == "seo_keywords":
            value = ", ".join(value)
        data[name] = "" if value is None else str(value)
    data["tags"] = [str(pk) for pk in article.tags.values_list("pk", flat=True)]
    published = article.published_at and timezone.localtime(article.published_at)
    data["published_at_0"] = published.strftime("%Y-%m-%d") if published else ""
    data["published_at_1"] = published.strftime("%H:%M:%S") if published else ""
    data["comments_close_at_0"] = data["comments_close_at_1"] = ""
    if article.allow_comments:
        data["allow_comments"] = "on"
    data.update(_inline("references", references, article))
    data.update(_inline("corrections", corrections, article))
    data.update({key: str(value) for key, value in changes.items()})
    if changes.get("allow_comments") is False:
        data.pop("allow_comments")
    return data


def _inline(prefix, rows, article):
    rows = list(rows)
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-article"] = str(article.pk)
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = str(value)
    return data
