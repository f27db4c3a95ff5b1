from django.contrib import admin

from .models import PurgeFailure


@admin.register(PurgeFailure)
class PurgeFailureAdmin(admin.ModelAdmin):
    """Purges given up on, for editors to see: the record of what happened, not to be edited."""

    list_display = ["gave_up_at", "url", "tags", "attempts", "first_failed_at", "last_error"]
    list_filter = ["url"]
    search_fields = ["tags"]
    date_hierarchy = "gave_up_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
