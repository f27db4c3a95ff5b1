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
