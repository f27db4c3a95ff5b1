from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import linebreaks_filter
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator, slugify

from .models import Comment, DiscussionSettings, PrivacyRequest
from .moderation import set_status
from .privacy import comments_by, erase_commenter, export_commenter


class CommenterForm(forms.Form):
    email = forms.EmailField(
        label="Commenter's email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"size": 40, "autofocus": True}),
    )


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
    actions = ["approve", "unapprove", "mark_as_spam", "move_to_trash", "commenter_data"]
    fields = [
        "article",
        "parent",
        "status",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "created_at",
        "edited_at",
        "earlier_versions",
        "ip_address",
        "user_agent",
        "user",
    ]
    readonly_fields = [
        "article", "parent", "created_at", "edited_at", "earlier_versions", "ip_address",
        "user_agent", "user",
    ]  # fmt: skip
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="Earlier versions")
    def earlier_versions(self, comment):
        """The texts the author replaced by editing, oldest first, as they typed them."""
        versions = comment.versions.all()
        if not versions:
            return "None: the author has not edited this comment."
        items = format_html_join(
            "",
            '<li class="comment-version"><p>Written {}, replaced {} (then {})</p>'
            "<blockquote>{}</blockquote></li>",
            (
                (
                    localize(timezone.localtime(version.written_at)),
                    localize(timezone.localtime(version.replaced_at)),
                    version.get_status_display().lower(),
                    linebreaks_filter(version.body, autoescape=True),
                )
                for version in versions
            ),
        )
        return format_html('<ol class="comment-versions">{}</ol>', items)

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

    @admin.action(description="Export or erase the commenter's data", permissions=["change"])
    def commenter_data(self, request, queryset):
        emails = {
            email.lower() for email in queryset.values_list("author_email", flat=True) if email
        }
        if len(emails) != 1:
            self.message_user(
                request,
                "Select comments from one commenter (one email address) to export or erase.",
                messages.WARNING,
            )
            return None
        url = reverse("admin:comments_comment_privacy") + "?" + urlencode({"email": emails.pop()})
        return HttpResponseRedirect(url)

    def get_urls(self):
        privacy = self.admin_site.admin_view(self.privacy_view)
        return [path("privacy/", privacy, name="comments_comment_privacy"), *super().get_urls()]

    def privacy_view(self, request):
        """Export or erase one commenter's data, as WordPress's privacy tools do."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = CommenterForm(request.POST or None, initial={"email": request.GET.get("email", "")})
        context = {
            **self.admin_site.each_context(request),
            "title": "Commenter data: export or erase",
            "opts": self.model._meta,
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if "export" in request.POST:
                return self._export_response(request, email)
            if "erase" in request.POST and request.POST.get("confirm") == "yes":
                erased = erase_commenter(email)
                self.message_user(
                    request, f"Anonymised {erased} comment(s) left with {email}.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
            context.update(email=email, matches=comments_by(email).count(), confirm_erase=True)
        return TemplateResponse(request, "admin/comments/privacy.html", context)

    def _export_response(self, request, email):
        document = export_commenter(email, f"{request.scheme}://{request.get_host()}")
        response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
        filename = f"comments-{slugify(email) or 'commenter'}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    """One settings object: the list page goes straight to it."""

    fieldsets = [
        (
            "Before a comment appears",
            {"fields": ["manual_approval", "auto_approve_verified_authors"]},
        ),
        (
            "Comment moderation",
            {"fields": ["hold_link_count", "moderation_words", "disallowed_words"]},
        ),
        ("Threads and closing", {"fields": ["thread_depth", "close_after_days"]}),
        (
            "Comment pages",
            {
                "fields": [
                    "page_comments",
                    "comments_per_page",
                    "default_comments_page",
                    "newest_first",
                ]
            },
        ),
        ("Mail to commenters", {"fields": ["notify_commenters"]}),
        ("Editing by the author", {"fields": ["edit_window_minutes"]}),
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


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """Commenters' own requests to download or erase their data, and what came of them.

    Read-only: the site records them; an erased commenter's rows keep no address.
    """

    list_display = ["requested_at", "kind", "email", "outcome", "mailed_at", "fulfilled_at"]
    list_filter = ["kind", "outcome"]
    search_fields = ["email"]
    date_hierarchy = "requested_at"
    readonly_fields = [field.name for field in PrivacyRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
