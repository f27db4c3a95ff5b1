"""Copy the WOFF2 files the site serves from the npm packages into static/fonts/.

Run by `make fonts` after `npm ci --prefix fonts`. It also writes
static/fonts/README.md, recording where each file came from (package, version,
path inside the package, SHA-256) and the font's own copyright notice, and
static/fonts/OFL.txt, the licence that has to travel with the files.

Only Latin and Latin Extended are copied: the @font-face rules in
static/css/site.css give each file its unicode-range, so a page downloads the
Latin Extended file only when it shows such a character (a commenter's name).
"""

import hashlib
import json
import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "fonts" / "node_modules"
TARGET = ROOT / "static" / "fonts"

# (npm package, family, files); each file is one subset and style, every weight.
FACES = [
    (
        "@fontsource-variable/source-serif-4",
        "Source Serif 4",
        [
            "source-serif-4-latin-wght-normal.woff2",
            "source-serif-4-latin-ext-wght-normal.woff2",
            "source-serif-4-latin-wght-italic.woff2",
            "source-serif-4-latin-ext-wght-italic.woff2",
        ],
    ),
    (
        "@fontsource-variable/source-sans-3",
        "Source Sans 3",
        [
            "source-sans-3-latin-wght-normal.woff2",
            "source-sans-3-latin-ext-wght-normal.woff2",
            "source-sans-3-latin-wght-italic.woff2",
            "source-sans-3-latin-ext-wght-italic.woff2",
        ],
    ),
]
LICENCE_START = "This Font Software is licensed under the SIL Open Font License"


def package_version(package):
    return json.loads((MODULES / package / "package.json").read_text())["version"]


def licence_text(package):
    """The OFL as the package ships it, from its first sentence on."""
    text = (MODULES / package / "LICENSE").read_text()
    return text[text.index(LICENCE_START) :]


def main():
    if not MODULES.is_dir():
        sys.exit("fonts/node_modules is missing: run `npm ci --prefix fonts` first.")
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.woff2"):
        old.unlink()

    rows, notices, licences = [], [], set()
    for package, family, files in FACES:
        version = package_version(package)
        licences.add(licence_text(package))
        for name in files:
            source = MODULES / package / "files" / name
            shutil.copyfile(source, TARGET / name)
            font = TTFont(source)
            notice = font["name"].getDebugName(0)
            font_version = font["name"].getDebugName(5).split(";")[0]
            digest = hashlib.sha256(source.read_bytes()).hexdigest()
            rows.append(
                f"| `{name}` | {family} ({font_version}) | `{package}@{version}` "
                f"| `files/{name}` | `{digest}` |"
            )
            if notice not in notices:
                notices.append(notice)
    if len(licences) != 1:
        sys.exit("The packages ship different licence texts; record each one.")

    (TARGET / "OFL.txt").write_text("\n".join(notices) + "\n\n" + licences.pop())
    (TARGET / "README.md").write_text(
        README.format(rows="\n".join(rows), notices="\n".join(f"- {notice}" for notice in notices))
    )
    print(f"Copied {len(rows)} files into {TARGET.relative_to(ROOT)}/")


README = """\
# Fonts served by Immunoblog

Written by `make fonts` (fonts/vendor.py): do not edit by hand. The files are
copied unchanged from the npm packages locked in `fonts/package-lock.json`;
each holds one subset (Latin or Latin Extended) and one style, with every
weight (variable `wght` axis). `static/css/site.css` declares them with the
subsets' unicode-range, so a page fetches the Latin Extended file only when it
shows such a character. The files have no glyph for U+2010-2012 (hyphen,
non-breaking hyphen, figure dash), U+200A (hair space) or U+202F (narrow
no-break space): text that uses them gets those characters from a local font.
tests/test_fonts.py checks every character of the article and the discussion.

| file | typeface | package | path in the package | SHA-256 |
| --- | --- | --- | --- | --- |
{rows}

Licence: SIL Open Font License 1.1, full text in [OFL.txt](OFL.txt).
Copyright notices, as the font files state them:

{notices}
"""


if __name__ == "__main__":
    main()
