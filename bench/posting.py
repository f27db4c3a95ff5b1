"""The comment POST path under load: many commenters posting at once.

Each poster is a thread with its own connection and cookies, doing what
comments.js does: GET /comments/csrf/ for a token (and the csrftoken cookie),
then POST /comments/post/ with the form, the cookie and an Origin header.
Every body carries a unique marker, so the database can be checked afterwards
for posts that were accepted but not stored, or stored twice.
"""

import collections
import contextlib
import http.client
import json
import re
import secrets
import sqlite3
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from servers import CLOCK_TICKS, HOST

ACCEPTED = 302
TIMEOUT = 120
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
    """One commenter's browser: a connection of its own and a cookie jar."""

    def __init__(self, port, number, article, run_id):
        self.port = port
        self.number = number
        self.article = article
        self.run_id = run_id
        self.origin = f"http://{HOST}:{port}"
        self.connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = {"User-Agent": "immunoblog-bench", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        if response.will_close:
            self.connection.close()
        return response.status, content

    def csrf_token(self):
        status, content = self.request("GET", "/comments/csrf/")
        if status != 200:
            raise RuntimeError(f"GET /comments/csrf/ answered {status}")
        return json.loads(content)["token"]

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
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + self.article.path,
        }
        started = time.perf_counter()
        status, _ = self.request("POST", "/comments/post/", body, headers)
        return Attempt(marker, status, time.perf_counter() - started)


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
    """How many rows carry each of this run's markers, read from SQLite directly."""
    pattern = re.compile(rf"bench{run_id}p\d+n\d+")
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    with contextlib.closing(connection):
        rows = connection.execute(
            "SELECT body FROM comments_comment WHERE body LIKE ?", (f"%bench{run_id}p%",)
        ).fetchall()
    counts = collections.Counter()
    for (body,) in rows:
        counts.update(pattern.findall(body))
    return counts
