from dataclasses import replace

from django.conf import settings
from django.core import signing
from django.http import Http404, JsonResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.generic import DetailView

from articles.models import Article
from articles.views import ArticleDetailView, ArticlePageMixin
from guard.origin import is_cross_site

from . import ratelimit
from .discussion import comment_url, load_discussion, reply_to_id
from .editing import author_tools
from .editors import editor_from_request
from .forms import CommentForm, parse_id
from .models import Comment
from .services import Client, post_comment
from .signing import comment_id_from_token

# The status of the re-rendered form, by the reason the post was refused.
# What the author's own page tells them first, named in its query (?note=).
AUTHOR_NOTES = {
    "saved": "Your changes were saved.",
    "confirm-mail": "To hear of replies, confirm your email address: we are mailing you a "
    "link to open (it can take a few minutes; look in your spam folder too).",
}
ERROR_STATUS = {"invalid": 400, "duplicate": 409, "flood": 429}


def _csrf_passes(request):
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


def _form_page(request, form, *, status, confirm=False, rate_limited=False, wait=0):
    context = {
        "wait": wait,
        "form": form,
        # A rate-limited post costs no query: its page names no article.
        "article": None if rate_limited else _posted_article(form.data),
        "confirm": confirm,
        "confirmed": confirm or form.data.get("confirmed") == "1",
        "rate_limited": rate_limited,
        "parent_id": parse_id(form.data.get("parent")),
        "editor": editor_from_request(request) if form.for_editor else None,
        # A fresh token: whoever saw this page can post it.
        "csrf_token_value": get_token(request),
    }
    return render(request, "comments/post_form.html", context, status=status)


def _posted_article(data):
    """The published article a post names, if any (the form says why not)."""
    return Article.objects.published().filter(pk=parse_id(data.get("article"))).first()


def _posted_data(request):
    """The posted fields, with bytes that are not valid in the body's charset as U+FFFD.

    Django decodes such a urlencoded body as Latin-1 as a whole, which would
    garble every other non-ASCII character typed; decoding with replacement
    keeps what can be read, and the form names the field that cannot be.
    """
    if request.content_type == "application/x-www-form-urlencoded":
        encoding = request.encoding or settings.DEFAULT_CHARSET
        try:
            request.body.decode(encoding)
        except UnicodeDecodeError:
            return QueryDict(request.body.decode(encoding, errors="replace"), encoding=encoding)
    return request.POST


@csrf_exempt  # checked below: a missing token gets a confirmation page instead of a 403
@require_POST
@never_cache
def post(request):
    """Post a comment; redirect to it, or show the form again with what was typed.

    In order of cost: a post another site started is refused before anything
    is read; a client over its rate limit gets its text back before anything
    is validated or sanitised; a post without a valid token gets the
    confirmation page; only then is the comment validated and stored.
    """
    if is_cross_site(request):
        return render(request, "comments/cross_site.html", status=403)
    data = _posted_data(request)
    # Confirmed on our confirmation page, which another site may have led to:
    # no editor's privileges for it, whoever is logged in.
    client = Client.from_request(request, stranger=data.get("confirmed") == "1")
    if not ratelimit.allow(client.ip_address):
        form = client.form_class(data).unchecked()
        wait = ratelimit.retry_after()
        response = _form_page(request, form, status=429, rate_limited=True, wait=wait)
        response["Retry-After"] = str(wait)
        return response
    if not _csrf_passes(request):
        # A stranger's form, whoever is signed in: the confirmed post is a stranger's.
        form = CommentForm(data)
        return _form_page(request, form, status=200 if form.is_valid() else 400, confirm=True)
    result = post_comment(data, client)
    if result.discarded:
        # Answer a robot as if all went well: back to the article.
        return redirect(_posted_article(data) or "articles:home")
    if result.error_code:
        response = _form_page(request, result.form, status=ERROR_STATUS[result.error_code])
        if result.retry_after:
            response["Retry-After"] = str(result.retry_after)
        return response
    # The author's own (uncached) page for the comment: with its edit link.
    asked = result.form.cleaned_data.get("notify")
    return redirect(result.comment.author_url_for_status(note="confirm-mail" if asked else ""))


@require_GET
@never_cache
def csrf_token(request):
    """A CSRF token for the comment form, fetched by comments.js when it is needed.

    The article page itself carries no token, so it is the same for everyone
    and can be cached; this tiny response is never cached.
    """
    return JsonResponse({"token": get_token(request)})


class AuthorsCommentPage(ArticlePageMixin, DetailView):
    """The article as the author of one comment sees it, reached by a signed link.

    Never cached and never indexed: it carries the comment's edit link while
    the editing window is open.
    """

    def get(self, request, *args, **kwargs):
        """The page for the comment the signed link names, while the link lasts.

        A link older than COMMENT_PENDING_LINK_SECONDS gets the same 410 page
        from each of the views it opens, a tampered one a 404; the
        comment, once trashed or deleted, a 404 too.
        """
        try:
            comment_id = comment_id_from_token(kwargs["token"])
        except signing.SignatureExpired:
            return render(request, "comments/pending_expired.html", status=410)
        except signing.BadSignature:
            raise Http404("This link is not valid.") from None
        comment = get_object_or_404(
            Comment.objects.exclude(status=Comment.Status.TRASH), pk=comment_id
        )
        return self.answer(comment, kwargs["token"])

    def show(self, comment):
        self.comment = comment
        self.object = get_object_or_404(
            Article.objects.published().for_page(), pk=comment.article_id
        )
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["robots"] = "noindex, nofollow"
        # A signed-in editor who saved a reader's edit is told what became of it.
        editor = editor_from_request(self.request)
        own = author_tools(self.comment, for_editor=editor is not None)
        note = AUTHOR_NOTES.get(self.request.GET.get("note", ""))
        if note:
            own["html"] = format_html(
                '<p class="comment-author-note" role="status">{}</p>{}', note, own["html"]
            )
        context["own_comment"] = own
        return context


@method_decorator(never_cache, name="dispatch")
class PendingCommentView(AuthorsCommentPage):
    """The article with a pending comment shown to its author alone.

    Nobody else can reach the comment: the link is signed with the site's
    secret and expires after COMMENT_PENDING_LINK_SECONDS.
    """

    def answer(self, comment, token):
        if comment.is_public:
            return redirect(comment_url(comment))
        return self.show(comment)

    def get_context_data(self, **kwargs):
        return super().get_context_data(pending_comment=self.comment, **kwargs)


@method_decorator(never_cache, name="dispatch")
class PostedCommentView(AuthorsCommentPage):
    """The article as the author of a published comment sees it right after posting.

    The same signed link as a pending comment's, expiring as it does: the
    page says the comment is published and carries its edit link while the
    editing window is open. The shared article page stays the same for
    everyone; comments.js adds the edit link there from this browser's own
    storage.
    """

    def answer(self, comment, token):
        if not comment.is_public:
            # The same token, not a fresh one: following it never makes a link last longer.
            url = reverse("comments:pending", kwargs={"token": token})
            return redirect(f"{url}#comment-{comment.pk}")
        return self.show(comment)


class CommentPageView(ArticleDetailView):
    """A page of the article's discussion, `<article URL>comment-page-N/`: canonical to itself.

    Shared and purged like the article page (same tags). A number past the
    last page, or naming the page the article URL shows, redirects (302: the
    last page moves as comments come).
    """

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.discussion = load_discussion(
            self.object, page=kwargs["page"], reply_to_id=reply_to_id(request)
        )
        # A signed-in editor's page (never cached) gets their form and Edit links.
        if editor := editor_from_request(request):
            self.discussion = replace(self.discussion, editor=editor)
        url = self.discussion.page.url
        if url != request.path:
            query = request.META.get("QUERY_STRING", "")
            return redirect(f"{url}?{query}" if query else url)
        return self.render_to_response(self.get_context_data(object=self.object))

    def canonical_path(self):
        return self.discussion.page.url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            discussion=self.discussion, comment_page=self.discussion.page.number, **kwargs
        )
        context["meta_tags"] = self.object.meta_tags(
            context["canonical_url"],
            settings.SITE_NAME,
            title=self.discussion.page_title,
            description=self.discussion.page_description,
        )
        return context


@require_safe
@never_cache
def permalink(request, pk):
    """A comment's permanent link: 302 to the page and anchor where it lives now.

    A comment that is not public, or on an article that is not, gets the
    same 404 as an id that never existed, after the same one query.
    """
    comment = (
        Comment.objects.public()
        .filter(pk=pk, article__in=Article.objects.published())
        .select_related("article", "thread")
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    return redirect(comment_url(comment))
