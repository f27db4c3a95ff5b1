import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /comments/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _render_plain(template_name, **context):
    """Render an error page without context processors (they may be what failed)."""
    context = {"SITE_NAME": settings.SITE_NAME, **context}
    return loader.get_template(template_name).render(context)


def bad_request(request, exception):
    """The 400 handler: the site's page, and nothing read from the request.

    Django's own handler runs the CSRF check, which reads the body again:
    the body that could not be read the first time, so a 400 became a 500.
    """
    return HttpResponseBadRequest(_render_plain("400.html"))


def server_error(request):
    """The 500 handler; a database that cannot be reached is a 503, not a bug.

    Readers get a branded page that says to come back shortly, with
    Retry-After, instead of a traceback or a bare "Server Error".
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(_render_plain("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(_render_plain("500.html"))


def csrf_failure(request, reason=""):
    logger.info("CSRF check failed for %s: %s", request.path, reason)
    return HttpResponseForbidden(
        _render_plain("403_csrf.html", path=request.path), content_type="text/html"
    )
