"""The comment POST path under load: many commenters posting at once.

Each poster is a thread with cookies of its own, doing what
comments.js does: GET /comments/csrf/ for a token (and the csrftoken cookie),
then POST /comments/post/ with the form, the cookie and an Origin header.
Every body carries a unique marker, so the database can be checked afterwards
for posts that were accepted but not stored, or stored twice.
"""

import collections
import http.client
import json
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from servers import CLOCK_TICKS

from tests.servers import Browser

ACCEPTED = 302
BODIES = [
    "Thank you for this article; it answered questions our doctor had no time for.",
    "My aunt is on nivolumab now.\n\nThe fatigue is real, but her scans look better.",
    "Could you write about how immunotherapy is combined with radiotherapy?",
    "I reacted badly to the first infusion, and the team handled it very well.",
    "This is a <em>very</em> helpful overview, bookmarked for later.",
]


@dataclass
class Attempt:
    marker: str
    status: int
    latency: float


@dataclass
class PostingResult:
    posters: int
    attempts: list = field(default_factory=list)
    wall_seconds: float = 0.0
    failures: list = field(default_factory=list)
    stored: collections.Counter = field(default_factory=collections.Counter)
    cpu_ms_per_post: float | None = None

    @property
    def accepted(self):
        return [a for a in self.attempts if a.status == ACCEPTED]

    @property
    def accepted_per_second(self):
        return len(self.accepted) / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def other_statuses(self):
        return dict(collections.Counter(a.status for a in self.attempts if a.status != ACCEPTED))

    @property
    def lost(self):
        """Accepted posts whose comment is not in the database."""
        return sum(1 for a in self.accepted if self.stored[a.marker] == 0)

    @property
    def stored_twice(self):
        return sum(1 for count in self.stored.values() if count > 1)

    @property
    def stored_but_refused(self):
        return sum(1 for a in self.attempts if a.status != ACCEPTED and self.stored[a.marker])

    def latency_ms(self, percent):
        return percentile([a.latency for a in self.attempts], percent) * 1000


def percentile(values, percent):
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(percent / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


class Poster:
    """One commenter's browser: a cookie jar of its own (tests.servers.Browser)."""

    def __init__(self, port, number, article, run_id):
        self.browser = Browser("127.0.0.1", port)
        self.number = number
        self.article = article
        self.run_id = run_id

    def csrf_token(self):
        response = self.browser.get("/comments/csrf/")
        if response.status != 200:
            raise RuntimeError(f"GET /comments/csrf/ answered {response.status}")
        return json.loads(response.body)["token"]

    def form(self, index, token):
        marker = f"bench{self.run_id}p{self.number:02d}n{index:03d}"
        body = f"{BODIES[(self.number + index) % len(BODIES)]}\n\n(ref {marker})"
        fields = {
            "comment": body,
            "author": f"Bench Reader {self.number}",
            "email": f"reader{self.number}.{self.run_id}@example.com",
            "url": "",
            "phone": "",
            "article": str(self.article.pk),
            "parent": "",
            "csrfmiddlewaretoken": token,
        }
        return marker, urllib.parse.urlencode(fields)

    def post(self, index):
        token = self.csrf_token()
        marker, body = self.form(index, token)
        origin = self.browser.origin
        headers = {"Origin": origin, "Referer": origin + self.article.path}
        started = time.perf_counter()
        response = self.browser.post_form("/comments/post/", body, **headers)
        return Attempt(marker, response.status, time.perf_counter() - started)


def _poster_thread(poster, posts, barrier, result, lock):
    barrier.wait()
    for index in range(posts):
        try:
            attempt = poster.post(index)
        except (OSError, http.client.HTTPException, RuntimeError, ValueError) as exc:
            with lock:
                result.failures.append(f"poster {poster.number}: {exc!r}")
            return
        with lock:
            result.attempts.append(attempt)


def run_posters(server, article, posters, posts_each):
    """Post posters × posts_each comments at once; time it and read the CPU cost."""
    run_id = secrets.token_hex(4)
    result = PostingResult(posters=posters)
    barrier = threading.Barrier(posters + 1)
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_poster_thread,
            args=(Poster(server.port, number, article, run_id), posts_each, barrier, result, lock),
            daemon=True,
        )
        for number in range(posters)
    ]
    for thread in threads:
        thread.start()
    before = server.cpu_snapshot()
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    result.wall_seconds = time.perf_counter() - started
    after = server.cpu_snapshot()
    if before[0] == after[0] and result.attempts:
        ticks = after[1] - before[1]
        result.cpu_ms_per_post = ticks * 1000 / CLOCK_TICKS / len(result.attempts)
    return run_id, result


def stored_markers(database, run_id):
    """How many rows carry each of this run's markers, read from the database directly."""
    pattern = re.compile(rf"bench{run_id}p\d+n\d+")
    # run_id is hexadecimal: nothing in it needs quoting.
    rows = database.query(f"SELECT body FROM comments_comment WHERE body LIKE '%bench{run_id}p%'")
    counts = collections.Counter()
    for (body,) in rows:
        counts.update(pattern.findall(body))
    return counts
