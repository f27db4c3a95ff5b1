"""Citations in the JSON-LD are plain text: what a reader sees, without Markdown's marks."""

import pytest
from django.test import Client

from tests.articles.helpers import json_ld
from tests.factories import make_article, make_reference

pytestmark = pytest.mark.django_db


def citation_names(*citations):
    article = make_article(body="Text" + "".join(f"[^r{i}]" for i in range(len(citations))))
    for i, citation in enumerate(citations):
        make_reference(article, f"r{i}", citation=citation)
    article.refresh_from_db()
    posting = json_ld(Client().get(article.get_absolute_url()))
    return [entry["name"] for entry in posting["citation"]]


def test_emphasis_in_a_citation_reaches_the_json_ld_as_plain_text():
    names = citation_names("Maude SL, et al. Tisagenlecleucel. *N Engl J Med.* 2018;378:439.")
    assert names == ["Maude SL, et al. Tisagenlecleucel. N Engl J Med. 2018;378:439."]


def test_links_code_and_entities_in_a_citation_become_their_text():
    names = citation_names(
        "**June CH** & Sadelain M. [CAR T](https://example.org/car) `cells`. *Science*. 2018.",
        "1. Numbered as it was typed.",
    )
    assert names == [
        "June CH & Sadelain M. CAR T cells. Science. 2018.",
        "1. Numbered as it was typed.",
    ]
