from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from .changes import content_changes
from .forms import ArticleAdminForm, ReferenceForm, ReferenceInlineFormSet, citations_in
from .models import Article, Correction, MedicalDisclaimer, Person, Reference, Tag, review_cutoff

MAX_REFERENCES = 100
MAX_CORRECTIONS = 50


class BoundedInline:
    """An inline that refuses more rows than max_num (the admin only stops adding them)."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "is_team", "user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["user"]
    fields = ["name", "slug", "is_team", "credentials", "bio", "profile_url", "user"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only editors' accounts write articles; readers have none to offer.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReferenceInline(BoundedInline, admin.StackedInline):
    model = Reference
    form = ReferenceForm
    formset = ReferenceInlineFormSet
    extra = 0
    max_num = MAX_REFERENCES
    verbose_name_plural = "references (cite them in the text as [^key])"


class CorrectionInline(BoundedInline, admin.TabularInline):
    model = Correction
    extra = 0
    max_num = MAX_CORRECTIONS
    verbose_name_plural = "corrections and updates"


class ReviewDueFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("due", "Review due (never, or over the due age)"),
            ("never", "Never reviewed"),
            ("current", "Reviewed recently"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.review_due()
        if self.value() == "never":
            return queryset.filter(reviewed_on__isnull=True)
        if self.value() == "current":
            return queryset.filter(reviewed_on__gte=review_cutoff())
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [ReferenceInline, CorrectionInline]
    list_display = [
        "title", "status", "published_at", "tag_list", "author", "reviewer", "review_due",
        "content_changed_at",
    ]  # fmt: skip
    list_filter = [ReviewDueFilter, "status", "tags", "published_at", "allow_comments"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "author", "reviewer"]
    list_select_related = ["author", "reviewer"]
    actions = ["mark_reviewed_today"]
    readonly_fields = ["content_changed_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "excerpt", "body", "tags"]}),
        (
            "Medical review",
            {
                "fields": ["reviewer", "reviewed_on"],
                "description": "Who checked the article, and when. Leave both empty if nobody has.",
            },
        ),
        ("Publishing", {"fields": ["status", "published_at", "content_changed_at"]}),
        ("Discussion", {"fields": ["allow_comments", "comments_close_at"]}),
        (
            "Search engines",
            {
                "fields": ["meta_description", "seo_keywords"],
                "description": "How the article appears in search results and when shared.",
            },
        ),
    ]

    class Media:
        js = ["articles/admin/meta-length.js"]
        css = {"all": ["articles/admin/article-admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_changeform_initial_data(self, request):
        person = Person.objects.for_user(request.user).first()
        initial = {"author": person.pk} if person else {}
        return {**initial, **super().get_changeform_initial_data(request)}

    def save_related(self, request, form, formsets, change):
        """Save the inlines, then render the article once with all its references."""
        with content_changes():
            super().save_related(request, form, formsets, change)
        article = form.instance
        keys = {reference.key for reference in article.references.all()}
        unused = sorted(keys - set(citations_in(article.body)))
        if unused:
            self.message_user(
                request,
                "Not cited in the text, so not listed on the page: "
                + ", ".join(f"[^{key}]" for key in unused)
                + ".",
                messages.WARNING,
            )

    @admin.display(description="Tags")
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    @admin.display(description="Review due", ordering="reviewed_on")
    def review_due(self, article):
        due_on = article.review_due_on
        if due_on is None:
            return "Never reviewed"
        label = date_format(due_on, "j M Y")
        return f"Due since {label}" if article.reviewed_on < review_cutoff() else label

    @admin.action(description="Mark as reviewed today", permissions=["change"])
    def mark_reviewed_today(self, request, queryset):
        today = timezone.localdate()
        marked, skipped = 0, []
        for article in queryset:
            if article.reviewer_id is None:
                skipped.append(article.title)
                continue
            article.mark_reviewed(today)
            marked += 1
        if marked:
            self.message_user(request, f"Marked {marked} article(s) as reviewed today.")
        if skipped:
            self.message_user(
                request,
                "No medical reviewer yet, so not marked: "
                + "; ".join(skipped)
                + ". Choose the reviewer on the article first.",
                messages.WARNING,
            )

    def view_on_site(self, article):
        """Published articles open on the site; drafts and scheduled ones in preview."""
        if article.is_public:
            return article.get_absolute_url()
        return reverse("articles:preview", kwargs={"pk": article.pk})


class OneRowAdmin(admin.ModelAdmin):
    """The admin of a one-row model (settings, a disclaimer): saving says so in plain words
    ("The medical disclaimer was saved.", not "The medical disclaimer “…” was changed
    successfully.") and stays on the page."""

    saved_message = ""

    def response_change(self, request, obj):
        self.message_user(request, self.saved_message, messages.SUCCESS)
        return HttpResponseRedirect(request.path)


@admin.register(MedicalDisclaimer)
class MedicalDisclaimerAdmin(OneRowAdmin):
    """One row, created by the migration: changed, never added or deleted."""

    saved_message = "The medical disclaimer was saved."

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
