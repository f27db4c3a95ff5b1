from django.contrib import admin
from django.urls import reverse

from .forms import ArticleAdminForm
from .models import Article, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "published_at", "tag_list", "author", "updated_at"]
    list_filter = ["status", "tags", "published_at", "allow_comments"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    list_select_related = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "excerpt", "body", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
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
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="Tags")
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    def view_on_site(self, article):
        """Published articles open on the site; drafts and scheduled ones in preview."""
        if article.is_public:
            return article.get_absolute_url()
        return reverse("articles:preview", kwargs={"pk": article.pk})
