"""A big export is imported in bounded memory: streamed, never held whole.

Memory does not grow with the number of comments beyond a few bytes each
(the replies' ids, kept to thread them): importing six times as many
comments costs almost no more at peak, and less than the file. (The figure
for 100,000 comments, measured the same way, is in docs/editors.md.)
"""

import tracemalloc

import pytest

from comments.models import Comment

from .helpers import import_wordpress

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1_000, 6_000
# Five thousand more comments may cost this much more at peak: ids kept for threading,
# not the comments themselves (about 700 bytes each in the file).
GROWTH_BYTES = 512 * 1024
# About 3 MiB measured, whatever the size of the file.
PEAK_BYTES = 8 * 1024 * 1024

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Busy blog</title><link>https://busy.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>The busiest post</title><link>https://busy.example/busiest/</link>
<dc:creator>busy</dc:creator><content:encoded><![CDATA[<p>Everyone came.</p>]]></content:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date>2020-01-01 00:00:00</wp:post_date>
<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>
<wp:post_name>busiest-{post_id}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
"""
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {id}]]></wp:comment_author>
<wp:comment_author_email>reader{id}@example.net</wp:comment_author_email>
<wp:comment_author_url></wp:comment_author_url>
<wp:comment_author_IP>198.51.100.{ip}</wp:comment_author_IP>
<wp:comment_date>2020-01-02 00:00:00</wp:comment_date>
<wp:comment_date_gmt>2020-01-02 00:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Comment {id}: a few words about the post, as readers write them.]]>
</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
"""
TAIL = "</item></channel></rss>\n"


def write_busy_export(path, comments, first_id=1, post_id=1):
    """One post and its comments, in threads five deep, written as they are made."""
    with path.open("w", encoding="utf-8") as export:
        export.write(HEAD.format(post_id=post_id))
        for n in range(first_id, first_id + comments):
            parent = n - 1 if (n - first_id) % 5 else 0
            export.write(COMMENT.format(id=n, ip=n % 250 + 1, parent=parent))
        export.write(TAIL)
    return path


def peak_of_import(path):
    tracemalloc.start()
    try:
        report = import_wordpress(path)
        return tracemalloc.get_traced_memory()[1], report
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_comments(tmp_path):
    small = write_busy_export(tmp_path / "small.xml", SMALL)
    large = write_busy_export(tmp_path / "large.xml", LARGE, first_id=SMALL + 1, post_id=2)
    small_peak, _ = peak_of_import(small)
    large_peak, report = peak_of_import(large)
    assert large_peak < small_peak + GROWTH_BYTES, (small_peak, large_peak)
    assert large_peak < PEAK_BYTES
    # Less than the file itself: the document is never held.
    assert large_peak < large.stat().st_size
    assert Comment.objects.count() == SMALL + LARGE
    assert Comment.objects.filter(parent__isnull=False).count() == (SMALL + LARGE) * 4 // 5
    assert f"imported {LARGE} comments (0 pending, {LARGE} approved" in report
