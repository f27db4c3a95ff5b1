"""The in-app page cache: the first middleware, answering anonymous readers from memory.

A page is stored only when its view marked it shared (`@shared_page`), it is
a 200, it sets no cookie, and its URL carries no query string beyond a page
number; a hit is checked against its tags' current generations, so a purge
anywhere reaches every process on its next request.
"""

import hashlib
import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.http.response import ResponseHeaders
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from prometheus_client import Counter

from guard.sharedcache import CACHE_ERRORS

from . import tags
from .store import Page, PageStore

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
PAGES = Counter(
    "immunoblog_page_cache_requests_total",
    "Requests the page cache could answer, by result: hit (answered from memory) or miss.",
    ["result"],
)
# The only query string a shared page may carry: a page number.
MAX_PAGE_DIGITS = 4


@lru_cache(maxsize=1)
def page_store():
    """This process's pages (one store per process, within PAGE_CACHE_MAX_BYTES)."""
    return PageStore(settings.PAGE_CACHE_MAX_BYTES)


def page_key(request):
    """The one key of a page: scheme, host and full path (canonical URLs are built from them)."""
    raw = "\n".join([request.scheme, request.get_host(), request.get_full_path()])
    return hashlib.sha256(raw.encode()).hexdigest()


def _is_shareable_query(query_string):
    if not query_string:
        return True
    name, _, value = query_string.partition("=")
    return name == "page" and value.isascii() and value.isdigit() and len(value) <= MAX_PAGE_DIGITS


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
        and getattr(response, "page_generations", None) is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
    )


def seconds_until(moment, longest):
    """How long something may be cached: `longest`, or less if `moment` comes first."""
    if moment is None:
        return longest
    return max(0, min(longest, int(moment.timestamp() - time.time())))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        try:
            key = page_key(request)
        except DisallowedHost:
            return self.get_response(request)
        page = page_store().get(key)
        if page is not None:
            try:
                current = tags.still_current(page.generations)
            except CACHE_ERRORS as error:
                # Purges made meanwhile cannot be seen: none of the pages kept here is sure.
                logger.warning("Shared cache unreachable (%s): pages kept here dropped.", error)
                page_store().clear()
                current = None
            if current is not None:
                if current is not page.generations:
                    page_store().set(key, page._replace(generations=current))
                PAGES.labels("hit").inc()
                return self._replay(request, page)
        PAGES.labels("miss").inc()
        response = self.get_response(request)
        if _may_store(request, response):
            self._store(key, response)
        return response

    @staticmethod
    def _store(key, response):
        timeout = seconds_until(
            getattr(response, "page_expires_at", None), settings.PAGE_CACHE_SECONDS
        )
        if timeout > 0:
            page = Page(
                expires_at=time.time() + timeout,
                generations=response.page_generations,
                status=response.status_code,
                headers=ResponseHeaders(dict(response.items())),
                content=response.content,
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            )
            page_store().set(key, page)

    @staticmethod
    def _replay(request, page):
        response = HttpResponse(page.content, status=page.status)
        # A copy made when the page was stored, checked then. Nothing between
        # this first middleware and the server changes a response's headers,
        # so every replay of the page shares it.
        response.headers = page.headers
        return get_conditional_response(
            request, etag=page.headers.get("ETag"), last_modified=page.last_modified,
            response=response,
        )  # fmt: skip
