"""Where a request came from, as the browser says: Sec-Fetch-Site and Origin."""

from django.conf import settings

# Sec-Fetch-Site values of requests this site's own pages (or the reader) made.
OWN_FETCH_SITES = {"same-origin", "none"}


def is_cross_site(request):
    """Did the browser say this request was started by another site?

    Sec-Fetch-Site "cross-site" or "same-site" (a sibling subdomain is
    another site here), or an Origin that is not this site's own nor one of
    CSRF_TRUSTED_ORIGINS ("null" included: sandboxed frames and data: URLs
    send it). A request with neither header (an old browser, a script) is
    not refused here; the CSRF token decides.
    """
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None and fetch_site.strip().lower() not in OWN_FETCH_SITES:
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return False
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS
