from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.db.models import Count
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.template.defaultfilters import linebreaks_filter
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _

from articles.admin import OneRowAdmin
from outbox.addresses import validate_mailbox

from . import moderate_views
from .admin_reply import ReplyAdminMixin
from .editors import public_name
from .forms import reject_deceptive_characters
from .models import Comment, DiscussionSettings, EditorMailPreference, PrivacyRequest
from .moderation import DONE, VIA_ACTION, VIA_ROW, set_status
from .privacy import comments_by, erase_commenter, export_commenter


class CommenterForm(forms.Form):
    email = forms.EmailField(
        label="Commenter's email address",
        max_length=254,
        validators=[validate_mailbox],
        widget=forms.EmailInput(attrs={"size": 40, "autofocus": True}),
    )


class ClampedPaginator(Paginator):
    """A page past the end shows the last page, so a list that shrank under a moderated
    comment (one button, a bulk action) is shown again, not an error."""

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if int(number) > 1:
                return max(self.num_pages, 1)
            raise


class StatusFilter(admin.SimpleListFilter):
    """WordPress's views: "All" is what may be published (pending and approved);
    spam and trash have their own. Each names how many comments it holds."""

    title = "status"
    parameter_name = "status"
    HIDDEN_FROM_ALL = (Comment.Status.SPAM, Comment.Status.TRASH)

    def lookups(self, request, model_admin):
        counts = dict(Comment.objects.order_by().values_list("status").annotate(count=Count("pk")))
        self.all_count = sum(
            count for status, count in counts.items() if status not in self.HIDDEN_FROM_ALL
        )
        return [(status, f"{status.label} ({counts.get(status, 0)})") for status in Comment.Status]

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = f"All ({self.all_count})"
        return choices

    def queryset(self, request, queryset):
        if self.value() in Comment.Status.values:
            return queryset.filter(status=self.value())
        return queryset.exclude(status__in=self.HIDDEN_FROM_ALL)


# The buttons a row offers for each status it is in: (status to move to, label).
ROW_ACTIONS = {
    Comment.Status.PENDING: [
        (Comment.Status.APPROVED, "Approve"),
        (Comment.Status.SPAM, "Spam"),
        (Comment.Status.TRASH, "Trash"),
    ],
    Comment.Status.APPROVED: [
        (Comment.Status.PENDING, "Unapprove"),
        (Comment.Status.SPAM, "Spam"),
        (Comment.Status.TRASH, "Trash"),
    ],
    Comment.Status.SPAM: [
        (Comment.Status.PENDING, "Not spam"),
        (Comment.Status.TRASH, "Trash"),
    ],
    Comment.Status.TRASH: [
        (Comment.Status.PENDING, "Restore"),
        (Comment.Status.SPAM, "Spam"),
    ],
}


class CommentAdminForm(forms.ModelForm):
    """The change form keeps the rule the comment form has for names: one rule on every path."""

    def clean_author_name(self):
        name = self.cleaned_data["author_name"]
        reject_deceptive_characters(name)
        return name


@admin.register(Comment)
class CommentAdmin(ReplyAdminMixin, admin.ModelAdmin):
    """The moderation queue, newest first, moderated row by row or in bulk.

    Every way of moderating (row buttons, bulk actions, the mailed links)
    goes through moderation.set_status and is written to the history.
    """

    list_display = [
        "author_column",
        "excerpt",
        "row_actions",
        "in_response_to",
        "status",
        "submitted_on",
    ]
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, "article"]
    search_fields = ["author_name", "author_email", "body", "ip_address"]
    list_select_related = ["article", "parent"]
    form = CommentAdminForm
    ordering = ["-created_at", "-pk"]
    paginator = ClampedPaginator
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

    @admin.display(description="Author", ordering="author_name")
    def author_column(self, comment):
        """Name, then the email and IP address editors need, in one narrow column."""
        details = format_html_join(
            "",
            '<span class="comment-author-detail">{}</span>',
            ((value,) for value in (comment.author_email, comment.ip_address) if value),
        )
        return format_html('<strong class="comment-author-name">{}</strong>{}',
                           comment.author_name, details)  # fmt: skip

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="Moderate")
    def row_actions(self, comment):
        """One button per move open to this comment; each posts the form of the list page.

        The form (`row-moderation`, templates/admin/comments/comment/change_list.html)
        sits outside the list's own form and carries the CSRF token and the list's filters.
        """
        buttons = format_html_join(
            "",
            '<button type="submit" form="row-moderation" formaction="{}" '
            'class="row-action row-action-{}">{}</button>',
            (
                (
                    reverse("admin:comments_comment_row_moderate", args=[comment.pk, status]),
                    status,
                    label,
                )
                for status, label in ROW_ACTIONS[comment.status]
            ),
        )
        return format_html('<div class="row-actions">{}</div>', buttons)

    @admin.display(description="In response to", ordering="article__title")
    def in_response_to(self, comment):
        """The article, and for a reply the author of the comment it answers."""
        article = format_html(
            '<a href="{}" class="comment-article">{}</a>',
            comment.article.get_absolute_url(),
            comment.article.title,
        )
        if comment.parent is None:
            return article
        parent = format_html(
            '<span class="comment-parent">in reply to <a href="{}">{}</a></span>',
            reverse("admin:comments_comment_change", args=[comment.parent_id]),
            comment.parent.author_name,
        )
        return format_html("{}{}", article, parent)

    @admin.display(description="Submitted on", ordering="created_at")
    def submitted_on(self, comment):
        return localize(timezone.localtime(comment.created_at))

    def view_on_site(self, comment):
        """A public comment on the site; any other in the admin's preview (no dead anchor)."""
        if comment.is_public:
            return comment.get_absolute_url()
        return reverse("admin:comments_comment_preview", args=[comment.pk])

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
        changed = set_status(queryset, status, by=request.user, via=VIA_ACTION)
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
        # One mailbox (outbox.addresses), however each comment spelled it; the newest spelling.
        emails = {}
        newest_first = queryset.order_by("-created_at", "-pk")
        for email, key in newest_first.values_list("author_email", "author_email_key"):
            if email:
                emails.setdefault(key, email)
        if len(emails) != 1 or "" in emails:
            self.message_user(
                request,
                "Select comments from one commenter (one email address) to export or erase.",
                messages.WARNING,
            )
            return None
        _, email = emails.popitem()
        url = reverse("admin:comments_comment_privacy") + "?" + urlencode({"email": email})
        return HttpResponseRedirect(url)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("privacy/", view(self.privacy_view), name="comments_comment_privacy"),
            path(
                "moderate/<str:token>/",
                view(moderate_views.moderate),
                name="comments_comment_moderate",
            ),
            path(
                "<int:object_id>/moderate/<str:status>/",
                view(self.row_moderate_view),
                name="comments_comment_row_moderate",
            ),
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="comments_comment_preview",
            ),
            *super().get_urls(),
        ]

    def row_moderate_view(self, request, object_id, status):
        """A row's button: move one comment, then back to the same filtered list."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if status not in Comment.Status.values:
            raise Http404("No such status.")
        comment = self.get_object(request, str(object_id))
        if comment is not None and not self.has_change_permission(request, comment):
            raise PermissionDenied
        filters = QueryDict(request.POST.get("_changelist_filters", "")).urlencode()
        back = reverse("admin:comments_comment_changelist") + (f"?{filters}" if filters else "")
        if comment is None:
            self.message_user(request, "That comment no longer exists.", messages.WARNING)
            return HttpResponseRedirect(back)
        changed = set_status(
            Comment.objects.filter(pk=comment.pk), status, by=request.user, via=VIA_ROW
        )
        verb = DONE[status]
        if changed:
            self.message_user(
                request, f"The comment by {comment.author_name} was {verb}.", messages.SUCCESS
            )
        else:
            self.message_user(
                request, f"The comment by {comment.author_name} was already {verb}.",
                messages.INFO,
            )  # fmt: skip
        return HttpResponseRedirect(back)

    def preview_view(self, request, object_id):
        """A comment that is not public, shown as its card would look, for editors only."""
        comment = self.get_object(request, str(object_id))
        if comment is None:
            raise Http404("No such comment.")
        if not self.has_view_or_change_permission(request, comment):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: comment by {comment.author_name}",
            "opts": self.model._meta,
            "original": comment,
            "comment": comment,
        }
        return TemplateResponse(request, "admin/comments/comment/preview.html", context)

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
class DiscussionSettingsAdmin(OneRowAdmin):
    """One settings object: the list page goes straight to it."""

    saved_message = "The discussion settings were saved."
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
        ("Trash", {"fields": ["trash_days"]}),
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


@admin.register(EditorMailPreference)
class EditorMailPreferenceAdmin(OneRowAdmin):
    """Each editor's own choice of mail; nobody sees or changes another's.

    The list page goes straight to the editor's own row, made the first time.
    """

    fields = ["published_comments"]
    saved_message = "Your choice of moderation mail was saved."

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        mine, _ = EditorMailPreference.objects.get_or_create(user=request.user)
        return HttpResponseRedirect(
            reverse("admin:comments_editormailpreference_change", args=[mine.pk])
        )


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SigningUserAdmin(UserAdmin):
    """The stock user admin, saying under which name the account's comments appear."""

    readonly_fields = (*UserAdmin.readonly_fields, "comments_signed_as")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": (*options["fields"], "comments_signed_as")})
            if name == _("Personal info")
            else (name, options)
            for name, options in fieldsets
        ]

    @admin.display(description="Comments are signed as")
    def comments_signed_as(self, user):
        return format_html(
            '“{}” <div class="help">The name of the Person this account writes as, when '
            "one is linked (under Articles › People); else the first and last name.</div>",
            public_name(user),
        )
