"""`manage.py export_wordpress`: a WXR file WordPress reads, and that this blog imports back."""

import stat
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from defusedxml.ElementTree import parse
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Person, Tag
from comments.models import Comment
from importers.content import plain_text
from importers.models import WORDPRESS, Pingback
from importers.xml import WORDPRESS_NS
from tests.factories import make_article, make_comment, make_person, make_tag

from .helpers import import_wordpress

WP = f"{{{WORDPRESS_NS}}}"


def export(path, *args):
    out = StringIO()
    call_command("export_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def second(moment):
    return moment.astimezone(UTC).replace(microsecond=0) if moment else None


def state(article):
    return "scheduled" if article.is_scheduled else article.status


def canonical_dump(with_addresses):
    """What a WXR file carries of the blog, in a form two sites can be compared by."""
    dump = []
    articles = Article.objects.select_related("author").prefetch_related("tags").order_by("slug")
    for article in articles:
        comments = list(Comment.objects.filter(article=article).select_related("parent"))

        def key(comment):
            return (second(comment.created_at), comment.author_name, comment.body)

        dump.append(
            {
                "title": article.title,
                "slug": article.slug,
                "published_at": second(article.published_at),
                "status": state(article),
                "tags": sorted(tag.name for tag in article.tags.all()),
                "author": article.author.name,
                "excerpt": plain_text(article.excerpt),
                "body": plain_text(article.body_html + article.references_html),
                "comments": sorted(
                    {
                        "key": key(comment),
                        "parent": key(comment.parent) if comment.parent else None,
                        "status": comment.status,
                        "website": comment.author_url,
                        "email": comment.author_email if with_addresses else "",
                    }.items()
                    for comment in comments
                ),
                "pingbacks": sorted(
                    (p.kind, p.site_name, p.url, p.excerpt, p.status, second(p.created_at))
                    for p in article.pingbacks.all()
                ),
            }
        )
    return dump


@pytest.fixture
def blog(db, seed_article):
    """The seeded article and, beside it, a discussion with every status, a thread, a
    draft, a scheduled article, a pingback and a person whose name is their login."""
    now = timezone.now()
    marie = make_person("Marie Curie", slug="marie-curie")
    article = make_article(
        title="T cells & the “thymus”",
        slug="t-cells",
        excerpt="Where T cells learn & grow.",
        body="## School\n\nThe thymus is a *school* for [T cells](https://example.com/t).\n",
        author=marie,
        tags=[make_tag("T cells", slug="t-cells"), make_tag("Vaccines", slug="vaccines")],
    )
    make_article(
        slug="a-draft",
        status=Article.Status.DRAFT,
        published_at=None,
        author=make_person("ada", slug="ada"),
    )
    make_article(slug="soon", published_at=now + timedelta(days=3), author=marie)
    first = make_comment(
        article, author_name="Ada & Co", author_url="https://ada.example/",
        body="Great post <em>really</em> & thanks, 5 < 6.", created_at=now - timedelta(hours=5),
    )  # fmt: skip
    reply = make_comment(article, parent=first, thread=first, created_at=now - timedelta(hours=4))
    make_comment(article, parent=reply, thread=first, created_at=now - timedelta(hours=3))
    for n, status in enumerate(["pending", "spam", "trash"]):
        make_comment(article, status=status, created_at=now - timedelta(hours=2, minutes=n))
    make_comment(seed_article, body="On the seeded article.", created_at=now - timedelta(hours=1))
    Pingback.objects.create(
        article=article, kind=Pingback.Kind.PINGBACK, source=WORDPRESS, source_id="9",
        site_name="Another blog", url="https://another.example/post/",
        excerpt="[…] a link to it […]", status="1", created_at=datetime(2024, 3, 1, tzinfo=UTC),
    )  # fmt: skip
    return article


def start_afresh():
    """A site without the seeded article, anything written, or anyone credited."""
    Article.objects.all().delete()
    Person.objects.all().delete()
    Tag.objects.all().delete()


@pytest.mark.parametrize("with_addresses", [False, True], ids=["without", "with-addresses"])
def test_an_export_imported_into_an_empty_site_gives_the_same_blog(blog, tmp_path, with_addresses):
    before = canonical_dump(with_addresses)
    path = tmp_path / "export.xml"
    export(path, *(["--with-addresses"] if with_addresses else []))
    start_afresh()

    import_wordpress(path)

    assert canonical_dump(with_addresses) == before
    emails = set(Comment.objects.values_list("author_email", flat=True))
    assert emails != {""} if with_addresses else emails == {""}


def test_the_export_never_holds_an_ip_address_and_addresses_only_when_asked(blog, tmp_path):
    path = tmp_path / "export.xml"
    export(path)
    text = path.read_text()

    assert "203.0.113.7" not in text
    assert "comment_author_IP" not in text
    assert "@example.net" not in text
    export(path, "--with-addresses")
    assert "@example.net" in path.read_text()
    assert "203.0.113.7" not in path.read_text()


def test_the_export_is_the_wxr_wordpress_reads(blog, tmp_path):
    path = tmp_path / "export.xml"
    export(path)
    channel = parse(str(path)).getroot().find("channel")

    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    logins = {author.findtext(f"{WP}author_login") for author in channel.iter(f"{WP}author")}
    assert {"marie-curie", "ada", "editorial"} <= logins
    item = next(i for i in channel.iter("item") if i.findtext(f"{WP}post_name") == "t-cells")
    assert item.findtext(f"{WP}status") == "publish"
    comments = {c.findtext(f"{WP}comment_id"): c for c in item.iter(f"{WP}comment")}
    approved = sorted(c.findtext(f"{WP}comment_approved") for c in comments.values())
    assert approved == ["0", "1", "1", "1", "1", "spam", "trash"]
    replies = [c for c in comments.values() if c.findtext(f"{WP}comment_parent") != "0"]
    assert all(c.findtext(f"{WP}comment_parent") in comments for c in replies)
    assert len(replies) == 2
    kinds = [c.findtext(f"{WP}comment_type") for c in comments.values()]
    assert kinds.count("pingback") == 1
    statuses = {
        i.findtext(f"{WP}post_name"): i.findtext(f"{WP}status") for i in channel.iter("item")
    }
    assert statuses["a-draft"] == "draft"
    assert statuses["soon"] == "future"


def test_text_xml_cannot_carry_is_left_out_and_the_file_stays_well_formed(blog, tmp_path):
    make_comment(blog, body="A bell \x07 and a ]]> and a \ufffe in the text.")
    path = tmp_path / "export.xml"
    export(path)

    parse(str(path))
    assert "A bell  and a ]]&gt; and a  in the text." in path.read_text()


def test_the_export_is_readable_by_its_owner_alone(blog, tmp_path):
    path = tmp_path / "export.xml"
    export(path, "--with-addresses")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_command_says_what_it_wrote_and_where(blog, tmp_path):
    path = tmp_path / "export.xml"
    output = export(path)

    assert output.startswith("4 articles, ")
    assert "7 comments (4 approved, 1 pending, 1 spam, 1 trash)" in output
    assert "1 pingbacks" in output
    assert "without email addresses, no IP addresses" in output
    assert output.splitlines()[-1] == str(path)


def test_a_path_in_a_missing_directory_is_refused_with_a_clear_message(db, tmp_path):
    with pytest.raises(CommandError, match="existing directory"):
        export(tmp_path / "missing" / "export.xml")


def test_the_exports_queries_do_not_grow_with_the_discussion(blog, tmp_path):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            export(tmp_path / "export.xml")
        return len(captured)

    before = queries()
    for n in range(30):
        make_comment(blog, body=f"One more, number {n}.")

    assert queries() == before
