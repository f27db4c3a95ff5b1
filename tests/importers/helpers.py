"""Running the importers as an editor would, and what a test checks after."""

from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from articles.models import Article, Tag
from comments.models import Comment
from importers.models import OldAddress, Pingback

DATA = Path(__file__).resolve().parent.parent / "data"
WORDPRESS_EXPORT = DATA / "wordpress.xml"
DISQUS_EXPORT = DATA / "disqus.xml"


def run(command, path, *args):
    """Run an import command; its printed report. Commit hooks (purges) run as after a commit."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(command, str(path), *args, stdout=out)
    return out.getvalue()


def import_wordpress(path=WORDPRESS_EXPORT, *args):
    return run("import_wordpress", path, *args)


def import_disqus(path=DISQUS_EXPORT, *args):
    return run("import_disqus", path, *args)


def row_counts():
    """How many rows of everything an import may write."""
    return {
        model.__name__: model.objects.count()
        for model in (Article, Comment, Tag, OldAddress, Pingback, get_user_model())
    }


def imported_comment(old_id, source="wordpress"):
    return Comment.objects.get(import_source=source, import_id=str(old_id))


def imported_article(old_id):
    return Article.objects.get(import_source="wordpress", import_id=str(old_id))


SEED_EXPORT = DATA / "wordpress-seed.xml"
SEED_SLUG = "unlocking-the-power-of-immunotherapy"
SEED_TITLE = "Unlocking the Power of Immunotherapy: Revolutionizing Cancer Treatment and Beyond"


def import_seed_export(*args):
    """Import the old blog's WordPress export of the article this blog seeds."""
    return run("import_wordpress", SEED_EXPORT, *args)


def seed_export_with(tmp_path, *replacements):
    """The seed export with some of its text replaced: (old, new) pairs, each found once."""
    text = SEED_EXPORT.read_text()
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "wordpress-seed-changed.xml"
    path.write_text(text)
    return path


def another_post_by_admin(tmp_path):
    """The seed export's post made another article: new title, slug and date."""
    return seed_export_with(
        tmp_path,
        (f"<title>{SEED_TITLE}</title>", "<title>Vaccines and the immune memory</title>"),
        (f"<![CDATA[{SEED_SLUG}]]>", "<![CDATA[vaccines-and-immune-memory]]>"),
        (f"/2023/06/12/{SEED_SLUG}/", "/2023/06/12/vaccines-and-immune-memory/"),
    )
