import datetime
import hashlib
from calendar import monthrange
from urllib.parse import urljoin

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from pagecache import tags as page_tags

from .references import (
    doi_url,
    plain_citation,
    pubmed_url,
    validate_doi,
    validate_pmid,
    validate_reference_key,
)
from .rendering import reading_minutes, render_article
from .search import search_articles

META_DESCRIPTION_LENGTH = 160
RENDERED_FIELDS = (
    "body_html", "toc_html", "word_count", "references_html", "cited_keys", "citations",
    "corrections_html",
)  # fmt: skip
# What readers read: a change to these is an update ("Updated DATE", dateModified).
CONTENT_FIELDS = ("title", "body")
MAX_SEARCH_TERMS = 8
# Links readers follow from a profile or a reference: the web only.
WEB_URL = URLValidator(schemes=["http", "https"])


def initials(name):
    """Two letters for an avatar, as the comments show them (no photos)."""
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or name.strip()[:1] or "?"
    return letters.upper()


class PersonQuerySet(models.QuerySet):
    def for_user(self, user):
        """The Person of an editor's account: at most one; none for readers or unlinked accounts.

        `Person.objects.for_user(request.user).first()` gives the public name
        an editor's reply should carry.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def credited(self):
        """People credited on a published article (author or reviewer): those with a profile
        page."""
        published = Article.objects.published()
        return self.filter(Q(articles__in=published) | Q(reviews__in=published)).distinct()


class Person(models.Model):
    """An author or medical reviewer as readers see them: a public, editorial record."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(
        max_length=150, unique=True, help_text="The address of their profile page."
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown after the name, e.g. “MD, medical oncologist”.",
    )
    bio = models.TextField(max_length=1000, blank=True, help_text="A few sentences, plain text.")
    profile_url = models.URLField(
        "profile link",
        max_length=500,
        blank=True,
        validators=[WEB_URL],
        help_text="Optional: their ORCID record or institution page.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The editor account this person writes with, if any.",
    )
    is_team = models.BooleanField(
        "a team",
        default=False,
        help_text="A byline for a group, such as the editorial team, rather than one person: "
        "search engines are told it is an organisation.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:person", kwargs={"slug": self.slug})

    @property
    def initials(self):
        return initials(self.name)

    @property
    def name_with_credentials(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def schema(self, page_url):
        """The schema.org Person, or Organization for a team (Google's advice for articles
        by a team), its URL made absolute against the page that names it."""
        url = urljoin(page_url, self.get_absolute_url())
        if self.is_team:
            data = {"@type": "Organization", "@id": f"{url}#organization", "name": self.name}
            data["url"] = url
            if self.profile_url:
                data["sameAs"] = self.profile_url
            return data
        data = {"@type": "Person", "@id": f"{url}#person", "name": self.name, "url": url}
        if self.credentials:
            data["jobTitle"] = self.credentials
            data["hasCredential"] = {
                "@type": "EducationalOccupationalCredential",
                "name": self.credentials,
            }
        if self.profile_url:
            data["sameAs"] = self.profile_url
        return data


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
        """What the article page shows: author, reviewer, tags, schedule horizon and the
        discussion's counts (two queries). Its references and corrections are rendered with
        it; its neighbours are kept in the shared cache (Article.neighbours)."""
        page = self.for_listing().select_related("reviewer").with_schedule_horizon()
        return page.with_discussion_counts()

    def credited_to(self, person):
        """Articles a person wrote or medically reviewed."""
        return self.filter(Q(author=person) | Q(reviewer=person))

    def review_due(self, today=None):
        """Articles never reviewed, or reviewed longer ago than ARTICLE_REVIEW_DUE_MONTHS."""
        return self.filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=review_cutoff(today)))

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
        )

    def with_comment_count(self):
        """Annotate `comment_count`, each article's public comments, in the same query."""
        return self.annotate(comment_count=self._discussion_counts()["comment_count"])

    def with_discussion_counts(self):
        """Annotate `comment_count` and `comment_threads` (how many pages the discussion
        has follows from it), in the same query."""
        return self.annotate(**self._discussion_counts())

    def _discussion_counts(self):
        """The discussion belongs to the comments app, which this app never imports: its
        one visibility rule (`public()`) and its counts are reached through the reverse
        relation."""
        comments = self.model._meta.get_field("comments").related_model.objects
        return comments.public().counts(OuterRef("pk"))

    def search(self, terms):
        """Articles matching every term (stemmed, in title, tags or text), best first."""
        return search_articles(self, terms)


def shift_months(day, months):
    """The same day `months` months later (earlier if negative; the month's last day where
    that is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def review_cutoff(today=None):
    """Reviews older than this day are due again."""
    return shift_months(today or timezone.localdate(), -settings.ARTICLE_REVIEW_DUE_MONTHS)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="articles")
    reviewer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name="medical reviewer",
        help_text="A clinician who checked the article; leave empty if nobody has.",
    )
    reviewed_on = models.DateField(
        "date of review", null=True, blank=True, help_text="When the reviewer checked it."
    )
    excerpt = models.TextField(
        blank=True, max_length=600, help_text="A short summary shown on the home and tag pages."
    )
    body = models.TextField(help_text="Markdown. Start sections with ## and sub-sections with ###.")
    body_html = models.TextField(editable=False, default="")
    toc_html = models.TextField(editable=False, default="")
    word_count = models.PositiveIntegerField(editable=False, default=0)
    references_html = models.TextField(editable=False, default="")
    # Keys of the references the text cites, in order of first citation.
    cited_keys = models.JSONField(editable=False, default=list)
    # Those references as schema.org ScholarlyArticles, and the corrections log,
    # rendered whenever the article is (its parts re-save it), so the page
    # reads neither table.
    citations = models.JSONField(editable=False, default=list)
    corrections_html = models.TextField(editable=False, default="")
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
    content_changed_at = models.DateTimeField(
        "content changed at",
        default=timezone.now,
        editable=False,
        help_text="The last change to the text, its references or its corrections.",
    )
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
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True, reviewed_on__isnull=True)
                | Q(reviewer__isnull=False, reviewed_on__isnull=False),
                name="article_review_has_reviewer_and_date",
                violation_error_message=(
                    "A medical review needs both the reviewer and the date of review."
                ),
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
        """Render the body with the references as stored now; date a change to the text."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        rendered_fields = set(RENDERED_FIELDS)
        if self._content_changed():
            self.content_changed_at = timezone.now()
            rendered_fields.add("content_changed_at")
        self.render()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *rendered_fields}
        super().save(*args, **kwargs)
        self._loaded_content = self._content()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._loaded_content = article._content()
        return article

    def _content(self):
        # Deferred fields are absent from __dict__: unknown, so never "changed".
        # Whitespace is not content (the admin's form strips the text's last newline).
        return {
            name: " ".join(str(self.__dict__[name]).split())
            for name in CONTENT_FIELDS
            if name in self.__dict__
        }

    def _content_changed(self):
        if self._state.adding:
            return False  # a new article keeps the time it was given (an import's), else now
        if not hasattr(self, "_loaded_content"):
            return True
        current = self._content()
        return any(current.get(name) != value for name, value in self._loaded_content.items())

    def render(self):
        """body_html, its table of contents, its numbered references and its corrections log,
        from the records."""
        references = list(self.references.all()) if self.pk else []
        rendered = render_article(self.body, references)
        self.body_html, self.toc_html = rendered.html, rendered.toc_html
        self.word_count = rendered.word_count
        self.references_html, self.cited_keys = rendered.references_html, rendered.cited_keys
        by_key = {reference.key: reference for reference in references}
        self.citations = [by_key[key].schema() for key in self.cited_keys if key in by_key]
        corrections = list(self.corrections.all()) if self.pk else []
        self.corrections_html = (
            render_to_string("articles/includes/corrections.html", {"corrections": corrections})
            if corrections
            else ""
        )

    def record_content_change(self):
        """Its references or corrections changed: render again and date the update."""
        self.content_changed_at = timezone.now()
        self.save(update_fields=["content_changed_at"])

    def mark_reviewed(self, day):
        """The reviewer checked the article again on `day` (the text itself did not change)."""
        self.reviewed_on = day
        self.save(update_fields=["reviewed_on"])

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

    @cached_property
    def neighbours(self):
        """The previous and next published articles ({"previous", "next"}: each {"slug",
        "title"} or None), kept in the shared cache until an article changes (ARTICLES) or
        the next scheduled one goes public (for_page() brings when).

        Building their two subqueries cost about a tenth of an uncached article
        page; they change only when an article is published, renamed or removed.
        """
        return page_tags.kept(
            f"articles:neighbours:{self.pk}",
            page_tags.ARTICLES,
            self._neighbours_now,
            until=getattr(self, "site_next_scheduled_at", None),
        )

    def _neighbours_now(self):
        found = type(self).objects.filter(pk=self.pk).with_neighbours()
        return found.values("previous", "next").get()

    @property
    def reading_minutes(self):
        return reading_minutes(self.word_count)

    @property
    def description(self):
        return self.meta_description or self.excerpt

    @property
    def author_name(self):
        return self.author.name

    @property
    def modified_at(self):
        """When what readers read last changed (never before publication)."""
        if self.published_at and self.published_at > self.content_changed_at:
            return self.published_at
        return self.content_changed_at

    @property
    def was_updated(self):
        """Worth a "Updated" line: the text changed more than a day after publication."""
        return bool(self.published_at) and (self.content_changed_at - self.published_at).days >= 1

    @property
    def last_modified_at(self):
        """The latest of the last update and the last medical review (the sitemap's lastmod)."""
        if self.reviewed_on is None:
            return self.modified_at
        reviewed_at = timezone.make_aware(
            datetime.datetime.combine(self.reviewed_on, datetime.time.min)
        )
        return max(self.modified_at, reviewed_at)

    @property
    def has_review(self):
        return self.reviewer_id is not None and self.reviewed_on is not None

    @property
    def review_due_on(self):
        """When the medical review falls due again (None: never reviewed)."""
        if self.reviewed_on is None:
            return None
        return shift_months(self.reviewed_on, settings.ARTICLE_REVIEW_DUE_MONTHS)

    def meta_tags(self, canonical_url, site_name, title=None, description=None):
        """The <meta> tags of the article page, as (attribute, key, value) triples.

        A page of the article's discussion gives its own `title` and
        `description`: it is a web page about the article, not the article again.
        """
        if title is not None:
            return [
                ("name", "description", description),
                ("property", "og:type", "website"),
                ("property", "og:site_name", site_name),
                ("property", "og:title", title),
                ("property", "og:description", description),
                ("property", "og:url", canonical_url),
                ("name", "twitter:card", "summary"),
                ("name", "twitter:title", title),
                ("name", "twitter:description", description),
            ]
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
        tags.append(("property", "article:modified_time", self.modified_at.isoformat()))
        tags.extend(("property", "article:tag", tag.name) for tag in self.tag_list)
        return [tag for tag in tags if tag[2]]

    def schema_id(self, page_url):
        """The BlogPosting's @id, the same on every page that names the article: its own
        URL (made absolute against the page's) and #article."""
        return f"{urljoin(page_url, self.get_absolute_url())}#article"

    def schema(self, canonical_url, extra=None):
        """The JSON-LD of the article page, as a dict: a @graph of two nodes.

        The MedicalWebPage (who reviewed it, when) has the BlogPosting as its
        mainEntity; `extra` (the discussion's comments) goes into the posting.
        """
        posting_id = self.schema_id(canonical_url)
        posting = {
            "@type": "BlogPosting",
            "@id": posting_id,
            "mainEntityOfPage": {"@id": canonical_url},
            "url": canonical_url,
            "headline": self.title,
            "description": self.description,
            "datePublished": self.published_at.isoformat() if self.published_at else None,
            "dateModified": self.modified_at.isoformat(),
            "author": self.author.schema(canonical_url),
            "keywords": list(self.seo_keywords),
            "articleSection": [tag.name for tag in self.tag_list],
            "wordCount": self.word_count,
            "citation": self.citations,
            "commentCount": 0,
        }
        posting.update(extra or {})
        page = {
            "@type": "MedicalWebPage",
            "@id": canonical_url,
            "url": canonical_url,
            "name": self.title,
            "mainEntity": {"@id": posting_id},
        }
        if self.has_review:
            page["reviewedBy"] = self.reviewer.schema(canonical_url)
            page["lastReviewed"] = self.reviewed_on.isoformat()
        return {"@context": "https://schema.org", "@graph": [page, posting]}

    def discussion_page_schema(self, page_url, name, comments):
        """The JSON-LD of a page of the article's discussion (comment-page-N): a WebPage
        that is part of the article and about it, carrying the page's `comments`.

        The article itself is described once, on its own page, under schema_id();
        this page only points at it, so no second BlogPosting appears.
        """
        article = {"@id": self.schema_id(page_url)}
        page = {
            "@type": "WebPage",
            "@id": page_url,
            "url": page_url,
            "name": name,
            "isPartOf": article,
            "about": article,
            "comment": comments,
        }
        return {"@context": "https://schema.org", "@graph": [page]}


class Reference(models.Model):
    """A source the article cites by key with Markdown's footnote syntax, [^key]."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    key = models.CharField(
        max_length=40,
        validators=[validate_reference_key],
        help_text="Cited in the text as [^key]: letters, digits, - and _.",
    )
    citation = models.TextField(
        max_length=1000,
        help_text="Authors, title, journal, year, as it should be printed (Markdown).",
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text="e.g. 10.1056/NEJMoa1003466",
    )
    pmid = models.CharField(
        "PubMed ID", max_length=8, blank=True, validators=[validate_pmid], help_text="e.g. 20525992"
    )
    url = models.URLField("URL", max_length=500, blank=True, validators=[WEB_URL])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "key"],
                name="reference_key_unique_per_article",
                violation_error_message="Another reference of this article has this key.",
            )
        ]

    def __str__(self):
        return f"[^{self.key}]"

    @property
    def doi_url(self):
        return doi_url(self.doi) if self.doi else ""

    @property
    def pubmed_url(self):
        return pubmed_url(self.pmid) if self.pmid else ""

    def schema(self):
        """A schema.org ScholarlyArticle; its DOI is the identity (sameAs)."""
        data = {"@type": "ScholarlyArticle", "name": plain_citation(self.citation)}
        if self.doi:
            data["sameAs"] = self.doi_url
        if self.url or self.pmid:
            data["url"] = self.url or self.pubmed_url
        if self.pmid:
            data["identifier"] = {
                "@type": "PropertyValue",
                "propertyID": "PMID",
                "value": self.pmid,
            }
        return data


class Correction(models.Model):
    """A dated entry of the article's "Corrections and updates" log."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    noted_on = models.DateField("date", default=timezone.localdate)
    text = models.TextField(max_length=1000, help_text="What changed and why, in plain text.")

    class Meta:
        ordering = ["noted_on", "pk"]

    def __str__(self):
        return f"{self.noted_on:%Y-%m-%d}: {self.text[:60]}"


DEFAULT_DISCLAIMER = (
    "This article is general information, not medical advice. It cannot take the place of "
    "a doctor who knows you: talk to your own doctor or care team about your situation "
    "before making any decision about treatment."
)


class CachedSingleton(models.Model):
    """A site-wide row (pk 1) that pages read on every request, kept in the shared cache.

    The copy lasts until TAG is purged, as the pages showing the row do:
    saving it purges TAG (signals), whichever process or path saved it. The
    copy's key names the row's fields, so a copy cached before a deploy
    added one is never read (reading the new field would cost a query).
    """

    CACHE_KEY = None
    TAG = None  # the page tag (pagecache.tags) purged when the row changes

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The current row, from the shared cache when possible."""
        return page_tags.kept(cls._cache_key(), cls.TAG, cls._from_database)

    @classmethod
    def _from_database(cls):
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def _cache_key(cls):
        return copy_key(cls.CACHE_KEY, [field.attname for field in cls._meta.concrete_fields])


def copy_key(name, fields):
    """The cache key of a copy of a row with these fields: another release's is another key."""
    return f"{name}:{hashlib.sha256(','.join(fields).encode()).hexdigest()[:12]}"


class MedicalDisclaimer(CachedSingleton):
    """The disclaimer under every article: one row, editable in the admin."""

    CACHE_KEY = "articles:medical-disclaimer"
    TAG = page_tags.ARTICLES

    text = models.TextField(
        max_length=2000,
        default=DEFAULT_DISCLAIMER,
        help_text="Under every article and in print. Plain text; a blank line starts a paragraph.",
    )

    class Meta:
        verbose_name = "medical disclaimer"
        verbose_name_plural = "medical disclaimer"

    def __str__(self):
        return "Medical disclaimer"
