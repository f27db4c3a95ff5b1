from functools import wraps

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import http_date

from . import tags as page_tags
from .middleware import seconds_until


def mark_shared(response, tags, seen=None):
    """Declare a response the same for every anonymous reader, showing `tags`.

    `seen` are the tags' generations (tags.generations()) when they were read
    before the content was built, as a response built at once (a feed) must:
    a change committed meanwhile then counts as newer than the page.

    Browsers must revalidate each time (max-age=0; the ETag makes that a
    cheap 304). The long lifetime goes to the HTTP cache in front only, in
    Surrogate-Control, which Varnish reads and strips: only a cache that is
    purged by tag keeps a page long. The tags travel as `xkey` (Varnish),
    `Surrogate-Key` and `Cache-Tag` (CDNs that read those).
    """
    tags = sorted(set(tags))
    response.page_generations = page_tags.generations(tags) if seen is None else seen
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    lifetime = seconds_until(
        getattr(response, "page_expires_at", None), settings.PAGE_CACHE_SHARED_MAX_AGE
    )
    response["Surrogate-Control"] = f"max-age={lifetime}"
    response["xkey"] = response["Surrogate-Key"] = " ".join(tags)
    response["Cache-Tag"] = ",".join(tags)
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()
    return response


def shared_page(tags=()):
    """Mark a view's 200 responses as shared pages (for requests without a session).

    `tags` lists what every response of the view shows; a view adds the tags
    of what it found (an article's id, say) as `response.page_tags`. The
    generations are read before a template response renders, so a change
    committed while the page is being rendered already counts as newer.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in editor's page may carry their own tools (Edit
                # links, a form with a token): private, whatever sits in front.
                add_never_cache_headers(response)
            elif response.status_code == 200:
                mark_shared(response, [*tags, *getattr(response, "page_tags", ())])
            return response

        return wrapped

    return decorator
