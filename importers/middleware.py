"""Old WordPress and Disqus addresses answer 301 to where their content lives now.

Only what the import stored is answered, and only where the blog itself has
nothing: `/?p=ID` and `/index.php?p=ID` (the home page takes no `p`), and any
path the blog answers 404. The blog's own URLs are never shadowed; anything
unknown stays the normal 404 (a date archive such as `/2023/05/` included:
no page here lists one, and sending it to the home page would be a soft 404).
"""

import re

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from articles.models import Article, Tag
from comments.models import Comment

from .models import WORDPRESS, OldAddress
from .writing import comment_permalink

# /2023/05/01/slug/, /2023/05/slug/, /slug/, each optionally …/comment-page-N/
PERMALINK = re.compile(r"^/(?:\d{4}/\d{2}/(?:\d{2}/)?)?(?P<slug>[^/]+)/(?:comment-page-\d+/)?$")
COMMENT_PAGE = re.compile(r"comment-page-\d+/$")
# WordPress's feed of a post's comments, or of a category or tag: …/feed/ (and its kinds).
FEED = re.compile(r"feed/(?:(?:rss2|rss|rdf|atom)/)?$")
HOME_PATHS = ("/", "/index.php")
MAX_PATH = 500
SAFE_METHODS = ("GET", "HEAD")


def _number(value):
    value = (value or "").strip()
    return value if value.isdigit() and len(value) <= 20 else None


def target_for(article, reply_to=None):
    """Where an old address of this article (and maybe one of its comments) goes now."""
    if not article.is_public:
        return None
    if reply_to:
        comment = (
            Comment.objects.public()
            .filter(article=article, import_source=WORDPRESS, import_id=reply_to)
            .values_list("pk", flat=True)
            .first()
        )
        if comment is not None:
            return comment_permalink(comment)
    return article.get_absolute_url()


def old_post_target(query):
    """`/?p=ID` (and `&replytocom=N`): the WordPress post id the import stored."""
    post_id = _number(query.get("p"))
    if post_id is None:
        return None
    article = Article.objects.filter(import_source=WORDPRESS, import_id=post_id).first()
    return target_for(article, _number(query.get("replytocom"))) if article else None


def feed_of(target):
    """WordPress's feed of a post is its comments; of a category or tag, its articles."""
    if isinstance(target, Article):
        return reverse("comments:feed", args=[target.slug]) if target.is_public else None
    if isinstance(target, Tag):
        return reverse("articles:tag_feed", args=[target.slug])
    return None


def old_path_target(path, query):
    """A permalink, a category, tag or author page, or a Disqus thread link the import stored,
    with or without a comment page; or the feed of one of them."""
    if len(path) > MAX_PATH or not path.isprintable():
        return None  # no export stores such a path (and PostgreSQL refuses a NUL)
    # WordPress answers without the final slash too.
    path = path if path.endswith("/") else f"{path}/"
    is_feed = path != "/feed/" and FEED.search(path) is not None
    if is_feed:
        path = FEED.sub("", path)
    candidates = [path, COMMENT_PAGE.sub("", path)]
    match = PERMALINK.match(path)
    if match:
        candidates.append(f"/{match['slug']}/")
    found = OldAddress.objects.filter(path__in=set(candidates))
    old = {
        address.path: address.target for address in found.select_related("article", "tag", "person")
    }
    for candidate in candidates:
        if candidate not in old:
            continue
        target = old[candidate]
        if is_feed:
            return feed_of(target)
        if isinstance(target, Article):
            return target_for(target, _number(query.get("replytocom")))
        return target.get_absolute_url()
    return None


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS and request.path in HOME_PATHS and "p" in request.GET:
            target = old_post_target(request.GET)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in SAFE_METHODS:
            target = old_path_target(request.path, request.GET)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
