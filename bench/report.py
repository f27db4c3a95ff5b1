"""Summaries, targets and the two renderings: a terminal table and docs/benchmarks.md."""

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata

SERVERS = ("bare", "uncached", "cached")
UNCACHED_SHARE_TARGET = 0.08
CACHED_SHARE_TARGET = 0.80
GROWTH_TARGET = 10
CPU_TARGET_MS = 2.0
TARGET_SIZE = 100
BIG_SIZE = 1000


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


def _median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def share_of_bare(runs, size, server):
    """Median over rounds of this server's req/s divided by bare's in the same round."""
    bare = {r.round: r.requests_per_second for r in runs if r.size == size and r.server == "bare"}
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
                    page_bytes=page_bytes.get(size, 0),
                )
            )
    return summaries


def _find(summaries, size, server):
    return next((s for s in summaries if s.size == size and s.server == server), None)


def _mark(ok):
    return "✓" if ok else "✗"


def targets(summaries):
    """(target, measured, ✓/✗) lines; a target whose figures are missing is skipped."""
    lines = []
    uncached = _find(summaries, TARGET_SIZE, "uncached")
    if uncached and uncached.share_of_bare is not None:
        share = uncached.share_of_bare
        lines.append((
            f"uncached page ≥ {UNCACHED_SHARE_TARGET:.0%} of bare at {TARGET_SIZE} comments",
            f"{share:.1%}", _mark(share >= UNCACHED_SHARE_TARGET),
        ))  # fmt: skip
    cached = [s for s in summaries if s.server == "cached" and s.share_of_bare is not None]
    if cached:
        measured = ", ".join(f"{s.size}: {s.share_of_bare:.0%}" for s in cached)
        ok = all(s.share_of_bare >= CACHED_SHARE_TARGET for s in cached)
        lines.append((f"cached page ≥ {CACHED_SHARE_TARGET:.0%} of bare", measured, _mark(ok)))
    big = _find(summaries, BIG_SIZE, "uncached")
    if uncached and big and uncached.cpu_ms and big.cpu_ms:
        growth = big.cpu_ms / uncached.cpu_ms
        same_queries = big.queries == uncached.queries
        lines.append((
            f"{BIG_SIZE}-comment page ≤ {GROWTH_TARGET}× the {TARGET_SIZE}-comment page "
            "(uncached CPU ms/req), queries unchanged",
            f"{growth:.1f}×, queries {uncached.queries} → {big.queries}",
            _mark(growth <= GROWTH_TARGET and same_queries),
        ))  # fmt: skip
    if uncached and uncached.cpu_ms is not None:
        lines.append((
            f"server CPU per uncached page ≤ {CPU_TARGET_MS:g} ms at {TARGET_SIZE} comments",
            f"{uncached.cpu_ms:.2f} ms", _mark(uncached.cpu_ms <= CPU_TARGET_MS),
        ))  # fmt: skip
    return lines


def _fmt(value, spec, missing="–"):
    return missing if value is None else format(value, spec)


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


def tables(summaries, posting):
    return {
        "page_table": page_rows(summaries),
        "targets": targets(summaries),
        "posting_table": posting_rows(posting),
    }


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
`bench/run.py` migrates a throwaway SQLite database in a temporary directory,
collects the static files there, and creates one published copy of the
immunotherapy article per size with that many approved comments (through
`Comment.objects.create`, so every comment is sanitised and pre-rendered as a
real one is; bodies of different lengths, a few links, replies nested down to
depth 5). It then starts three gunicorn servers on 127.0.0.1, each with 2 sync
workers and production settings (`DJANGO_DEBUG=0`, `DJANGO_HTTPS=0`): the blog
with its page cache (`cached`), the blog with `PAGE_CACHE_SECONDS=0`
(`uncached`), and a bare Django project (`bench/bare/`: no middleware, no
database, no apps) whose one view returns the bytes of the real article page
of that size, fetched once from the blog, with the same Content-Type. After a
warm-up run per server, wrk loads each server in turn, interleaved
(bare, uncached, cached, with the order rotated each round), for several
rounds; every figure is the median over rounds, and "vs bare" is the median of
the per-round ratio of requests per second to bare's in the same round. CPU
ms/req is the workers' utime + stime from `/proc/<pid>/stat` across a run,
divided by the requests wrk completed; wrk runs on the same machine and
competes with the servers for its cores, which is why the bare reference
matters more than the absolute numbers. Queries per request are counted
in-process with `CaptureQueriesContext` and the test client on the same
database for one anonymous GET after a warm-up (uncached: page cache off;
cached: page already stored). The posting test starts many posters at once
against the cached server; each repeats the real flow (GET `/comments/csrf/`,
then POST `/comments/post/` with the token, the cookie and an Origin header)
with a unique marker in every comment, and the SQLite file is read afterwards
to count accepted posts that were not stored (lost) and comments stored twice.
"""


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
        "## Article page",
        "",
        markdown_table(*context["page_table"]),
        "",
        "### Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
        *[f"| {name} | {measured} | {mark} |" for name, measured, mark in context["targets"]],
        "",
        "## Comment posting",
        "",
        markdown_table(*context["posting_table"]),
        "",
        *context["posting_notes"],
        "",
        "## Method",
        "",
        METHOD.replace("\n", " ").strip(),
        "",
        "## Running it",
        "",
        "```sh",
        "make bench                                  # full run, writes this file",
        ".venv/bin/python bench/run.py --quick --output /tmp/bench.md   # 1 s runs",
        ".venv/bin/python bench/run.py --profile    # cProfile of the uncached 100-comment page",
        "```",
        "",
    ]
    return "\n".join(parts)
