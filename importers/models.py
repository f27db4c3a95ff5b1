from django.db import models
from django.utils import timezone

from articles.models import Article, Person, Tag

WORDPRESS = "wordpress"
DISQUS = "disqus"
SOURCES = [(WORDPRESS, "WordPress"), (DISQUS, "Disqus")]
MAX_SITE_LENGTH = 200


class ImportRun(models.Model):
    """One run of import_wordpress or import_disqus, and the report it printed."""

    kind = models.CharField(max_length=20, choices=SOURCES)
    file_name = models.CharField(max_length=255)
    site = models.CharField(
        max_length=MAX_SITE_LENGTH, blank=True, help_text="The blog the export came from."
    )
    is_dry_run = models.BooleanField("dry run", default=False)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    report = models.TextField(blank=True)

    class Meta:
        verbose_name = "import"
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        dry = " (dry run)" if self.is_dry_run else ""
        return f"{self.get_kind_display()} import of {self.file_name}{dry}"


class OldAddress(models.Model):
    """A path the old site answered; it now redirects to what lives here.

    WordPress permalinks (`/2023/05/01/slug/`, `/slug/`) and Disqus thread links
    go to an article; `/category/…/` and WordPress tag slugs that differ from
    ours to a tag; `/author/<login>/` to the person the login is credited to.
    Exactly one of article, tag and person is set.
    """

    path = models.CharField(max_length=500, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="old_addresses"
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="old_addresses"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="old_addresses"
    )
    source = models.CharField(max_length=20, choices=SOURCES)

    class Meta:
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(article__isnull=False, tag=None, person=None)
                    | models.Q(article=None, tag__isnull=False, person=None)
                    | models.Q(article=None, tag=None, person__isnull=False)
                ),
                name="old_address_has_one_target",
            )
        ]

    def __str__(self):
        return self.path

    @property
    def target(self):
        """The article, tag or person the old path now stands for."""
        return self.article or self.tag or self.person


class Pingback(models.Model):
    """A pingback or trackback from the old site: kept for the record, never shown as a comment.

    It names another site (its title and address), not a person.
    """

    class Kind(models.TextChoices):
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pingbacks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=SOURCES)
    source_id = models.CharField(max_length=100)
    site_name = models.CharField(max_length=245, blank=True)
    url = models.URLField(max_length=200, blank=True)
    excerpt = models.TextField(blank=True)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["article", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="pingback_imported_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.site_name or self.url}"


class DeletedImport(models.Model):
    """An imported article or comment that was deleted here: later imports leave it out.

    Only where it came from and its id there, nothing about its author.
    Deleting this record lets the next import of the file bring it back.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        COMMENT = "comment", "Comment"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=SOURCES)
    import_id = models.CharField("id there", max_length=100)
    deleted_at = models.DateTimeField("deleted", default=timezone.now)

    class Meta:
        verbose_name = "deleted import"
        ordering = ["-deleted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source", "import_id"], name="deleted_import_once"
            )
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.kind} {self.import_id}"

    @classmethod
    def ids(cls, kind, source, import_ids):
        """Which of these ids (of one kind, from one source) were deleted here."""
        return set(
            cls.objects.filter(kind=kind, source=source, import_id__in=import_ids).values_list(
                "import_id", flat=True
            )
        )
