from django.contrib import admin

from .models import RateCounter


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    """Read-only: the counters behind the rate limits, by keyed hash (never an address)."""

    list_display = ["key", "hits", "expires_at"]
    ordering = ["-hits"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
