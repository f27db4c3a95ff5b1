from django.contrib import admin

from .models import Commenter, CommenterKey, Notice, Subscription, Verification


class ReadOnlyAdmin(admin.ModelAdmin):
    """Addresses and keys are shown, never typed or changed here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(Commenter)
class CommenterAdmin(ReadOnlyAdmin):
    """Addresses that asked for mail about their comments; verified ones confirmed a link."""

    list_display = ["email", "verified_at", "created_at", "digest_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    date_hierarchy = "created_at"


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "commenter", "comment", "created_at", "confirmed_at"]
    list_select_related = ["commenter", "comment__article"]
    search_fields = ["commenter__email"]
    date_hierarchy = "created_at"


@admin.register(CommenterKey)
class CommenterKeyAdmin(ReadOnlyAdmin):
    """Each browser trusted under a verified address; only a digest of its key is stored."""

    list_display = ["pk", "commenter", "created_at"]
    list_select_related = ["commenter"]
    search_fields = ["commenter__email"]
    exclude = ["digest"]

    def get_readonly_fields(self, request, obj=None):
        return ["commenter", "created_at"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    """Comments whose authors are told of replies; editors may end one on request."""

    list_display = ["pk", "commenter", "comment", "created_at"]
    list_select_related = ["commenter", "comment__article"]
    search_fields = ["commenter__email"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Notices the hourly cap kept back for the next digest."""

    list_display = ["pk", "kind", "commenter", "comment", "created_at"]
    list_select_related = ["commenter", "comment__article"]
    list_filter = ["kind"]

    def has_delete_permission(self, request, obj=None):
        return False
