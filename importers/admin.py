from django.contrib import admin

from .models import DeletedImport, ImportRun, OldAddress, Pingback


class RecordAdmin(admin.ModelAdmin):
    """What an import did, for editors to read: a record, not something to edit.

    Those with the permission may delete one (old addresses and pingbacks go
    with their article, so deleting an imported article needs it).
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(RecordAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


def readable_counts(counts):
    """{"posts_in_file": 10, "threads": 3} as "Posts in file: 10 · Threads: 3"."""
    return " · ".join(
        # By name: PostgreSQL's jsonb keeps no key order, so the list reads the same on both.
        f"{name.replace('_', ' ').capitalize()}: {value}"
        for name, value in sorted(counts.items())
    )


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    # What a run did first, the long file name and counts last, so all fit at 1280 px.
    list_display = ["started_at", "kind", "succeeded", "is_dry_run", "file_name", "what_it_did"]
    list_filter = ["kind", "is_dry_run", "succeeded"]
    search_fields = ["file_name", "site"]
    date_hierarchy = "started_at"
    fields = [
        "kind", "site", "file_name", "is_dry_run", "started_at", "finished_at", "succeeded",
        "error", "what_it_did", "report",
    ]  # fmt: skip
    readonly_fields = ["what_it_did"]

    @admin.display(description="Counts")
    def what_it_did(self, run):
        return readable_counts(run.counts or {}) or "–"


@admin.register(OldAddress)
class OldAddressAdmin(RecordAdmin):
    list_display = ["path", "article", "tag", "person", "source"]
    list_filter = ["source"]
    search_fields = ["path"]
    list_select_related = ["article", "tag", "person"]


@admin.register(Pingback)
class PingbackAdmin(RecordAdmin):
    list_display = ["created_at", "kind", "site_name", "url", "article", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["site_name", "url"]
    list_select_related = ["article"]


@admin.register(DeletedImport)
class DeletedImportAdmin(RecordAdmin):
    """What imports leave out because it was deleted here; deleting a record lets it come back."""

    list_display = ["deleted_at", "kind", "source", "import_id"]
    list_filter = ["kind", "source"]
    search_fields = ["import_id"]
