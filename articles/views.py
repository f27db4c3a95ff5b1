from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from immunoblog import jsonld
from immunoblog.pagecache import shared_page

from .models import Article, Tag
from .search import parse_query


class ArticleListMixin:
    """What the home, tag and search pages share: published articles, paginated."""

    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing().with_schedule_horizon()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        articles = context["object_list"]
        response.page_expires_at = (
            articles[0].site_next_scheduled_at if articles else Article.objects.next_scheduled_at()
        )
        return response


@method_decorator(shared_page, name="dispatch")
class HomeView(ArticleListMixin, ListView):
    template_name = "articles/article_list.html"


@method_decorator(shared_page, name="dispatch")
class TagView(ArticleListMixin, ListView):
    template_name = "articles/tag_detail.html"

    @cached_property
    def tag(self):
        return get_object_or_404(Tag, slug=self.kwargs["slug"])

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"

    @cached_property
    def query(self):
        return parse_query(self.request.GET.get("q", ""))

    def get_queryset(self):
        if not self.query.terms:
            return Article.objects.none()
        return super().get_queryset().search(self.query.terms)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


class ArticlePageMixin:
    """The article page: SEO head, JSON-LD, and what installed apps add to it.

    Apps listed in ARTICLE_PAGE_EXTENSIONS (the comments app, for one) each
    return extra context for the page; this app never imports them.
    """

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        canonical_url = self.request.build_absolute_uri(article.get_absolute_url())
        schema_extra = {}
        for dotted_path in settings.ARTICLE_PAGE_EXTENSIONS:
            extension = import_string(dotted_path)(self.request, article)
            schema_extra.update(extension.pop("schema", {}))
            context.update(extension)
        context.update(
            canonical_url=canonical_url,
            meta_tags=article.meta_tags(canonical_url, settings.SITE_NAME),
            schema_json=jsonld.dumps(article.schema(canonical_url, schema_extra)),
        )
        return context


@method_decorator(shared_page, name="dispatch")
class ArticleDetailView(ArticlePageMixin, DetailView):
    def get_object(self, queryset=None):
        article = Article.objects.for_page(self.kwargs["slug"])
        if article is None:
            raise Http404("No article here.")
        return article

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.page_expires_at = self.object.site_next_scheduled_at
        return response


@method_decorator([never_cache, staff_member_required], name="dispatch")
class ArticlePreviewView(ArticlePageMixin, DetailView):
    """Editors see a draft or scheduled article as readers will."""

    def get_queryset(self):
        return Article.objects.select_related("author").with_tag_list().with_neighbours()

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)
