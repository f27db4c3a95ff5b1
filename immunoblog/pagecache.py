"""A page cache for anonymous readers, shared by every process.

Reader pages are identical for every anonymous visitor (no CSRF token, no
session, no commenter details), so a rendered page can be stored once and
served to everyone. Views opt in with @shared_page. PageCacheMiddleware sits
first in the stack: a hit skips every other middleware and the database.

Invalidation uses generations kept in the shared "default" cache: a page key
embeds the site-wide generation and its path's generation, so bumping either
makes every process stop finding the old page at once. Changing one article's
discussion bumps that article's path; saving an article bumps the site-wide
generation (lists, neighbours' previous/next links and feeds all show it).
"""

import hashlib
import re
import time
import uuid
import zlib
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags, parse_http_date_safe

SITE_GENERATION = "pagecache:gen:site"
SAFE_METHODS = ("GET", "HEAD")
# The only query string a shared page may carry: a page number.
MAX_PAGE_DIGITS = 4


def _shared():
    return caches["default"]


def _pages():
    return caches["pages"]


def _path_generation_key(path):
    return "pagecache:gen:path:" + hashlib.sha256(path.encode()).hexdigest()[:32]


def _new_generation():
    return uuid.uuid4().hex[:12]


def seconds_until(moment, longest):
    """How long something may be cached: `longest`, or less if `moment` comes first."""
    if moment is None:
        return longest
    return min(longest, int((moment - timezone.now()).total_seconds()))


def invalidate_all():
    """Forget every cached page."""
    _shared().set(SITE_GENERATION, _new_generation(), None)


def invalidate_paths(*paths):
    """Forget the cached pages at these paths (every host, every page number)."""
    _shared().set_many({_path_generation_key(path): _new_generation() for path in paths}, None)


def site_generation():
    """The current site-wide generation: it changes whenever any article is saved.

    Data derived from the set of articles (an article page's neighbours, say)
    can be cached under it and is forgotten with the pages.
    """
    shared = _shared()
    generation = shared.get(SITE_GENERATION)
    if generation is None:
        shared.add(SITE_GENERATION, _new_generation(), None)
        generation = shared.get(SITE_GENERATION, "")
    return generation


def _generations(path):
    shared = _shared()
    keys = [SITE_GENERATION, _path_generation_key(path)]
    found = shared.get_many(keys)
    if len(found) < len(keys):
        # A generation that is missing (never set, evicted, expired) is
        # created fresh; it can never match a page stored under an old one.
        for key in keys:
            if key not in found:
                shared.add(key, _new_generation(), None)
        found = shared.get_many(keys)
    return tuple(found.get(key, "") for key in keys)


def _is_shareable_query(query_string):
    if not query_string:
        return True
    name, _, value = query_string.partition("=")
    return name == "page" and value.isascii() and value.isdigit() and len(value) <= MAX_PAGE_DIGITS


def _page_key(scheme, host, full_path, path):
    site_generation, path_generation = _generations(path)
    # The host and scheme are part of the key: canonical URLs are built from them.
    raw = "\n".join([scheme, host, full_path, site_generation, path_generation])
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _request_key(request):
    return _page_key(request.scheme, request.get_host(), request.get_full_path(), request.path)


def _may_use_cache(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and _is_shareable_query(request.META.get("QUERY_STRING", ""))
    )


def _may_store(request, response):
    return (
        request.method == "GET"
        and getattr(response, "shared_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
    )


def set_etag(response):
    """A validator from the body's length and CRC-32: a few times cheaper than MD5.

    It only has to tell two versions of the same URL apart.
    """
    if not response.has_header("ETag"):
        content = response.content
        response["ETag"] = f'"{len(content):x}-{zlib.crc32(content):08x}"'


def shared_page(view):
    """Mark a view's response as the same for every anonymous reader.

    The page may be kept by this site's cache and by a CDN, which must check
    back each time (max-age=0 with an ETag makes that a cheap 304), unless
    PAGE_CACHE_SHARED_MAX_AGE allows it to keep the page a while.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response.shared_page = True
            if hasattr(response, "add_post_render_callback"):
                response.add_post_render_callback(set_etag)
            else:
                set_etag(response)
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            if settings.PAGE_CACHE_SHARED_MAX_AGE:
                patch_cache_control(response, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE)
            if not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date()
        return response

    return wrapped


def _fresh_entry(key):
    entry = _pages().get(key)
    if entry is not None and time.time() < entry[0]:
        return entry
    return None


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        try:
            key = _request_key(request)
        except DisallowedHost:
            return self.get_response(request)
        entry = _fresh_entry(key)
        if entry is not None:
            return self._replay(request, entry)
        response = self.get_response(request)
        if _may_store(request, response):
            self._store(key, response)
        return response

    def _store(self, key, response):
        timeout = seconds_until(
            getattr(response, "page_expires_at", None), settings.PAGE_CACHE_SECONDS
        )
        if timeout > 0:
            # The deadline travels with the page and is checked on reading
            # too: a cache's own expiry may lag behind the application's clock.
            deadline = time.time() + timeout
            entry = (deadline, response.status_code, list(response.items()), response.content)
            _pages().set(key, entry, timeout)

    def _replay(self, request, entry):
        _, status, headers, content = entry
        if _not_modified(request.META, headers):
            response = HttpResponseNotModified()
            headers = _not_modified_headers(headers)
        else:
            response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response


# Paths and hosts the WSGI front door may key by itself; anything else goes to Django.
_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9/_.-]*$")
_NOT_MODIFIED_DROPS = {"content-length", "content-type"}


class CachedPageApplication:
    """A WSGI front door that answers anonymous cache hits before Django starts.

    It keys a request exactly as PageCacheMiddleware does, from the raw WSGI
    environment, and replays the stored page (or a 304) without building a
    request, running signals and middleware, or touching the database. A
    miss, or any request it cannot key with certainty, goes to Django, where
    the middleware decides and stores. The host needs no check here: only
    pages Django served, to allowed hosts, are ever stored.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        entry = self._lookup(environ)
        if entry is None:
            return self.application(environ, start_response)
        _, status, headers, content = entry
        if _not_modified(environ, headers):
            start_response("304 Not Modified", _not_modified_headers(headers))
            return []
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [content]

    def _lookup(self, environ):
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        host = environ.get("HTTP_HOST")
        if (
            settings.PAGE_CACHE_SECONDS <= 0
            or environ.get("REQUEST_METHOD") not in SAFE_METHODS
            or not host
            or environ.get("SCRIPT_NAME")
            or settings.USE_X_FORWARDED_HOST
            or not _PLAIN_PATH.match(path)
            or not _is_shareable_query(query)
            or f"{settings.SESSION_COOKIE_NAME}=" in environ.get("HTTP_COOKIE", "")
        ):
            return None
        full_path = f"{path}?{query}" if query else path
        return _fresh_entry(_page_key(_wsgi_scheme(environ), host, full_path, path))


def _wsgi_scheme(environ):
    """request.scheme, from the environment (proxy header included)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def _not_modified_headers(headers):
    return [(name, value) for name, value in headers if name.lower() not in _NOT_MODIFIED_DROPS]


def _not_modified(environ, headers):
    """RFC 9110 conditional GET against the stored validators (environ or request.META)."""
    stored = {name.lower(): value for name, value in headers}
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        etags = parse_etags(if_none_match)
        etag = stored.get("etag", "").removeprefix("W/")
        return bool(etag) and ("*" in etags or etag in [e.removeprefix("W/") for e in etags])
    since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE", ""))
    modified = parse_http_date_safe(stored.get("last-modified", ""))
    return since is not None and modified is not None and modified <= since
