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
