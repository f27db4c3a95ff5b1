from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse


def _load_pages(directory):
    """Every saved page, read once per process: (body bytes, Content-Type) by name."""
    pages = {}
    for body_path in Path(directory).glob("*.body"):
        content_type = body_path.with_suffix(".type").read_text().strip()
        pages[body_path.stem] = (body_path.read_bytes(), content_type)
    return pages


PAGES = _load_pages(settings.BARE_PAGES_DIR) if settings.BARE_PAGES_DIR else {}


def page(request, name):
    """A saved page; "<size>-gz" is that page gzipped, as Varnish sends it."""
    try:
        body, content_type = PAGES[name]
    except KeyError:
        raise Http404("No such page.") from None
    response = HttpResponse(body, content_type=content_type)
    if name.endswith("-gz"):
        response["Content-Encoding"] = "gzip"
        response["Vary"] = "Accept-Encoding"
    return response
