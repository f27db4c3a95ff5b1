"""A hostile or broken file gets one line saying why, and changes nothing."""

import pytest
from django.core.management.base import CommandError

from importers.models import ImportRun
from tests.factories import make_article

from .helpers import (
    DISQUS_EXPORT,
    WORDPRESS_EXPORT,
    import_disqus,
    import_wordpress,
    imported_comment,
    row_counts,
)

pytestmark = pytest.mark.django_db

WXR_HEAD = (
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
    "<wp:wxr_version>1.2</wp:wxr_version>"
)
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss><channel><title>&lol4;</title></channel></rss>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://attacker.example/wxr.dtd">
<rss><channel></channel></rss>"""

HOSTILE = {
    "not an export (an HTML page)": (
        b"<html><body>Hello</body></html>",
        "This is not a WordPress export (its root is <html>).",
    ),
    "an RSS feed, not an export": (
        b'<rss version="2.0"><channel><title>A feed</title></channel></rss>',
        "This is not a WordPress export (it has no <wp:wxr_version>).",
    ),
    "not XML at all": (b"\x89PNG\r\n\x1a\n\x00\x00", "The file is not well-formed XML"),
    "an empty file": (b"", "The file is not well-formed XML (no element found"),
    "truncated": (None, "The file is not well-formed XML (no element found"),
    "an unknown encoding": (
        b'<?xml version="1.0" encoding="x-martian"?><rss></rss>',
        "The file cannot be decoded (unknown encoding: x-martian).",
    ),
    "external entities": (EXTERNAL_ENTITY.encode(), "The file declares a document type (DTD)"),
    "entity expansion (billion laughs)": (
        BILLION_LAUGHS.encode(),
        "The file declares a document type (DTD)",
    ),
    "an external DTD": (EXTERNAL_DTD.encode(), "The file declares a document type (DTD)"),
    "entities in the internal subset only": (
        (WXR_HEAD + "</channel></rss>")
        .replace("<rss", '<!DOCTYPE rss [<!ENTITY a "b">]><rss')
        .encode(),
        "The file declares a document type (DTD)",
    ),
}


def truncated_export():
    data = WORDPRESS_EXPORT.read_bytes()
    # Cut in the middle of the second post, after a whole first post.
    return data[: data.index(b"<title>Blocks of memory</title>") + 200]


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_wordpress_file_gets_one_line_and_changes_nothing(tmp_path, case):
    content, message = HOSTILE[case]
    path = tmp_path / "export.xml"
    path.write_bytes(truncated_export() if content is None else content)
    before = row_counts()
    with pytest.raises(CommandError) as raised:
        import_wordpress(path)
    error = str(raised.value)
    assert "\n" not in error
    assert error.startswith(f"{path}: {message}")
    assert row_counts() == before
    run = ImportRun.objects.get()
    assert (run.succeeded, run.error) == (False, error.removeprefix(f"{path}: "))


def test_a_missing_file_gets_one_line(tmp_path):
    with pytest.raises(CommandError, match=r"The file cannot be read \(No such file"):
        import_wordpress(tmp_path / "nowhere.xml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (WORDPRESS_EXPORT.read_bytes(), "This is not a Disqus export (its root is <rss>)."),
        (b'<disqus xmlns="http://disqus.com"></disqus>', "This is not a Disqus export (it has no"),
        (DISQUS_EXPORT.read_bytes()[:-300], "The file is not well-formed XML (no element found"),
        (BILLION_LAUGHS.encode(), "The file declares a document type (DTD)"),
    ],
    ids=["a WordPress export", "no threads", "truncated", "billion laughs"],
)
def test_a_hostile_disqus_file_gets_one_line_and_changes_nothing(tmp_path, content, message):
    path = tmp_path / "disqus.xml"
    path.write_bytes(content)
    before = row_counts()
    with pytest.raises(CommandError) as raised:
        import_disqus(path)
    assert str(raised.value).startswith(f"{path}: {message}")
    assert "\n" not in str(raised.value)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("importer", "export", "name_xml", "source", "old_id"),
    [
        (import_wordpress, WORDPRESS_EXPORT, "<![CDATA[{}]]></wp:comment_author", "wordpress", 203),
        (import_disqus, DISQUS_EXPORT, "<name>{}</name>", "disqus", 9001),
    ],
    ids=["wordpress", "disqus"],
)
def test_imported_names_lose_the_characters_the_form_refuses_and_the_report_lists_them(
    tmp_path, importer, export, name_xml, source, old_id
):
    make_article(slug="antibodies-explained", title="Antibodies explained")  # Disqus's thread
    original = {"wordpress": "Cleo", "disqus": "Nina"}[source]
    disguised = f"{original[:2]}\u202e{original[2:]}\u200b\u3164\U000e0041"
    text = export.read_text(encoding="utf-8")
    assert text.count(name_xml.format(original)) == 1
    path = tmp_path / export.name
    path.write_text(text.replace(name_xml.format(original), name_xml.format(disguised)))
    report = importer(path)
    assert imported_comment(old_id, source).author_name == original
    assert f"names with invisible or unassigned characters taken out: {old_id}" in report


def test_an_imported_name_of_nothing_but_refused_characters_is_anonymous(tmp_path):
    make_article(slug="antibodies-explained", title="Antibodies explained")
    text = DISQUS_EXPORT.read_text(encoding="utf-8")
    path = tmp_path / "disqus.xml"
    path.write_text(text.replace("<name>Nina</name>", "<name>\u3164\u2800\u202e</name>"))
    import_disqus(path)
    assert imported_comment(9001, "disqus").author_name == "Anonymous"
