"""The reader pages as the Nu Html Checker (npm vnu-jar, on Java) reads them.

The pages are rendered once by the test client from a believable article (a
reviewer, references, a correction, a long discussion on two pages, an
editor's reply, an edited comment) and checked in one start of the checker,
which takes seconds. Marked `outside`: it runs once per CI run (`make test`),
not again on PostgreSQL.
"""

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import DiscussionSettings
from pagecache.middleware import page_store
from tests.factories import (
    comment_data,
    make_article,
    make_comment,
    make_correction,
    make_editor,
    make_person,
    make_reference,
    make_tag,
    make_thread,
)

# django_db: the test database is set up for the tests that ask for it.
pytestmark = [pytest.mark.outside, pytest.mark.django_db]

VNU_JAR = (
    Path(__file__).resolve().parent / "e2e" / "node_modules" / "vnu-jar" / "build" / "dist"
) / "vnu.jar"
# Top-level comments per page, so that the discussion has a second page.
PER_PAGE = 20
PAGES = ["home", "article", "comment page 2", "profile", "search results", "form with errors"]


def build_article():
    """An article as an editor leaves it in the admin (its times carry microseconds)."""
    author = make_person("Mei Chen", credentials="PhD, immunologist", bio="Writes on T cells.")
    reviewer = make_person("Ana Ruiz", credentials="MD, oncologist")
    article = make_article(
        title="Checkpoint inhibitors, explained",
        slug="checkpoint-inhibitors-explained",
        body=(
            "## How they work\n\nPD-1 blockers release the brakes on T cells.[^ipi]\n\n"
            "### Side effects\n\n- Rash\n- Tiredness\n\n## Who benefits\n\nMany.[^pd1]\n"
        ),
        seo_keywords=["checkpoint inhibitors", "PD-1"],
        author=author,
        reviewer=reviewer,
        reviewed_on=date(2026, 1, 5),
        published_at=timezone.now() - timedelta(days=3, microseconds=123456),
        tags=[make_tag("Cancer research"), make_tag("Antibodies")],
    )
    make_reference(
        article, "ipi", citation="Hodi FS, et al. *N Engl J Med.* 2010;363:711-23.",
        doi="10.1056/NEJMoa1003466", pmid="20525992",
    )  # fmt: skip
    make_reference(article, "pd1", citation="Topalian SL, et al. *N Engl J Med.* 2012.")
    make_correction(article, "The dose in the second section was corrected.")
    article.content_changed_at = timezone.now() - timedelta(microseconds=654321)
    article.save()
    return Article.objects.get(pk=article.pk)


def build_discussion(article):
    """Two pages of threads, a reply by an editor, an edited comment with a website."""
    rules = DiscussionSettings.load()
    rules.comments_per_page = PER_PAGE
    with TestCase.captureOnCommitCallbacks(execute=True):
        rules.save()
    make_thread(article, 4 * (PER_PAGE + 5))
    make_comment(
        article, author_name="Maria Okafor", author_url="https://maria.example.org/",
        edited_at=timezone.now(),
    )  # fmt: skip
    editor = make_editor(first_name="Erin", last_name="Editor")
    make_comment(article, author_name="Erin Editor", user=editor, is_by_editor=True)


def render_pages():
    """Each page's HTML, by name, as a reader without JavaScript receives it."""
    article = build_article()
    build_discussion(article)
    client = Client()
    page_2 = reverse("comment_page", kwargs={"slug": article.slug, "page": 2})
    answers = {
        "home": client.get(reverse("articles:home")),
        "article": client.get(article.get_absolute_url()),
        "comment page 2": client.get(page_2),
        "profile": client.get(article.author.get_absolute_url()),
        "search results": client.get(reverse("articles:search"), {"q": "checkpoint"}),
        # Without JavaScript the first post has no token: the confirmation page, with errors.
        "form with errors": Client(enforce_csrf_checks=True).post(
            reverse("comments:post"), comment_data(article, email="nobody", url="notaurl")
        ),
    }
    expected = {name: 200 for name in answers} | {"form with errors": 400}
    assert {name: answer.status_code for name, answer in answers.items()} == expected
    return {name: answer.content.decode() for name, answer in answers.items()}


def check(pages, directory):
    """The checker's messages for each page, in one start of Java."""
    names = {}
    for number, (name, text) in enumerate(pages.items()):
        path = directory / f"page-{number}.html"
        path.write_text(text, encoding="utf-8")
        names[path.name] = name
    java = shutil.which("java") or "java"
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout"]
    result = subprocess.run(
        [*command, *(str(directory / file) for file in names)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.stdout, result.stderr  # it exits 1 when it finds an error, so read what it says
    messages = {name: [] for name in pages}
    for message in json.loads(result.stdout)["messages"]:
        file = Path(urlsplit(message.get("url", "")).path).name
        assert file in names, message  # a message about no page: the checker itself failed
        messages[names[file]].append(message)
    return messages


@pytest.fixture(scope="module")
def nu_messages(django_db_setup, django_db_blocker, tmp_path_factory):
    """The checker's messages per page; the data made for them is rolled back after."""
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: make tests/e2e/node_modules/.installed")
    directory = tmp_path_factory.mktemp("nu")
    cache_settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(directory / "cache"),
        }
    }
    with (
        override_settings(
            CACHES=cache_settings, COMMENT_FLOOD_SECONDS=0, COMMENT_RATE_PER_MINUTE=0
        ),
        django_db_blocker.unblock(),
    ):
        caches["default"].clear()
        page_store().clear()
        with transaction.atomic():
            pages = render_pages()
            transaction.set_rollback(True)
        page_store().clear()
    return check(pages, directory)


def describe(messages):
    return "\n".join(
        f"{message['type']}/{message.get('subType', '')}: {message['message']} "
        f"[{message.get('extract', '')!r}]"
        for message in messages
    )


@pytest.mark.parametrize("name", PAGES)
def test_the_nu_checker_finds_no_error_on_the_page(nu_messages, name):
    errors = [message for message in nu_messages[name] if message["type"] != "info"]
    assert not errors, describe(errors)


def test_no_comment_card_lacks_a_heading(nu_messages):
    warnings = [
        (name, message)
        for name, messages in nu_messages.items()
        for message in messages
        if "lacks heading" in message["message"]
    ]
    assert not warnings, describe(message for _, message in warnings)
