"""The fonts we serve: recorded, licensed, complete for our text, and cache-busted."""

import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.templatetags.static import static
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "static" / "fonts"
STYLESHEET = ROOT / "static" / "css" / "site.css"

# Text the pages print besides the article: the discussion's headings and
# messages, and commenters' names from across Europe (Latin Extended).
PAGE_TEXT = (
    "8 thoughts on “Unlocking the Power of Immunotherapy” – Leave a Reply — "
    "Duplicate comment detected; it looks as though you’ve already said that! … "
    "Zoë Łukasiewicz, Dvořák, Ørsted, Şahin Öztürk, Ægir Þórsson, Đorđe, Ľubica, "
    "Małgorzata Wąsowska, Çelik, Gruß, Ŵyn, Ő"
)


def font_faces():
    """The @font-face rules of site.css that load one of our files."""
    faces = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", STYLESHEET.read_text()):
        descriptors = dict(re.findall(r"([a-z-]+)\s*:\s*([^;]+);", block))
        source = re.search(r'url\("\.\./fonts/([^"]+)"\)', descriptors["src"])
        if source:
            descriptors["file"] = FONTS / source.group(1)
            descriptors["ranges"] = unicode_ranges(descriptors["unicode-range"])
            faces.append(descriptors)
    return faces


def unicode_ranges(text):
    ranges = []
    for item in re.split(r"[\s,]+", text.strip()):
        start, _, end = item.removeprefix("U+").partition("-")
        ranges.append((int(start, 16), int(end or start, 16)))
    return ranges


def test_every_font_file_is_recorded_with_its_package_and_checksum():
    record = (FONTS / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([^`]+\.woff2)` \|.*\| `([0-9a-f]{64})` \|$", record, re.M))
    files = {path.name: path for path in FONTS.glob("*.woff2")}
    assert files
    assert set(rows) == set(files)
    for name, path in files.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == rows[name], name
    assert "@fontsource-variable/source-serif-4@" in record


def test_fonts_travel_with_their_licence_and_copyright_notices():
    licence = (FONTS / "OFL.txt").read_text()
    assert "SIL Open Font License, Version 1.1" in licence
    for path in FONTS.glob("*.woff2"):
        notice = TTFont(path)["name"].getDebugName(0)
        assert notice in licence, path.name


def test_every_font_file_is_declared_swapping_and_in_use():
    faces = font_faces()
    assert {face["file"] for face in faces} == set(FONTS.glob("*.woff2"))
    assert all(face["font-display"] == "swap" for face in faces)


@pytest.mark.django_db
def test_shipped_faces_have_a_glyph_for_every_character_the_pages_show(seed_article):
    text = BeautifulSoup(seed_article.body_html, "html.parser").get_text()
    text += seed_article.title + PAGE_TEXT
    characters = {ord(char) for char in text if not char.isspace()}
    faces = font_faces()
    styles = {(face["font-family"], face["font-style"]) for face in faces}
    assert len(styles) == 4
    missing = {}
    for style in styles:
        files = [face for face in faces if (face["font-family"], face["font-style"]) == style]
        for char in characters:
            face = next((f for f in files if any(lo <= char <= hi for lo, hi in f["ranges"])), None)
            covered = face and char in TTFont(face["file"]).getBestCmap()
            if not covered:
                missing.setdefault(style, []).append(chr(char))
    assert not missing


def test_collectstatic_gives_fonts_hashed_names_that_the_stylesheet_and_preload_use(
    settings, tmp_path
):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    stylesheet = (tmp_path / manifest["css/site.css"]).read_text()
    for path in FONTS.glob("*.woff2"):
        hashed = manifest[f"fonts/{path.name}"]
        assert hashed != f"fonts/{path.name}"
        assert (tmp_path / hashed).read_bytes() == path.read_bytes()
        assert f'url("../{hashed}")' in stylesheet
    preload = static("fonts/source-serif-4-latin-wght-normal.woff2")
    assert preload == "/static/" + manifest["fonts/source-serif-4-latin-wght-normal.woff2"]


def test_article_page_preloads_its_face(client, seed_article):
    page = BeautifulSoup(client.get(seed_article.get_absolute_url()).content, "html.parser")
    preload = page.select_one('link[rel="preload"][as="font"]')
    assert preload["href"] == static("fonts/source-serif-4-latin-wght-normal.woff2")
    assert preload["type"] == "font/woff2"
    assert preload.has_attr("crossorigin")
