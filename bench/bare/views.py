import json
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse


def _load_pages(directory):
    """Every saved page, read once per process: (body bytes, headers) by name."""
    pages = {}
    for body_path in Path(directory).glob("*.body"):
        headers = json.loads(body_path.with_suffix(".headers").read_text())
        pages[body_path.stem] = (body_path.read_bytes(), headers)
    return pages


PAGES = _load_pages(settings.BARE_PAGES_DIR) if settings.BARE_PAGES_DIR else {}


def page(request, name):
    """A saved page with the headers it was served with ("<size>-gz": as Varnish sent it)."""
    try:
        body, headers = PAGES[name]
    except KeyError:
        raise Http404("No such page.") from None
    return HttpResponse(body, headers=dict(headers))
