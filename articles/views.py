from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from pagecache.decorators import shared_page
from pagecache.tags import ARTICLES, COMMENTS, DISCUSSION, article_tag, comments_tag

from .models import Article, MedicalDisclaimer, Person, Tag
from .search import parse_query


class ArticleListMixin:
    """What the home, tag and search pages share: published articles, paginated."""

    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"

    def get_queryset(self):
        return (
            Article.objects.published().for_listing().with_schedule_horizon().with_comment_count()
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        articles = context["object_list"]
        response.page_expires_at = (
            articles[0].site_next_scheduled_at if articles else Article.objects.next_scheduled_at()
        )
        return response


@method_decorator(shared_page(tags=[ARTICLES, COMMENTS]), name="dispatch")
class HomeView(ArticleListMixin, ListView):
    template_name = "articles/article_list.html"


@method_decorator(shared_page(tags=[ARTICLES, COMMENTS]), name="dispatch")
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


@method_decorator(shared_page(tags=[ARTICLES]), name="dispatch")
class PersonView(ArticleListMixin, ListView):
    """A person's profile: who they are, and the published articles they wrote or reviewed.

    A person credited on no published article has no public page.
    """

    template_name = "articles/person_detail.html"

    @cached_property
    def person(self):
        return get_object_or_404(Person, slug=self.kwargs["slug"])

    def get_queryset(self):
        return super().get_queryset().credited_to(self.person).select_related("reviewer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(person=self.person, **kwargs)
        if not context["object_list"]:
            # Checked on the page already fetched: no extra query, unlike allow_empty.
            raise Http404("Nobody by that name has a published article.")
        return context


class ArticlePageMixin:
    """The article page. Its template includes the discussion (comments/section.html)."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def canonical_path(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        canonical_url = self.request.build_absolute_uri(self.canonical_path())
        context["canonical_url"] = canonical_url
        context["meta_tags"] = self.object.meta_tags(canonical_url, settings.SITE_NAME)
        context["disclaimer"] = MedicalDisclaimer.load()
        if self.request.GET:
            # ?replytocom=… and the like are the same article: never a page of their own.
            context["robots"] = "noindex, follow"
        return context


@method_decorator(shared_page(tags=[ARTICLES, DISCUSSION]), name="dispatch")
class ArticleDetailView(ArticlePageMixin, DetailView):
    def get_queryset(self):
        return Article.objects.published().for_page()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.page_tags = [article_tag(self.object.pk), comments_tag(self.object.pk)]
        response.page_expires_at = self.object.site_next_scheduled_at
        return response


@method_decorator(
    [
        never_cache,
        staff_member_required,
        permission_required("articles.change_article", raise_exception=True),
    ],
    name="dispatch",
)
class ArticlePreviewView(ArticlePageMixin, DetailView):
    """Editors see a draft or scheduled article as readers will.

    Signed out, the admin's sign-in page; signed in as staff without the
    permission to change articles (the Editors group has it), 403: a staff
    flag alone reads no draft.
    """

    def get_queryset(self):
        return Article.objects.for_page()

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)
