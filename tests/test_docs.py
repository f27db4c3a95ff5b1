"""The README and the guides in docs/ point at things that exist.

Every relative link and image names a file of the checkout, every #anchor a
heading of the page it points into (as GitHub makes heading anchors), every
`make X` a target of the Makefile and every `manage.py X` a management command.
"""

import re
from collections import Counter
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import get_commands

from tests.servers import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_SOURCE = re.compile(r"<(?:img|a)\s[^>]*?(?:src|href)=\"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
# `make X` in code: in backticks, or at the start of a line of a code block.
MAKE = re.compile(r"(?:`|^\s*)make ([a-z][a-z-]*)\b", re.MULTILINE)
MANAGE = re.compile(r"\bmanage\.py ([a-z][a-z_]*)\b")
MAKE_TARGET = re.compile(r"^([a-z][a-z-]*):", re.MULTILINE)


def github_anchors(markdown):
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to -."""
    seen = Counter()
    anchors = set(EXPLICIT_ANCHOR.findall(markdown))
    for heading in HEADING.findall(FENCE.sub("", markdown)):
        text = re.sub(r"`|\*\*|__|\[([^\]]*)\]\([^)]*\)", r"\1", heading)
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        anchors.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return anchors


def links(path):
    text = path.read_text()
    for target in LINK.findall(text) + HTML_SOURCE.findall(text):
        parts = urlsplit(target)
        if not parts.scheme and not target.startswith("//"):
            yield target, parts


def doc_id(path):
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("doc", DOCS, ids=doc_id)
def test_every_relative_link_and_anchor_finds_its_target(doc):
    broken = []
    for target, parts in links(doc):
        destination = (doc.parent / unquote(parts.path)).resolve() if parts.path else doc
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif (
            parts.fragment
            and destination.suffix == ".md"
            and unquote(parts.fragment) not in github_anchors(destination.read_text())
        ):
            broken.append(f"{target}: no such heading in {doc_id(destination)}")
    assert broken == []


@pytest.mark.parametrize("doc", DOCS, ids=doc_id)
def test_every_make_target_and_command_named_exists(doc):
    text = doc.read_text()
    targets = set(MAKE_TARGET.findall((ROOT / "Makefile").read_text()))
    commands = set(get_commands())
    unknown = [f"make {name}" for name in MAKE.findall(text) if name not in targets]
    unknown += [f"manage.py {name}" for name in MANAGE.findall(text) if name not in commands]
    assert unknown == []


def test_the_readme_links_every_guide_in_docs():
    readme = (ROOT / "README.md").read_text()
    guides = [doc_id(path) for path in DOCS[1:]]
    assert [guide for guide in guides if guide not in readme] == []


def test_the_anchor_rule_follows_githubs():
    anchors = github_anchors("# Privacy: what we keep\n## `make test`\n## Tests\n## Tests\n")
    assert anchors == {"privacy-what-we-keep", "make-test", "tests", "tests-1"}
