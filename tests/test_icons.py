"""The site's icon: linked from every page, answered at /favicon.ico, in the sizes devices use."""

import struct
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.factories import make_editor

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
LINKS = {
    ("icon", "image/svg+xml"): "icons/favicon.svg",
    ("icon", "image/png"): "icons/favicon-32.png",
    ("apple-touch-icon", None): "icons/apple-touch-icon.png",
}
ERROR_TEMPLATES = ["400.html", "403.html", "403_csrf.html", "500.html", "503.html"]


def png_size_and_alpha(data):
    """Width, height and whether the PNG has an alpha channel (colour types 4 and 6)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour in (4, 6)


def assert_links_icons(html):
    head = BeautifulSoup(html, "html.parser").head
    for (rel, kind), path in LINKS.items():
        link = head.find("link", rel=rel, type=kind)
        assert link, f"no {rel} {kind or ''} link"
        assert link["href"].startswith("/static/")
        assert link["href"].endswith(path)
        assert finders.find(path), path


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("favicon.ico", "image/x-icon"), ("apple-touch-icon.png", "image/png")],
)
def test_icon_answers_at_the_root_and_may_be_cached(client, name, media_type):
    response = client.get(f"/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert response["Cache-Control"] == "max-age=86400, public"
    assert response["Last-Modified"]
    assert b"".join(response.streaming_content) == (ICONS / name).read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/no-such-page/", "/admin/login/"])
def test_page_links_the_icons(client, path):
    assert_links_icons(client.get(path).content)


def test_article_page_links_the_icons(client, seed_article):
    assert_links_icons(client.get(seed_article.get_absolute_url()).content)


@pytest.mark.django_db
def test_admin_pages_link_the_icons(client):
    client.force_login(make_editor())
    assert_links_icons(client.get("/admin/").content)


@pytest.mark.parametrize("template", ERROR_TEMPLATES)
def test_error_pages_link_the_icons(template):
    request = RequestFactory().get("/")
    assert_links_icons(render_to_string(template, {"request": request}))


def test_icons_come_in_the_sizes_browsers_and_phones_ask_for():
    assert png_size_and_alpha((ICONS / "favicon-32.png").read_bytes())[:2] == (32, 32)
    # iOS shows transparency as black: the touch icon is opaque.
    assert png_size_and_alpha((ICONS / "apple-touch-icon.png").read_bytes()) == (180, 180, False)
    ico = (ICONS / "favicon.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for n in range(count):
        width, _h, _c, _r, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * n : 22 + 16 * n]
        )
        assert png_size_and_alpha(ico[offset : offset + length])[0] == (width or 256)
        sizes.append(width)
    assert sizes == [16, 32, 48]
