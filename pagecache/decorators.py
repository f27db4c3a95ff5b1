from functools import wraps

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import http_date

from guard.sharedcache import CACHE_ERRORS

from . import tags as page_tags
from .middleware import seconds_until


def mark_shared(response, tags, since):
    """Declare a response the same for every anonymous reader, showing `tags`.

    `since` is the site's epoch (tags.epoch()) read before the response's
    content was read from the database. The page is kept (in this process's
    memory and in the HTTP cache in front) only if nothing was purged
    meanwhile: a purge between `since` and now, or of one of the page's own
    tags while a template response renders (checked once it has), may be of
    a change the page does not show.

    Browsers must revalidate each time (max-age=0; the ETag makes that a
    cheap 304). The long lifetime goes to the HTTP cache in front only, in
    Surrogate-Control, which Varnish reads and strips: only a cache that is
    purged by tag keeps a page long. The tags travel as `xkey` (Varnish),
    `Surrogate-Key` and `Cache-Tag` (CDNs that read those), with `site`, which
    every shared page carries (tags.purge_everything).
    """
    tags = sorted({*tags, page_tags.SITE})
    seen = page_tags.generations(tags)
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    lifetime = seconds_until(
        getattr(response, "page_expires_at", None), settings.PAGE_CACHE_SHARED_MAX_AGE
    )
    response["Surrogate-Control"] = f"max-age={lifetime}"
    response["xkey"] = response["Surrogate-Key"] = " ".join(tags)
    response["Cache-Tag"] = ",".join(tags)
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()
    if seen is None or since is None:
        # The shared cache is down: no process could check the page, so none
        # keeps it; the HTTP cache in front is purged without it and may.
        response.page_generations = None
    elif seen[page_tags.EPOCH] != since:
        _not_kept(response)
    else:
        response.page_generations = seen
        if getattr(response, "is_rendered", True):
            _keep_if_current(response)
        else:
            response.add_post_render_callback(_keep_if_current)
    return response


def _keep_if_current(response):
    try:
        current = page_tags.still_current(response.page_generations)
    except CACHE_ERRORS:
        response.page_generations = None  # as when the cache was down from the start
        return
    if current is None:
        _not_kept(response)
    else:
        response.page_generations = current  # with the epoch a purge elsewhere moved on


def _not_kept(response):
    """Sent as it is, kept by no cache: it may be older than a purge already made."""
    response.page_generations = None
    response["Surrogate-Control"] = "max-age=0"


def shared_page(tags=()):
    """Mark a view's 200 responses as shared pages (for requests without a session).

    `tags` lists what every response of the view shows; a view adds the tags
    of what it found (an article's id, say) as `response.page_tags`. The
    site's epoch is read before the view runs, so a change committed while
    the page is being built keeps it out of every cache (mark_shared).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            is_private = settings.SESSION_COOKIE_NAME in request.COOKIES
            since = None if is_private else page_tags.epoch()
            response = view(request, *args, **kwargs)
            if is_private:
                # A signed-in editor's page may carry their own tools (Edit
                # links, a form with a token): private, whatever sits in front.
                add_never_cache_headers(response)
            elif response.status_code == 200:
                mark_shared(response, [*tags, *getattr(response, "page_tags", ())], since)
            return response

        return wrapped

    return decorator
