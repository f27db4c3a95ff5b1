"""Comment pages: which threads each page of a discussion holds, and its URL.

As WordPress's "break comments into pages": a page holds a number of
top-level comments (a discussion setting) with all their replies, and pages
are numbered from the oldest, so a new comment lands on the last page and
never moves another. What is counted is threads (Comment.thread): a
top-level comment with its replies, placed by its oldest public comment. A
thread whose first comment is hidden keeps its public replies together, on
one page, where they stand on their own (thread.flatten).
The article URL shows the first or the last page (a setting); the others
live at `<article URL>comment-page-N/`.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.urls import reverse

# Page numbers shown on each side of the current one, and at each end.
ON_EACH_SIDE = 2
ON_ENDS = 1


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap ("…") between page numbers
    url: str = ""
    is_current: bool = False


@dataclass(frozen=True)
class Pages:
    """The pages of one discussion of `threads` threads."""

    article: object
    threads: int
    per_page: int
    default_is_last: bool = False
    newest_first: bool = False

    @classmethod
    def for_rules(cls, article, threads, rules):
        per_page = rules.comments_per_page if rules.page_comments else max(threads, 1)
        return cls(
            article=article,
            threads=threads,
            per_page=per_page,
            default_is_last=rules.default_comments_page == rules.DefaultPage.LAST,
            newest_first=rules.newest_first,
        )

    @cached_property
    def paginator(self):
        return Paginator(range(self.threads), self.per_page)

    @property
    def count(self):
        return self.paginator.num_pages

    @property
    def default(self):
        """The page the article URL shows."""
        return self.count if self.default_is_last else 1

    def clamp(self, number):
        """An existing page: a number past the last means the last, below 1 the first."""
        return min(max(number, 1), self.count)

    def number_of(self, index):
        """The page that holds the thread at `index`, counted from the oldest."""
        return index // self.per_page + 1

    def slice(self, number):
        """The threads page `number` holds, as a slice of the threads oldest first."""
        start = (number - 1) * self.per_page
        return slice(start, start + self.per_page)

    def url(self, number):
        if number == self.default:
            return self.article_url
        return reverse("comment_page", kwargs={"slug": self.article.slug, "page": number})

    @cached_property
    def article_url(self):
        return self.article.get_absolute_url()


@dataclass(frozen=True)
class Page:
    """One page of a discussion, as its navigation shows it."""

    pages: Pages
    number: int

    @property
    def count(self):
        return self.pages.count

    @property
    def url(self):
        return self.pages.url(self.number)

    @property
    def previous_url(self):
        return self.pages.url(self.number - 1) if self.number > 1 else ""

    @property
    def next_url(self):
        return self.pages.url(self.number + 1) if self.number < self.count else ""

    @property
    def more(self):
        """Which way "Show more comments" goes: away from the page the article URL shows."""
        return "prev" if self.pages.default_is_last else "next"

    @property
    def more_at(self):
        """Where the comments it loads belong in the list: older ones go first when the
        oldest come first, newer ones when the newest do."""
        older = self.more == "prev"
        return "start" if older != self.pages.newest_first else "end"

    @property
    def links(self):
        """Page numbers, the ends and the neighbourhood of this one, gaps as "…"."""
        numbers = self.pages.paginator.get_elided_page_range(
            self.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
        )
        return [
            PageLink(number, self.pages.url(number), number == self.number)
            if isinstance(number, int)
            else PageLink(None)
            for number in numbers
        ]
