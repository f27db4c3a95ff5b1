"""The imports list and a run's page show counts as words and numbers, never as JSON."""

import pytest
from django.urls import reverse

from importers.models import ImportRun
from tests.comments.helpers import soup

pytestmark = pytest.mark.django_db

COUNTS = {"posts_in_file": 10, "threads": 3}
READABLE = "Posts in file: 10 · Threads: 3"


@pytest.fixture
def run():
    return ImportRun.objects.create(
        kind="disqus", file_name="disqus-export.xml", succeeded=True, counts=COUNTS
    )


def test_the_imports_list_shows_counts_readably(editor_client, run):
    page = soup(editor_client.get(reverse("admin:importers_importrun_changelist")))
    assert page.select_one("td.field-what_it_did").get_text(strip=True) == READABLE
    assert '"posts_in_file"' not in str(page)


def test_the_imports_list_shows_whether_a_run_succeeded_before_its_file_name(editor_client, run):
    page = soup(editor_client.get(reverse("admin:importers_importrun_changelist")))
    headers = [th.get_text(strip=True) for th in page.select("#result_list thead th")]
    assert headers.index("Succeeded") < headers.index("File name")


def test_a_runs_page_shows_counts_readably(editor_client, run):
    response = editor_client.get(reverse("admin:importers_importrun_change", args=[run.pk]))
    assert READABLE in response.content.decode()
    assert '"posts_in_file"' not in response.content.decode()
