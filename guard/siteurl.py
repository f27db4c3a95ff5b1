"""Absolute links for mail: from DJANGO_SITE_URL, never from a request's Host header."""

from django.conf import settings


def site_url(request=None):
    """The site's public address without a trailing slash, or "" when unknown.

    In development (DEBUG) the request's own scheme and host may stand in.
    """
    if settings.SITE_URL:
        return settings.SITE_URL
    if settings.DEBUG and request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return ""


def absolute_url(path, request=None):
    return site_url(request) + path
