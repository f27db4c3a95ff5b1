from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import Truncator

from .models import Comment, DiscussionSettings
from .moderation import set_status


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue."""

    list_display = [
        "excerpt",
        "author_name",
        "author_email",
        "article",
        "status",
        "created_at",
        "ip_address",
    ]
    list_display_links = ["excerpt"]
    list_filter = ["status", "article"]
    search_fields = ["author_name", "author_email", "body", "ip_address"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    actions = ["approve", "unapprove", "mark_as_spam", "move_to_trash"]
    fields = [
        "article",
        "parent",
        "status",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "created_at",
        "ip_address",
        "user_agent",
        "user",
    ]
    readonly_fields = ["article", "parent", "created_at", "ip_address", "user_agent", "user"]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    def has_add_permission(self, request):
        # Comments come from readers through the site's form.
        return False

    def _moderate(self, request, queryset, status, verb):
        changed = set_status(queryset, status)
        self.message_user(
            request,
            f"{changed} comment{'s' if changed != 1 else ''} {verb}.",
            messages.SUCCESS,
        )

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Unapprove selected comments", permissions=["change"])
    def unapprove(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.PENDING, "moved back to pending")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_as_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Move selected comments to the trash", permissions=["change"])
    def move_to_trash(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.TRASH, "moved to the trash")


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    """One settings object: the list page goes straight to it."""

    fieldsets = [
        ("Before a comment appears", {"fields": ["manual_approval", "auto_approve_known_authors"]}),
        (
            "Comment moderation",
            {"fields": ["hold_link_count", "moderation_words", "disallowed_words"]},
        ),
        ("Threads and closing", {"fields": ["thread_depth", "close_after_days"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        current = DiscussionSettings.load()
        return HttpResponseRedirect(
            reverse("admin:comments_discussionsettings_change", args=[current.pk])
        )
