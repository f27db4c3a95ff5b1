from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone

from .rendering import reading_minutes, render_article

META_DESCRIPTION_LENGTH = 160
RENDERED_FIELDS = ("body_html", "toc_html", "word_count")
MAX_SEARCH_TERMS = 8


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles a reader may see: published, and not scheduled for later.

        Every public page, feed, sitemap and search goes through this one
        method, so a draft or a scheduled article cannot leak through a
        forgotten filter.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def next_scheduled_at(self):
        """When the next scheduled article goes public (None if none is waiting).

        Cached public pages must not outlive that moment, or the new article
        would stay missing from the lists.
        """
        upcoming = self.scheduled().order_by("published_at")
        return upcoming.values_list("published_at", flat=True).first()

    def for_listing(self):
        """With author and tags, in two queries however many articles."""
        return self.select_related("author").prefetch_related("tags")

    def for_page(self):
        """What the article page shows: author, tags, neighbours and schedule horizon."""
        return self.for_listing().with_neighbours()

    def with_schedule_horizon(self):
        """Annotate when the next scheduled article goes public, at no extra query.

        A cached page that lists or links articles is accurate until then.
        """
        upcoming = Article.objects.scheduled().order_by("published_at").values("published_at")
        return self.annotate(site_next_scheduled_at=Subquery(upcoming[:1]))

    def with_neighbours(self):
        """Annotate the previous and next published article, in the same query.

        `previous` and `next` are {"slug": …, "title": …}, or None: one
        subquery each way, returning both fields.
        """
        published = Article.objects.published()
        older = published.filter(
            Q(published_at__lt=OuterRef("published_at"))
            | Q(published_at=OuterRef("published_at"), pk__lt=OuterRef("pk"))
        ).order_by("-published_at", "-pk")
        newer = published.filter(
            Q(published_at__gt=OuterRef("published_at"))
            | Q(published_at=OuterRef("published_at"), pk__gt=OuterRef("pk"))
        ).order_by("published_at", "pk")
        link = JSONObject(slug="slug", title="title")
        return self.annotate(
            previous=Subquery(older.values(link=link)[:1]),
            next=Subquery(newer.values(link=link)[:1]),
        ).with_schedule_horizon()

    def search(self, terms):
        """Articles whose title, body or tags contain every term."""
        queryset = self
        for term in terms[:MAX_SEARCH_TERMS]:
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(body__icontains=term)
                | Q(
                    pk__in=Article.tags.through.objects.filter(tag__name__icontains=term).values(
                        "article_id"
                    )
                )
            )
        return queryset


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    excerpt = models.TextField(
        blank=True, max_length=600, help_text="A short summary shown on the home and tag pages."
    )
    body = models.TextField(help_text="Markdown. Start sections with ## and sub-sections with ###.")
    body_html = models.TextField(editable=False, default="")
    toc_html = models.TextField(editable=False, default="")
    word_count = models.PositiveIntegerField(editable=False, default=0)
    meta_description = models.CharField(
        max_length=300,
        blank=True,
        help_text=f"Shown by search engines; about {META_DESCRIPTION_LENGTH} characters at most.",
    )
    seo_keywords = models.JSONField(
        default=list,
        blank=True,
        help_text="Key phrases, most important first.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A future time schedules the article; left empty, publishing sets it to now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    allow_comments = models.BooleanField(default=True)
    comments_close_at = models.DateTimeField(
        null=True, blank=True, help_text="Optional: no new comments after this time."
    )
    # Where an imported article came from ("wordpress", "disqus") and its id
    # there, so a second import of the same file finds it instead of doubling it.
    import_source = models.CharField(max_length=20, blank=True, default="", editable=False)
    import_id = models.CharField(max_length=100, blank=True, default="", editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"], name="article_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["import_source", "import_id"],
                condition=~Q(import_id=""),
                name="article_imported_once",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        rendered = render_article(self.body)
        self.body_html, self.toc_html = rendered.html, rendered.toc_html
        self.word_count = rendered.word_count
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *RENDERED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def tag_list(self):
        """The article's tags by name (prefetched by for_listing())."""
        return list(self.tags.all())

    @property
    def reading_minutes(self):
        return reading_minutes(self.word_count)

    @property
    def description(self):
        return self.meta_description or self.excerpt

    @property
    def author_name(self):
        return self.author.get_full_name() or self.author.get_username()

    @property
    def was_updated(self):
        """Worth a "Updated" line: changed more than a day after publication."""
        return bool(self.published_at) and (self.updated_at - self.published_at).days >= 1

    def meta_tags(self, canonical_url, site_name):
        """The <meta> tags of the article page, as (attribute, key, value) triples."""
        tags = [
            ("name", "description", self.description),
            ("name", "keywords", ", ".join(self.seo_keywords)),
            ("name", "author", self.author_name),
            ("property", "og:type", "article"),
            ("property", "og:site_name", site_name),
            ("property", "og:title", self.title),
            ("property", "og:description", self.description),
            ("property", "og:url", canonical_url),
            ("name", "twitter:card", "summary"),
            ("name", "twitter:title", self.title),
            ("name", "twitter:description", self.description),
        ]
        if self.published_at:
            tags.append(("property", "article:published_time", self.published_at.isoformat()))
        tags.append(("property", "article:modified_time", self.updated_at.isoformat()))
        tags.extend(("property", "article:tag", tag.name) for tag in self.tag_list)
        return [tag for tag in tags if tag[2]]

    def schema(self, canonical_url, extra=None):
        """The JSON-LD BlogPosting of the article page, as a dict."""
        data = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "@id": canonical_url,
            "mainEntityOfPage": canonical_url,
            "url": canonical_url,
            "headline": self.title,
            "description": self.description,
            "datePublished": self.published_at.isoformat() if self.published_at else None,
            "dateModified": self.updated_at.isoformat(),
            "author": {"@type": "Person", "name": self.author_name},
            "keywords": list(self.seo_keywords),
            "articleSection": [tag.name for tag in self.tag_list],
            "wordCount": self.word_count,
            "commentCount": 0,
        }
        data.update(extra or {})
        return data
