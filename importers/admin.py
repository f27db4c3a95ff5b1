from django.contrib import admin

from .models import ImportRun, OldAddress, Pingback


class ReadOnlyAdmin(admin.ModelAdmin):
    """What an import did, for editors to read: a record, not something to edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at", "kind", "site", "file_name", "is_dry_run", "succeeded", "finished_at",
    ]  # fmt: skip
    list_filter = ["kind", "is_dry_run", "succeeded"]
    search_fields = ["file_name", "site"]
    date_hierarchy = "started_at"
    fields = [
        "kind", "site", "file_name", "is_dry_run", "started_at", "finished_at", "succeeded",
        "error", "counts", "report",
    ]  # fmt: skip


@admin.register(OldAddress)
class OldAddressAdmin(ReadOnlyAdmin):
    list_display = ["path", "article", "source"]
    list_filter = ["source"]
    search_fields = ["path"]
    list_select_related = ["article"]


@admin.register(Pingback)
class PingbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "site_name", "url", "article", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["site_name", "url"]
    list_select_related = ["article"]
