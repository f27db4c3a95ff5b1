"""Measurements taken inside this process with Django's test client.

Same database and settings as the servers; the page cache is switched off
with override_settings (the page cache reads PAGE_CACHE_SECONDS per request).
"""

import cProfile
import io
import pstats
import time

HOST = "127.0.0.1"
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
