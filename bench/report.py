"""Summaries, targets and the two renderings: a terminal table and docs/benchmarks.md."""

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata

SERVERS = ("bare", "bare-gzip", "uncached", "cached", "varnish")
# Servers whose load asks for gzip (as browsers do) and gets the page gzipped.
# Each is compared with the bare view sending the same bytes.
GZIP_SERVERS = ("bare-gzip", "varnish")
UNCACHED_SHARE_TARGET = 0.04
CACHED_SHARE_TARGET = 0.80
VARNISH_TIMES_TARGET = 4
QUERIES_TARGET = 3
PAGE_CACHE_MB = 64
MEMORY_ALLOWANCE_MB = 50
TARGET_SIZE = 100
# The pages of the largest discussion: each at most this heavy (as sent,
# before gzip), and at most this many times the 100-comment page's CPU.
PAGE_WEIGHT_TARGET_KB = 200
PAGE_CPU_TARGET = 1.3


@dataclass(frozen=True)
class Run:
    """One wrk run against one server, in one round."""

    round: int
    size: int
    server: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float | None
    errors: int
    requests: int


@dataclass(frozen=True)
class Summary:
    size: int
    server: str
    requests_per_second: float
    slowest_round: float
    fastest_round: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float | None
    share_of_bare: float | None
    errors: int
    queries: int | None
    page_bytes: int


@dataclass
class Memory:
    """Memory of the cached server's workers around the distinct-URL GETs.

    `before_mb`/`after_mb` are private memory (what each worker adds to the
    master it was forked from); the resident figures include shared pages.
    """

    urls: int
    ok: int
    page_bytes: int
    before_mb: list
    after_mb: list
    same_workers: bool
    resident_before_mb: list = field(default_factory=list)
    resident_after_mb: list = field(default_factory=list)


@dataclass
class Discussion:
    """The pages of the largest discussion as readers get them, measured in-process.

    `pages` are dicts (path, bytes, gzip_bytes, comments, cpu_ms,
    reference_ms, ratio), in the order a reader follows the "Newer comments"
    links; the reference is the uncached article page at `reference_size`
    comments, timed in the same rounds.
    """

    size: int
    pages: list
    reference_size: int | None = None
    reference_comments: int | None = None  # the comments the reference page shows

    @staticmethod
    def ratio(page):
        return page.get("ratio")

    @property
    def reference_cpu_ms(self):
        times = [page["reference_ms"] for page in self.pages if page.get("reference_ms")]
        return statistics.median(times) if times else None


def _median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def reference(server):
    """The bare run sending the same bytes as `server`."""
    return "bare-gzip" if server in GZIP_SERVERS else "bare"


def share_of_bare(runs, size, server):
    """Median over rounds of this server's req/s divided by bare's (same bytes, same round)."""
    bare_name = reference(server)
    bare = {
        r.round: r.requests_per_second for r in runs if r.size == size and r.server == bare_name
    }
    shares = [
        r.requests_per_second / bare[r.round]
        for r in runs
        if r.size == size and r.server == server and bare.get(r.round)
    ]
    return _median(shares)


def summarise(runs, queries, page_bytes):
    summaries = []
    for size in sorted({r.size for r in runs}):
        for server in SERVERS:
            mine = [r for r in runs if r.size == size and r.server == server]
            if not mine:
                continue
            summaries.append(
                Summary(
                    size=size,
                    server=server,
                    requests_per_second=_median([r.requests_per_second for r in mine]),
                    slowest_round=min(r.requests_per_second for r in mine),
                    fastest_round=max(r.requests_per_second for r in mine),
                    p50_ms=_median([r.p50_ms for r in mine]),
                    p99_ms=_median([r.p99_ms for r in mine]),
                    cpu_ms=_median([r.cpu_ms for r in mine]),
                    share_of_bare=share_of_bare(runs, size, server),
                    errors=sum(r.errors for r in mine),
                    queries=0 if server == "bare" else queries.get(size, {}).get(server),
                    page_bytes=page_bytes.get(size, {}).get(
                        "gzip" if server in GZIP_SERVERS else "identity", 0
                    ),
                )
            )
    return summaries


def _find(summaries, size, server):
    return next((s for s in summaries if s.size == size and s.server == server), None)


def _mark(ok):
    return "✓" if ok else "✗"


def targets(summaries, queries, memory, discussion=None):
    """(target, measured, ✓/✗) lines; a target whose figures are missing is skipped."""
    lines = []

    def by_size(server, value):
        found = [s for s in summaries if s.server == server and s.share_of_bare is not None]
        return found, ", ".join(f"{s.size}: {value(s)}" for s in found)

    cached, measured = by_size("cached", lambda s: f"{s.share_of_bare:.0%}")
    if cached:
        ok = all(s.share_of_bare >= CACHED_SHARE_TARGET for s in cached)
        lines.append((f"cached in-app ≥ {CACHED_SHARE_TARGET:.0%} of bare", measured, _mark(ok)))
    varnish, measured = by_size("varnish", lambda s: f"{s.share_of_bare:.1f}×")
    if varnish:
        ok = all(s.share_of_bare >= VARNISH_TIMES_TARGET for s in varnish)
        lines.append((
            f"through Varnish ≥ {VARNISH_TIMES_TARGET}× bare (both sending the page gzipped)",
            measured, _mark(ok),
        ))  # fmt: skip
    uncached = _find(summaries, TARGET_SIZE, "uncached")
    if uncached and uncached.share_of_bare is not None:
        share = uncached.share_of_bare
        lines.append((
            f"uncached {TARGET_SIZE}-comment page ≥ {UNCACHED_SHARE_TARGET:.0%} of bare",
            f"{share:.1%}", _mark(share >= UNCACHED_SHARE_TARGET),
        ))  # fmt: skip
    counts = [queries[size]["uncached"] for size in sorted(queries)]
    if counts:
        measured = ", ".join(f"{size}: {queries[size]['uncached']}" for size in sorted(queries))
        ok = len(set(counts)) == 1 and counts[0] <= QUERIES_TARGET
        lines.append((
            f"≤ {QUERIES_TARGET} queries per uncached page, the same at every size",
            measured, _mark(ok),
        ))  # fmt: skip
    lines += discussion_targets(discussion)
    if memory.after_mb:
        budget = PAGE_CACHE_MB + MEMORY_ALLOWANCE_MB
        worst = max(memory.after_mb)
        lines.append((
            f"private memory per worker after {memory.urls} distinct URLs ≤ {PAGE_CACHE_MB} MB + "
            f"{MEMORY_ALLOWANCE_MB} MB",
            ", ".join(f"{mb:.0f} MiB" for mb in memory.after_mb),
            _mark(worst <= budget and memory.ok == memory.urls),
        ))  # fmt: skip
    return lines


def discussion_targets(discussion):
    """The page weight and CPU targets of the largest discussion's pages."""
    if discussion is None or not discussion.pages:
        return []
    heaviest = max(page["bytes"] for page in discussion.pages) / 1024
    lines = [
        (
            f"no page of the {discussion.size}-comment discussion > {PAGE_WEIGHT_TARGET_KB} KB",
            f"{len(discussion.pages)} pages, the heaviest {heaviest:.0f} KB",
            _mark(heaviest <= PAGE_WEIGHT_TARGET_KB),
        )
    ]
    ratios = [discussion.ratio(page) for page in discussion.pages]
    if None not in ratios:
        lines.append((
            f"uncached page at {discussion.size} comments ≤ {PAGE_CPU_TARGET}× the CPU of the "
            f"{discussion.reference_size}-comment page (in-process)",
            f"{min(ratios):.2f}× – {max(ratios):.2f}× "
            f"(the reference: {discussion.reference_cpu_ms:.1f} ms)",
            _mark(max(ratios) <= PAGE_CPU_TARGET),
        ))  # fmt: skip
    return lines


def discussion_cost(discussion):
    """What a page's CPU follows: a fixed part, and a part per comment shown (least squares
    over the pages), and so how many comments the CPU target leaves room for."""
    if discussion is None or len(discussion.pages) < 3 or not discussion.reference_cpu_ms:
        return ""
    shown = [page["comments"] for page in discussion.pages]
    cpu = [page["cpu_ms"] for page in discussion.pages]
    fit = statistics.linear_regression(shown, cpu)
    room = (PAGE_CPU_TARGET * discussion.reference_cpu_ms - fit.intercept) / fit.slope
    return (
        f"Across the {len(shown)} pages, an uncached page costs about {fit.intercept:.1f} ms "
        f"+ {fit.slope * 1000:.0f} µs per comment it shows (least squares, "
        f"r = {statistics.correlation(shown, cpu):.2f}). At that rate, {PAGE_CPU_TARGET}× the "
        f"reference ({discussion.reference_cpu_ms:.1f} ms, {discussion.reference_comments} "
        f"comments shown) is reached at about {room:.0f} comments on a page; the heaviest "
        f"page shows {max(shown)}."
    )


def discussion_rows(discussion):
    header = ["page", "path", "KB", "gzipped KB", "comments shown", "uncached CPU ms",
              "× reference"]  # fmt: skip
    rows = [
        [
            str(number),
            f"`{page['path']}`",
            f"{page['bytes'] / 1024:.0f}",
            f"{page['gzip_bytes'] / 1024:.0f}",
            str(page["comments"]),
            f"{page['cpu_ms']:.2f}",
            _fmt(discussion.ratio(page), ".2f") + "×",
        ]
        for number, page in enumerate(discussion.pages if discussion else [], start=1)
    ]
    return header, rows


def _fmt(value, spec, missing="–"):
    return missing if value is None else format(value, spec)


def summary_rows(summaries):
    """One row per size: the figures the targets speak of."""
    header = ["comments", "page KB", "gzipped KB", "queries", "bare req/s", "uncached req/s",
              "uncached % of bare", "uncached CPU ms/req", "cached req/s", "cached % of bare",
              "bare gzipped req/s", "Varnish req/s", "Varnish × bare gzipped"]  # fmt: skip
    rows = []
    for size in sorted({s.size for s in summaries}):
        bare, bare_gzip, uncached, cached, varnish = (
            _find(summaries, size, name) for name in SERVERS
        )
        rows.append([
            str(size),
            f"{bare.page_bytes / 1024:.0f}",
            f"{bare_gzip.page_bytes / 1024:.0f}",
            _fmt(uncached.queries, "d"),
            _fmt(bare.requests_per_second, ".0f"),
            _fmt(uncached.requests_per_second, ".0f"),
            _fmt(uncached.share_of_bare, ".1%"),
            _fmt(uncached.cpu_ms, ".2f"),
            _fmt(cached.requests_per_second, ".0f"),
            _fmt(cached.share_of_bare, ".0%"),
            _fmt(bare_gzip.requests_per_second, ".0f"),
            _fmt(varnish.requests_per_second, ".0f"),
            _fmt(varnish.share_of_bare, ".1f") + "×",
        ])  # fmt: skip
    return header, rows


def memory_rows(memory):
    header = ["distinct URLs", "answered 200", "page KB", "private before (MiB)",
              "private after (MiB)", "budget (MiB)", "resident before (MiB)",
              "resident after (MiB)"]  # fmt: skip

    def listed(values):
        return ", ".join(f"{mb:.0f}" for mb in values) or "–"

    row = [
        str(memory.urls),
        str(memory.ok),
        f"{memory.page_bytes / 1024:.0f}",
        listed(memory.before_mb),
        listed(memory.after_mb) + ("" if memory.same_workers else " (a worker was replaced)"),
        f"{PAGE_CACHE_MB} + {MEMORY_ALLOWANCE_MB}",
        listed(memory.resident_before_mb),
        listed(memory.resident_after_mb),
    ]
    return header, [row]


def page_rows(summaries):
    header = ["comments", "server", "page KB", "req/s", "rounds' range", "p50 ms", "p99 ms",
              "vs bare", "CPU ms/req", "queries/req", "errors"]  # fmt: skip
    rows = [
        [
            str(s.size),
            s.server,
            f"{s.page_bytes / 1024:.0f}",
            _fmt(s.requests_per_second, ".0f"),
            f"{s.slowest_round:.0f}–{s.fastest_round:.0f}",
            _fmt(s.p50_ms, ".1f"),
            _fmt(s.p99_ms, ".1f"),
            _fmt(s.share_of_bare, ".1%"),
            _fmt(s.cpu_ms, ".2f"),
            _fmt(s.queries, "d"),
            str(s.errors),
        ]
        for s in summaries
    ]
    return header, rows


def posting_rows(posting):
    header = ["posters", "posts", "seconds", "accepted (302)", "accepted/s", "POST p50 ms",
              "POST p99 ms", "other statuses", "CPU ms/post", "lost", "stored twice",
              "client errors"]  # fmt: skip
    other = ", ".join(f"{code}: {n}" for code, n in sorted(posting.other_statuses.items()))
    row = [
        str(posting.posters),
        str(len(posting.attempts)),
        f"{posting.wall_seconds:.1f}",
        str(len(posting.accepted)),
        f"{posting.accepted_per_second:.1f}",
        f"{posting.latency_ms(50):.0f}",
        f"{posting.latency_ms(99):.0f}",
        other or "none",
        _fmt(posting.cpu_ms_per_post, ".1f"),
        f"{posting.lost} {_mark(posting.lost == 0)}",
        f"{posting.stored_twice} {_mark(posting.stored_twice == 0)}",
        str(len(posting.failures)),
    ]
    return header, [row]


def text_table(header, rows):
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells):
        return "  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def tables(summaries, queries, memory, posting, discussion=None):
    return {
        "summary_table": summary_rows(summaries),
        "page_table": page_rows(summaries),
        "memory_table": memory_rows(memory),
        "targets": targets(summaries, queries, memory, discussion),
        "posting_table": posting_rows(posting),
        "discussion_table": discussion_rows(discussion),
        "discussion_note": discussion_note(discussion),
        "discussion_cost": discussion_cost(discussion),
    }


def discussion_note(discussion):
    if discussion is None:
        return ""
    reference = (
        f"× reference: its CPU divided by that of the article page at "
        f"{discussion.reference_size} comments (median {discussion.reference_cpu_ms:.2f} ms), "
        "timed right after it in each of three rounds (the median of the rounds' ratios)."
        if discussion.reference_cpu_ms
        else ""
    )
    return (
        f"The {discussion.size}-comment article's discussion as a reader walks it, from the "
        'article URL through each page\'s "Newer comments" link, with the discussion settings '
        "at their defaults (50 top-level comments a page, the first page at the article URL). "
        "KB as sent (gzipped: as Varnish keeps and sends it); CPU: one uncached GET in-process "
        "with the test client (process time, median of three rounds), what was loaded before "
        f"frozen out of garbage collection, as in a gunicorn worker. {reference}"
    )


def terminal(context):
    lines = ["", text_table(*context["summary_table"]), "", text_table(*context["page_table"])]
    lines += ["", "Memory:", text_table(*context["memory_table"]), "", "Targets:"]
    lines += [f"  {mark} {name}: {measured}" for name, measured, mark in context["targets"]]
    if context.get("discussion_table", ([], []))[1]:
        lines += ["", "Discussion pages:", text_table(*context["discussion_table"])]
        lines += [context["discussion_cost"]]
    if context.get("lighthouse_table", ([], []))[1]:
        lines += ["", "Lighthouse, mobile:", text_table(*context["lighthouse_table"])]
    lines += ["", "Comment posting:", text_table(*context["posting_table"])]
    lines += [f"  {note}" for note in context["posting_notes"][1:]]
    return "\n".join(lines)


def machine(wrk_path):
    """What the figures were measured on; the machine may be shared with other work."""
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    wrk = subprocess.run([wrk_path, "-v"], capture_output=True, text=True, check=False)
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "CPU": model,
        "Python": platform.python_version(),
        "Django": metadata.version("Django"),
        "gunicorn": metadata.version("gunicorn"),
        "wrk": (wrk.stdout or wrk.stderr).split(" [")[0].strip(),
        "kernel": platform.release(),
    }


def code_version(root):
    """The commit measured, and whether the application had uncommitted changes."""

    def git(*args):
        completed = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        )
        return completed.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "immunoblog", "articles", "comments", "templates")
    return commit + (" with uncommitted changes to the application" if dirty else "")


def load_average():
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def now_utc():
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


METHOD = """\
`bench/run.py` starts everything with the test suite's harness
(`tests/servers.py`): a fresh database (`fresh_database`: SQLite in a temporary
directory), production settings (`production_env`), `migrate` and
`collectstatic`, then one published copy of the immunotherapy article per size
with that many approved comments, created through `Comment.objects.create`
(sanitised as a real comment is; bodies of different lengths, a few links,
replies nested down to depth 5). Four servers run on 127.0.0.1: the blog with
`PAGE_CACHE_SECONDS=0` (uncached), the blog with its in-app page cache at its
defaults (cached), both gunicorn with 2 sync workers (`running_server`);
Varnish with deploy/varnish/default.vcl in front of the cached server
(`running_varnish`); and a bare Django project (`bench/bare/`: no middleware,
no database, no apps, served by the same harness) whose one view returns the
bytes of the real page of that size, fetched once from the uncached server,
with the same headers (all but those its own server writes: Date, Server,
framing), so every server sends the same response. Browsers ask for gzip
and Varnish keeps and sends pages gzipped, so Varnish is loaded with
`Accept-Encoding: gzip` and compared with the bare view sending the very
response Varnish sent (fetched once from it, gzipped): "bare gzipped". The app servers do not
compress; they and plain "bare" are loaded without the header. After a
warm-up run per server and size, wrk loads each server in turn, interleaved
(the order rotated each round); every figure is the median over rounds, and
"% of bare" / "× bare" the median of the per-round ratio of requests per
second to the bare run sending the same bytes in the same round. CPU
ms/req is the workers' utime + stime from `/proc/<pid>/stat` across a run,
divided by the requests wrk completed; wrk runs on the same machine and
competes with the servers for its cores, which is why the bare reference
matters more than the absolute numbers. Queries per request are counted
in-process with `CaptureQueriesContext` and the test client on the same
database, for one anonymous GET after a warm-up (uncached: page cache off;
cached: page already stored). Memory: after the load, the cached server gets
GETs of distinct URLs of the 100-comment article (Host `localhost:PORT` and
`?page=N`, each a page of its own in the cache), and each worker's private and
resident memory are read from `/proc/<pid>/smaps_rollup`. The posting test
starts many posters at once against the cached server; each repeats the real
flow (GET `/comments/csrf/`,
then POST `/comments/post/` with the token, the cookie and an Origin header)
with a unique marker in every comment, and the database is read afterwards to
count accepted posts that were not stored (lost) and comments stored twice.
"""


LIGHTHOUSE_HEADER = ["served by", "Performance", "FCP", "LCP", "TBT", "CLS", "Speed Index"]
LIGHTHOUSE_NOTE = (
    "Lighthouse 12.2.3 (tests/lighthouse.py) with Debian's Chromium, mobile preset "
    "(a mid-range phone on a slow 4G link, simulated): the 100-comment article from the "
    "cached gunicorn server (production settings, static files compressed by WhiteNoise "
    "and cached for a year from the manifest) and from Varnish in front of it. Varnish "
    "adds gzip for the page itself (gunicorn sends the HTML uncompressed), which is "
    "what the simulated slow link pays for; on a real network it also answers without "
    "reaching Python. Scores move with the machine's load: the Accessibility, Best "
    "Practices and SEO scores are asserted in CI (`make outside-checks`), Performance "
    "only here."
)


def document(context):
    """docs/benchmarks.md: the same figures as the terminal, with how they were made."""
    parts = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`bench/run.py`) on {context['date']}. "
        "Re-run it to refresh this page; figures from another machine or another "
        "day are not comparable with these.",
        "",
        "## Machine",
        "",
        *[f"- {name}: {value}" for name, value in context["machine"].items()],
        f"- load average (1/5/15 min) before / after: {context['load_before']}"
        f" → {context['load_after']}",
        "- The machine is shared: other work (test suites) may have been running during "
        "the measurement, which lowers throughput and raises latency for every server alike.",
        "",
        "## Settings",
        "",
        *[f"- {line}" for line in context["settings"]],
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
        *[f"| {name} | {measured} | {mark} |" for name, measured, mark in context["targets"]],
        "",
        "## Article page",
        "",
        'Medians over rounds; "% of bare" and "× bare" are medians of the per-round '
        "ratio to the bare view serving the same bytes. Queries: one anonymous GET with the "
        "page cache off.",
        "",
        markdown_table(*context["summary_table"]),
        "",
        "Every server, with latency and CPU (Varnish's CPU is its cache process):",
        "",
        markdown_table(*context["page_table"]),
        "",
        "## Lighthouse: the article on a phone",
        "",
        LIGHTHOUSE_NOTE,
        "",
        markdown_table(*context.get("lighthouse_table", ([], []))),
        "",
        "## The discussion, page by page",
        "",
        context.get("discussion_note", ""),
        "",
        markdown_table(*context.get("discussion_table", ([], []))),
        "",
        context.get("discussion_cost", ""),
        "",
        "## Memory per worker",
        "",
        "Memory of each worker of the cached server, after the load above (before) and after "
        "the GETs of distinct URLs (after); each URL is a miss, rendered and stored. "
        "gunicorn.conf.py loads the app in the master and forks the workers from it, so "
        "a worker's private memory (Private_Clean + Private_Dirty of "
        "/proc/<pid>/smaps_rollup) is what it costs; its resident size also counts the "
        "pages it shares with the master and the other workers.",
        "",
        markdown_table(*context["memory_table"]),
        "",
        "## Comment posting",
        "",
        markdown_table(*context["posting_table"]),
        "",
        *context["posting_notes"],
        "",
        "## Backup and restore",
        "",
        "`manage.py backup` of the site above topped up to 10,000 comments (snapshot, neutral "
        "dump, manifest, gzip; not encrypted), then `manage.py restore` of that file into a new "
        "database with no tables (migrations included), each a process of its own, timed "
        "from start to exit.",
        "",
        markdown_table(*context.get("backup_table", ([], []))),
        "",
        "## Method",
        "",
        METHOD.replace("\n", " ").strip(),
        "",
        "## Running it",
        "",
        "```sh",
        "make bench                  # full run, writes this file",
        "BENCH_QUICK=1 make bench    # 1 s runs, one round, 1000 distinct URLs",
        ".venv/bin/python bench/run.py --profile   # cProfile of the uncached 100-comment page",
        ".venv/bin/python bench/run.py --pages     # only the discussion's pages, in-process",
        ".venv/bin/python bench/run.py --backups   # only backup and restore, 10,000 comments",
        "```",
        "",
        "The full run takes 6 to 12 minutes on 2 cores, depending on what else runs: most of "
        "it is the memory test, where every one of the distinct URLs is an uncached render.",
        "",
    ]
    return "\n".join(parts)
