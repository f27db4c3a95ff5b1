"""The first middleware: answers the probes itself and counts every request by route name."""

from functools import lru_cache

from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from .metrics import REQUESTS

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"}


@lru_cache(maxsize=1)
def probe_paths():
    return {reverse(f"health:{name}") for name in ("healthz", "readyz", "metrics")}


def route_name(request):
    """The name of the route that answered (never the path, which can carry tokens)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        if request.path_info.startswith(settings.STATIC_URL):
            return "static"
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unmatched"
    return match.view_name or "unnamed"


class HealthMiddleware:
    """Load balancers and Prometheus reach a server by its address, over plain HTTP: the
    probes are answered before the host check, the HTTPS redirect, sessions and the page
    cache, none of which they need."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in probe_paths():
            request.resolver_match = resolve(request.path_info)
            response = request.resolver_match.func(request)
        else:
            response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(route_name(request), method, str(response.status_code)).inc()
        return response
