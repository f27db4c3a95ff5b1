"""A long search query is shortened in the heading and the title, and kept whole in the box."""

import pytest
from django.urls import reverse

from tests.comments.helpers import soup

pytestmark = pytest.mark.django_db

LONG_QUERY = ("immunotherapy checkpoint inhibitors and CAR-T cells " * 5)[:200]


def test_a_200_character_query_is_cut_with_an_ellipsis_in_the_heading(client):
    page = soup(client.get(reverse("articles:search"), {"q": LONG_QUERY}))
    heading = page.find("h1").get_text()
    assert len(heading) < 80
    assert heading.startswith("Results for “immunotherapy checkpoint")
    assert heading.endswith("…”")
    assert len(page.find("title").get_text()) < 100


def test_the_search_box_keeps_the_whole_query(client):
    page = soup(client.get(reverse("articles:search"), {"q": LONG_QUERY}))
    assert page.find(id="search-q")["value"] == LONG_QUERY.strip()
