"""Turning what a reader typed into the search box into search terms."""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 60


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    terms: list[str] = field(default_factory=list)
    notice: str = ""


def parse_query(raw):
    """Normalise a search box entry; absurd input is trimmed, never an error.

    Control characters (NUL included, which PostgreSQL refuses) become spaces;
    only the first MAX_TERMS words of at most MAX_TERM_LENGTH characters are
    searched, and the reader is told when something was left out.
    """
    cleaned = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"} else char
        for char in raw[: MAX_QUERY_LENGTH * 4]
    )
    text = re.sub(r"\s+", " ", cleaned).strip()
    notice = ""
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rstrip()
        notice = f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters."
    words = text.split()
    terms = [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]
    if len(words) > MAX_TERMS:
        notice = f"Only the first {MAX_TERMS} words of your search were used."
    return SearchQuery(text=text, terms=terms, notice=notice)
