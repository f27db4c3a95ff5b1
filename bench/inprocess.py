"""Measurements taken inside this process with Django's test client.

Same database and settings as the servers; the page cache is switched off
with override_settings (the page cache reads PAGE_CACHE_SECONDS per request).
"""

import cProfile
import gzip
import io
import pstats
import re
import statistics
import time

HOST = "127.0.0.1"
# Varnish's gzip level (its default, 6), and a bound on the pages walked.
GZIP_LEVEL = 6
MAX_PAGES = 200
# pstats restriction: functions defined in the blog's own packages.
PROJECT_CODE = r"/(immunoblog|articles|comments)/[^/]+\.py"


def _client():
    from django.test import Client

    return Client(HTTP_HOST=HOST)


def _get(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return response


def count_queries(path, *, cached):
    """SQL queries of one anonymous GET, after a warm-up request.

    The warm-up loads the discussion rules into the shared cache and, when
    cached, stores the page; the figure is the steady state a reader meets.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    client = _client()
    seconds = 600 if cached else 0
    with override_settings(PAGE_CACHE_SECONDS=seconds):
        _get(client, path)
        with CaptureQueriesContext(connection) as captured:
            _get(client, path)
    return len(captured.captured_queries)


def profile_page(path, runs, top=25, top_own=15):
    """Render the page `runs` times uncached under cProfile; return the report text."""
    from django.test.utils import override_settings

    client = _client()
    profiler = cProfile.Profile()
    with override_settings(PAGE_CACHE_SECONDS=0):
        for _ in range(3):
            _get(client, path)
        started = time.perf_counter()
        profiler.enable()
        for _ in range(runs):
            _get(client, path)
        profiler.disable()
        elapsed = time.perf_counter() - started
    out = io.StringIO()
    out.write(
        f"{runs} uncached GETs of {path}: {elapsed * 1000 / runs:.2f} ms each under cProfile\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write(f"The same profile, top {top_own} by time spent in the function itself:\n")
    stats.sort_stats("tottime").print_stats(top_own)
    out.write("The same profile, the blog's own functions by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(PROJECT_CODE, top_own)
    return out.getvalue()


def time_page(path, runs):
    """(wall-clock ms, CPU ms) per uncached GET through the whole stack, no profiler."""
    from django.test.utils import override_settings

    client = _client()
    with override_settings(PAGE_CACHE_SECONDS=0):
        _get(client, path)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(runs):
            _get(client, path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall * 1000 / runs, cpu * 1000 / runs


_NEXT_PAGE = re.compile(r'<a class="page-link" rel="next" href="([^"#]+)')
_CARD = 'class="comment depth-'


def comments_shown(path):
    """How many comments the page at `path` shows."""
    return _get(_client(), path).content.decode().count(_CARD)


def discussion_pages(path, runs, reference_path=None, rounds=3):
    """Every page of the discussion under the article at `path`, as a reader walks them.

    From the article URL, following each page's rel="next" link: for each
    page, its bytes as sent and gzipped (as Varnish keeps it), the comments
    it shows, and the CPU of one uncached GET (see time_page), the median of
    `rounds`. Each round also times `reference_path` right after, so the
    ratio to it ("ratio", the median of the rounds' ratios) holds while the
    machine's load changes.
    """
    from django.test.utils import override_settings

    client = _client()
    pages = []
    with override_settings(PAGE_CACHE_SECONDS=0):
        while path and len(pages) < MAX_PAGES:
            html = _get(client, path).content
            samples = []
            for _ in range(rounds):
                cpu_ms = time_page(path, runs)[1]
                reference_ms = time_page(reference_path, runs)[1] if reference_path else None
                samples.append((cpu_ms, reference_ms))
            pages.append(
                {
                    "path": path,
                    "bytes": len(html),
                    "gzip_bytes": len(gzip.compress(html, compresslevel=GZIP_LEVEL)),
                    "comments": html.decode().count(_CARD),  # as comments_shown()
                    "cpu_ms": statistics.median(cpu for cpu, _ in samples),
                    "reference_ms": statistics.median(ref for _, ref in samples)
                    if reference_path
                    else None,
                    "ratio": statistics.median(cpu / ref for cpu, ref in samples)
                    if reference_path
                    else None,
                }
            )
            found = _NEXT_PAGE.search(html.decode())
            path = found.group(1) if found else None
    return pages
