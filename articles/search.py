"""Search: what a reader typed, turned into bounded terms, and the articles it finds."""

import html
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce

from django.db import connections
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 60


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    terms: list[str] = field(default_factory=list)
    notice: str = ""


def _is_unsearchable(char):
    """Control, surrogate, private-use and unassigned characters."""
    return unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"}


def parse_query(raw):
    """Normalise a search box entry; absurd input is trimmed, never an error.

    Control characters (NUL included, which PostgreSQL refuses) become spaces;
    only the first MAX_TERMS words of at most MAX_TERM_LENGTH characters are
    searched, and the reader is told when something was left out.
    """
    raw = raw[: MAX_QUERY_LENGTH * 4]
    cleaned = "".join(" " if _is_unsearchable(char) else char for char in raw)
    text = re.sub(r"\s+", " ", cleaned).strip()
    notice = ""
    # Tabs and line breaks are control characters too, but harmless ones to type.
    if any(_is_unsearchable(char) and not char.isspace() for char in raw):
        notice = "Characters that cannot be searched for were left out of your search."
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rstrip()
        notice = f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters."
    words = text.split()
    terms = [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]
    if len(words) > MAX_TERMS:
        notice = f"Only the first {MAX_TERMS} words of your search were used."
    return SearchQuery(text=text, terms=terms, notice=notice)


# --- Finding articles -----------------------------------------------------------
#
# Stemmed full-text search on both databases, chosen by the connection's
# vendor: PostgreSQL's own (English configuration), SQLite's FTS5 with the
# porter tokenizer, so "allergy" finds "allergies" on either. Both search the
# same document (title, tag names, the article's text without its markup),
# rank the matches, and mark the matched words in a snippet with two private
# use characters, which snippet_html() turns into <mark> after escaping the
# rest: a snippet is never trusted as HTML.

MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 30
# The FTS5 table on SQLite (articles/migrations/0003_search_index.py).
SQLITE_INDEX = "articles_search"
# Tags, as a regular expression both databases apply to body_html.
MARKUP = r"<[^>]+>"
_MARKUP = re.compile(MARKUP)
_WORD = re.compile(r"\w")


def plain_text(body_html):
    """The text of an article's stored HTML as both databases index it (entities kept)."""
    return _MARKUP.sub(" ", body_html)


def search_articles(queryset, terms):
    """The articles of `queryset` matching every term, best first.

    Each carries `search_rank` and `search_snippet` (a passage of the text
    with the matched words between MARK_START and MARK_END).
    """
    terms = [term for term in terms[:MAX_TERMS] if _WORD.search(term)]
    if not terms:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        matches = _postgresql_matches(queryset, terms)
    else:
        matches = _sqlite_matches(queryset, terms)
    return matches.order_by("-search_rank", "-published_at", "-pk")


def _postgresql_matches(queryset, terms):
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    tags = queryset.model.tags.through.objects.filter(article=OuterRef("pk")).order_by()
    tag_names = Subquery(
        tags.values("article").annotate(names=StringAgg("tag__name", " ")).values("names")
    )
    text = Func(F("body_html"), Value(MARKUP), Value(" "), Value("g"),
                function="regexp_replace", output_field=TextField())  # fmt: skip
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector(tag_names, weight="B", config="english")
        + SearchVector(text, weight="C", config="english")
    )
    # Each word typed is matched as a phrase of its parts ("1=1": "1" then "1"),
    # as FTS5 reads a quoted string; every word must match; nothing typed is
    # read as an operator (phraseto_tsquery parses no syntax).
    query = reduce(
        operator.and_,
        (SearchQuery(term, config="english", search_type="phrase") for term in terms),
    )
    headline = SearchHeadline(
        text, query, config="english", start_sel=MARK_START, stop_sel=MARK_END,
        max_words=SNIPPET_WORDS, min_words=SNIPPET_WORDS // 2, max_fragments=2,
        fragment_delimiter=" … ",
    )  # fmt: skip
    return (
        queryset.annotate(search_document=vector)
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(vector, query), search_snippet=headline)
    )


def _fts_query(terms):
    """An FTS5 query in which every term is a quoted string: no operator, column or prefix."""
    return " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)


def _sqlite_matches(queryset, terms):
    match = _fts_query(terms)
    table = queryset.model._meta.db_table
    row = f'FROM {SQLITE_INDEX} WHERE {SQLITE_INDEX} MATCH %s AND rowid = "{table}"."id"'
    # bm25: lower is better; the title weighs most, then the tags, then the text.
    rank = RawSQL(f"SELECT -bm25({SQLITE_INDEX}, 10.0, 5.0, 1.0) {row}", [match])
    snippet = RawSQL(
        f"SELECT snippet({SQLITE_INDEX}, 2, %s, %s, '…', {SNIPPET_WORDS}) {row}",
        [MARK_START, MARK_END, match],
    )
    found = RawSQL(f"SELECT rowid FROM {SQLITE_INDEX} WHERE {SQLITE_INDEX} MATCH %s", [match])
    return queryset.filter(pk__in=found).annotate(search_rank=rank, search_snippet=snippet)


def snippet_html(snippet):
    """A search snippet as HTML: the text escaped, the matched words in <mark>.

    The snippet comes from the stored HTML with its tags removed; its
    entities are decoded first, so "&amp;" reads "&" and is escaped once.
    Markers are paired here, whatever the text holds, so the markup is
    always balanced.
    """
    parts = re.split(f"([{MARK_START}{MARK_END}])", snippet or "")
    out, marking = [], False
    for part in parts:
        if part in (MARK_START, MARK_END):
            if (part == MARK_START) != marking:
                out.append("<mark>" if part == MARK_START else "</mark>")
                marking = not marking
        elif part:
            out.append(escape(re.sub(r"\s+", " ", html.unescape(part))))
    if marking:
        out.append("</mark>")
    return mark_safe("".join(out).strip())  # every part of the text was escaped above


def index_articles(article_model, article_ids, using="default"):
    """Bring these articles' rows of the SQLite search index in step with the database.

    `article_model` is articles.models.Article (handed in: the models import
    this module).

    Rows for articles that no longer exist are removed. On PostgreSQL there
    is nothing to keep: the document is built by the query. Drafts are
    indexed too; search_articles() only ever looks among published ones.
    """
    connection = connections[using]
    article_ids = sorted(set(article_ids))
    if connection.vendor != "sqlite" or not article_ids:
        return
    articles = article_model.objects.using(using).filter(pk__in=article_ids)
    tag_names = {}
    pairs = article_model.tags.through.objects.using(using).filter(article__in=article_ids)
    for article_id, name in pairs.order_by("tag__name").values_list("article_id", "tag__name"):
        tag_names.setdefault(article_id, []).append(name)
    rows = [
        (pk, title, " ".join(tag_names.get(pk, ())), plain_text(body_html))
        for pk, title, body_html in articles.values_list("pk", "title", "body_html")
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {SQLITE_INDEX} WHERE rowid = %s", [(pk,) for pk in article_ids]
        )
        cursor.executemany(
            f"INSERT INTO {SQLITE_INDEX} (rowid, title, tags, body) VALUES (%s, %s, %s, %s)", rows
        )
