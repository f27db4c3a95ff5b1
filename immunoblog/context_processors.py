from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

CHROME = {
    "head": "includes/site_head.html",
    "header": "includes/site_header.html",
    "footer": "includes/site_footer.html",
}


def _render_chrome():
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_DESCRIPTION": settings.SITE_DESCRIPTION}
    return {name: SafeString(render_to_string(path, context)) for name, path in CHROME.items()}


_rendered_chrome = lru_cache(maxsize=1)(_render_chrome)


def site(request):
    """Site name and the page chrome (stylesheets and feed links, header, footer).

    The chrome is the same on every page, so outside development it is
    rendered once per process instead of on every request.
    """
    chrome = _render_chrome() if settings.DEBUG else _rendered_chrome()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "site_chrome": chrome,
    }
