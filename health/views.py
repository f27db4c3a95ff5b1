"""/healthz, /readyz and /metrics: plain text, never cached, nothing secret."""

from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import CONTENT_TYPE_LATEST

from .access import may_read_metrics
from .checks import site_state
from .metrics import exposition


def uncached(response):
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    """The process answers (nothing else is asked: no database, no cache)."""
    return uncached(HttpResponse("ok\n", content_type="text/plain; charset=utf-8"))


def readyz(request):
    """503 only when this process cannot serve (its database); otherwise 200, with each way
    the site is degraded on a line of its own."""
    state = site_state()
    problems = state.problems()
    if not state.ready:
        lines = [f"not ready: {problem}" for problem in problems]
    else:
        lines = ["ready", *(f"degraded: {problem}" for problem in problems)]
    body = "\n".join(lines) + "\n"
    return uncached(
        HttpResponse(
            body, status=200 if state.ready else 503, content_type="text/plain; charset=utf-8"
        )
    )


def metrics(request):
    """Prometheus's page, for the operator's network only (404 to anyone else)."""
    if not may_read_metrics(request):
        return uncached(HttpResponseNotFound("Not found\n", content_type="text/plain"))
    return uncached(HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST))
