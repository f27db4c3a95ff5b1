"""Load-test the article page against a bare Django view returning the same response.

    .venv/bin/python bench/run.py            # full run, writes docs/benchmarks.md
    .venv/bin/python bench/run.py --quick    # short run (or BENCH_QUICK=1 make bench)
    .venv/bin/python bench/run.py --profile  # cProfile of the uncached 100-comment page
    .venv/bin/python bench/run.py --pages    # the 1000-comment discussion's pages, in-process
    .venv/bin/python bench/run.py --backups  # backup and restore at 10,000 comments only

Durations also come from the environment: BENCH_DURATION, BENCH_ROUNDS,
BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_SIZES, BENCH_POSTERS,
BENCH_POSTS_PER_POSTER, BENCH_DISTINCT_URLS, BENCH_PAGE_RUNS. Servers are started with the
test suite's harness (tests/servers.py), listen on 127.0.0.1 only and are
stopped, and the temporary directory removed, however the run ends.
"""

import argparse
import dataclasses
import gc
import json
import os
import signal
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import backup_restore
import inprocess
import loadgen
import posting
import report
import seed
import servers

from tests import lighthouse
from tests.servers import Browser

DEFAULT_OUTPUT = servers.ROOT / "docs" / "benchmarks.md"
RAW_OUTPUT = servers.BENCH_DIR / "results" / "latest.json"
SETTLE_SECONDS = 0.3
# The memory test's distinct URLs: HOSTS host names (localhost:PORT) × ?page=N.
HOSTS = 100
FILL_CONNECTIONS = 8


def env_int(name, default):
    return int(os.environ.get(name) or default)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--duration", type=int, default=env_int("BENCH_DURATION", 5), help="seconds per wrk run")
    add("--rounds", type=int, default=env_int("BENCH_ROUNDS", 3), help="interleaved rounds")
    add("--warmup", type=int, default=env_int("BENCH_WARMUP", 1), help="seconds of warm-up")
    add("--threads", type=int, default=env_int("BENCH_THREADS", 2), help="wrk threads")
    add("--connections", type=int, default=env_int("BENCH_CONNECTIONS", 16))
    add("--sizes", default=os.environ.get("BENCH_SIZES", "0,10,100,1000"), help="comment counts")
    add("--posters", type=int, default=env_int("BENCH_POSTERS", 40))
    add("--posts-per-poster", type=int, default=env_int("BENCH_POSTS_PER_POSTER", 10))
    add("--distinct-urls", type=int, default=env_int("BENCH_DISTINCT_URLS", 5000))
    add("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")),
        help="1 s runs, 1 round, 2 posts per poster, 1000 distinct URLs")  # fmt: skip
    add("--output", default=str(DEFAULT_OUTPUT), help="Markdown report ('-' for none)")
    add("--profile", action="store_true", help="profile the uncached page instead")
    add("--profile-runs", type=int, default=200, help="GETs under the profiler")
    add("--profile-size", type=int, default=100, help="comments on the profiled page")
    add("--pages", action="store_true",
        help="only the pages of the largest discussion, in-process (no servers)")  # fmt: skip
    add("--backups", action="store_true",
        help="only backup and restore at 10,000 comments")  # fmt: skip
    add("--page-runs", type=int, default=env_int("BENCH_PAGE_RUNS", 20),
        help="uncached GETs timed per discussion page")  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds, args.posts_per_poster = 1, 1, 2
        args.distinct_urls = min(args.distinct_urls, 1000)
    args.sizes = [int(size) for size in args.sizes.split(",")]
    return args


def _interrupt(signum, frame):
    raise KeyboardInterrupt


# --- The database, and this process's Django ----------------------------------


def prepare(env, sizes):
    """Migrate and collect static files as a deploy would, then seed from this process."""
    print("Migrating and collecting static files ...", flush=True)
    servers.manage("migrate", "--no-input", "-v0", env=env)
    servers.collect_static(env)
    os.environ.update(env)
    import django

    django.setup()
    started = time.perf_counter()
    articles = seed.seed(sizes)
    print(f"Seeded {sum(sizes)} comments in {time.perf_counter() - started:.1f} s:")
    # As gunicorn's master does before it forks the workers (gunicorn.conf.py): what
    # is loaded by now is never collected, so in-process figures are a worker's.
    gc.collect()
    gc.freeze()
    for article in articles:
        print(f"  {article.size:>5} comments at {article.path}, by depth "
              f"{article.depths}")  # fmt: skip
    return articles


def count_queries(articles):
    from django.db import connections

    queries = {
        a.size: {
            "uncached": inprocess.count_queries(a.path, cached=False),
            "cached": inprocess.count_queries(a.path, cached=True),
        }
        for a in articles
    }
    connections.close_all()
    return queries


def measure_discussion(articles, runs):
    """Every page of the largest discussion, and the 100-comment page for reference."""
    from django.db import connections

    largest = max(articles, key=lambda a: a.size)
    reference = next((a for a in articles if a.size == report.TARGET_SIZE), None)
    print(f"The {largest.size}-comment discussion, page by page (in-process, uncached) ...",
          flush=True)  # fmt: skip
    pages = inprocess.discussion_pages(largest.path, runs, reference and reference.path)
    shown = reference and inprocess.comments_shown(reference.path)
    connections.close_all()
    return report.Discussion(
        size=largest.size,
        pages=pages,
        reference_size=reference and reference.size,
        reference_comments=shown,
    )


# --- Servers -------------------------------------------------------------------


def start_servers(stack, env, tmp, articles):
    """uncached, cached, Varnish (in front of cached) and bare; bare returns uncached's pages."""
    print("Starting servers ...", flush=True)
    first = articles[0].path
    pages_dir = tmp / "pages"
    pages_dir.mkdir()
    uncached_env = {**env, "PAGE_CACHE_SECONDS": "0"}
    handle = stack.enter_context(servers.gunicorn(uncached_env, tmp / "uncached.log"))
    uncached = servers.ready("uncached", handle, first)
    page_bytes = save_pages(uncached, articles, pages_dir)
    handle = stack.enter_context(servers.gunicorn(env, tmp / "cached.log"))
    cached = servers.ready("cached", handle, first)
    handle = stack.enter_context(servers.running_varnish(cached.port, tmp / "varnish"))
    varnish = servers.ready("varnish", handle, first, workers=1)  # its cache process
    varnish = dataclasses.replace(varnish, gzip=True)
    gzip_bytes = save_pages(varnish, articles, pages_dir, gzip=True)
    handle = stack.enter_context(servers.gunicorn(servers.bare_env(pages_dir), tmp / "bare.log"))
    bare = servers.ready("bare", handle, f"/page/{articles[0].size}/")
    bare_gzip = dataclasses.replace(bare, name="bare-gzip", gzip=True)
    for target in (uncached, cached, varnish, bare):
        print(f"  {target.name:<9} on {target.origin}, pid {target.pid}", flush=True)
    for target in (cached, varnish):
        check_same_page(target, uncached, articles, pages_dir)
    page_bytes = {size: {"identity": n, "gzip": gzip_bytes[size]} for size, n in page_bytes.items()}
    return bare, bare_gzip, uncached, cached, varnish, page_bytes


# Headers the bare server does not repeat: its own server writes them (Date,
# Server, framing) or they describe a cache's work (Varnish's Age, Via, ...).
NOT_REPEATED = {
    "date", "server", "connection", "transfer-encoding", "keep-alive",
    "age", "via", "x-varnish", "x-cache", "accept-ranges",
}  # fmt: skip


def fetch(url, *, gzip=False):
    """(body, headers) of a GET of `url`, asking for gzip when told to."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        if gzip and response.headers["Content-Encoding"] != "gzip":
            raise RuntimeError(f"{url} did not answer gzipped")
        return response.read(), response.headers


def save_pages(server, articles, pages_dir, *, gzip=False):
    """The real pages' bytes and headers, for the bare server to send back as they are.

    With `gzip`, the response `server` gives a browser that accepts gzip,
    saved as "<size>-gz".
    """
    sizes = {}
    for article in articles:
        body, headers = fetch(server.origin + article.path, gzip=gzip)
        name = f"{article.size}-gz" if gzip else str(article.size)
        kept = [(key, value) for key, value in headers.items() if key.lower() not in NOT_REPEATED]
        (pages_dir / f"{name}.body").write_bytes(body)
        (pages_dir / f"{name}.headers").write_text(json.dumps(kept))
        sizes[article.size] = len(body)
    return sizes


def check_same_page(server, reference, articles, pages_dir):
    """Every server must serve the uncached page (canonical URLs name their own port)."""
    for article in articles:
        body, _ = fetch(server.origin + article.path)
        body = body.replace(server.origin.encode(), reference.origin.encode())
        if body != (pages_dir / f"{article.size}.body").read_bytes():
            print(f"  warning: the {server.name} page for {article.size} comments differs "
                  "from the uncached one")  # fmt: skip


# --- Lighthouse ------------------------------------------------------------------


def lighthouse_figures(article, targets):
    """Lighthouse's mobile Performance for the article, from gunicorn and from Varnish."""
    print(f"Lighthouse (mobile, Performance) on the {article.size}-comment article ...",
          flush=True)  # fmt: skip
    figures = []
    for target in targets:
        report = lighthouse.run(target.origin + article.path, "mobile", ["performance"])
        figures.append(report_row(target.name, report))
        print(f"  {target.name:<9} score {report.score('performance')}, "
              f"LCP {report.metrics['largest-contentful-paint'][1]}", flush=True)  # fmt: skip
    return figures


def report_row(name, report):
    shown = [report.metrics.get(audit, (None, "–"))[1] for audit in lighthouse.METRICS]
    return [name, _score(report.score("performance")), *shown]


def _score(score):
    return "null" if score is None else str(score)


# --- Load ----------------------------------------------------------------------


def measure(server, url, load):
    before = server.cpu_snapshot()
    result = loadgen.run_wrk(url, load, gzip=server.gzip)
    # Requests wrk gave up on at the end are still being answered; count their CPU too.
    time.sleep(SETTLE_SECONDS)
    after = server.cpu_snapshot()
    return result, servers.cpu_ms_per_request(before, after, result.requests)


def page_path(target, article):
    """The article on the blog's servers; its saved bytes on bare's."""
    if target.name == "bare":
        return f"/page/{article.size}/"
    if target.name == "bare-gzip":
        return f"/page/{article.size}-gz/"
    return article.path


def rotated(items, by):
    by %= len(items)
    return items[by:] + items[:by]


def load_pages(args, articles, targets):
    """wrk against every server for every size, interleaved, the order rotated each round."""
    urls = {(a.size, t.name): t.origin + page_path(t, a) for a in articles for t in targets}
    load = loadgen.LoadSettings(args.duration, args.threads, args.connections)
    warmup = loadgen.LoadSettings(args.warmup, args.threads, args.connections)
    print(f"Warming up ({args.warmup} s per server and size) ...", flush=True)
    for (_, name), url in urls.items():
        loadgen.run_wrk(url, warmup, gzip=next(t.gzip for t in targets if t.name == name))
    runs = []
    for round_number in range(args.rounds):
        for article in articles:
            for target in rotated(targets, round_number):
                result, cpu_ms = measure(target, urls[article.size, target.name], load)
                runs.append(_run(round_number, article.size, target.name, result, cpu_ms))
                _print_run(runs[-1], args.rounds)
    return runs


def _run(round_number, size, name, result, cpu_ms):
    return report.Run(
        round=round_number,
        size=size,
        server=name,
        requests_per_second=result.requests_per_second,
        p50_ms=result.p50_us / 1000,
        p99_ms=result.p99_us / 1000,
        cpu_ms=cpu_ms,
        errors=result.error_count,
        requests=result.requests,
    )


def _print_run(run, rounds):
    cpu = "–" if run.cpu_ms is None else f"{run.cpu_ms:.2f}"
    print(f"  round {run.round + 1}/{rounds} {run.size:>5} comments {run.server:<9}"
          f"{run.requests_per_second:8.0f} req/s  p50 {run.p50_ms:6.1f} ms  "
          f"p99 {run.p99_ms:6.1f} ms  CPU {cpu} ms/req  errors {run.errors}",
          flush=True)  # fmt: skip


def fill_page_cache(server, article, count):
    """GET `count` distinct URLs of the article (host × ?page=N); memory per worker after."""
    print(f"Memory: {count} distinct URLs of the {article.size}-comment article ...", flush=True)
    before = {pid: servers.memory_mb(pid) for pid in server.workers()}

    def get(index):
        host = f"localhost:{10000 + index % HOSTS}"
        path = f"{article.path}?page={index // HOSTS + 1}"
        return Browser("127.0.0.1", server.port).get(path, Host=host).status

    started = time.perf_counter()
    with ThreadPoolExecutor(FILL_CONNECTIONS) as pool:
        statuses = list(pool.map(get, range(count)))
    seconds = time.perf_counter() - started
    after = {pid: servers.memory_mb(pid) for pid in server.workers()}
    ok = statuses.count(200)
    change = ", ".join(
        f"{before.get(pid, (0, 0))[1]:.0f} → {private:.0f} (resident {rss:.0f})"
        for pid, (rss, private) in after.items()
    )
    print(f"  {ok}/{count} answered 200 in {seconds:.1f} s; private MiB per worker: {change}")
    return report.Memory(
        urls=count,
        ok=ok,
        page_bytes=0,
        before_mb=[private for _, private in before.values()],
        after_mb=[private for _, private in after.values()],
        resident_before_mb=[rss for rss, _ in before.values()],
        resident_after_mb=[rss for rss, _ in after.values()],
        same_workers=set(before) == set(after),
    )


def post_comments(args, database, server, article):
    print(f"Posting: {args.posters} posters × {args.posts_per_poster} comments "
          f"on the {article.size}-comment article ...", flush=True)  # fmt: skip
    run_id, result = posting.run_posters(server, article, args.posters, args.posts_per_poster)
    result.stored = posting.stored_markers(database, run_id)
    for failure in result.failures[:5]:
        print(f"  client error: {failure}")
    return result


# --- Output --------------------------------------------------------------------


def posting_notes(result):
    notes = [
        "Posts come from new commenters, so with the default discussion settings they are "
        "held for moderation: the 302 leads to the author's signed pending link, and the "
        "cached article page is not purged. CPU ms/post includes the CSRF token GET.",
    ]
    if result.stored_but_refused:
        notes.append(f"{result.stored_but_refused} refused posts were stored anyway.")
    if result.failures:
        notes.append(f"{len(result.failures)} posters stopped on a client error, first: "
                     f"`{result.failures[0]}`.")  # fmt: skip
    return notes


def settings_lines(args):
    return [
        f"comment counts: {', '.join(map(str, args.sizes))}",
        f"wrk: {args.threads} threads, {args.connections} connections, {args.duration} s per "
        f"run, {args.rounds} round(s) (after {args.warmup} s of warm-up per server and size)",
        "gunicorn (tests/servers.py `running_server`): 2 sync workers per server, 127.0.0.1, "
        "production settings (DJANGO_DEBUG=0, DJANGO_HTTPS=0), COMMENT_FLOOD_SECONDS=0, "
        "COMMENT_RATE_PER_MINUTE=0, SQLite, file cache",
        "cached: PAGE_CACHE_SECONDS and PAGE_CACHE_MAX_BYTES at their defaults (600 s, 64 MB "
        "per process); uncached: PAGE_CACHE_SECONDS=0",
        "varnish (tests/servers.py `running_varnish`): deploy/varnish/default.vcl, malloc 64 MB, "
        "in front of the cached server",
        f"memory: {args.distinct_urls} GETs of distinct URLs ({HOSTS} hosts `localhost:PORT` × "
        "`?page=N`) of the 100-comment article, on the cached server",
        f"posting: {args.posters} concurrent posters × {args.posts_per_poster} comments each, "
        "against the cached server",
    ]


def write_outputs(args, context, runs, queries, memory):
    RAW_OUTPUT.parent.mkdir(exist_ok=True)
    raw = {
        "runs": [run.__dict__ for run in runs],
        "queries": queries,
        "memory": memory.__dict__,
        "discussion": context.get("discussion_raw"),
        "date": context["date"],
    }
    RAW_OUTPUT.write_text(json.dumps(raw, indent=2))
    if args.output != "-":
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report.document(context))
        print(f"\nWrote {args.output} (raw runs in {RAW_OUTPUT}).")


def run_benchmark(args, tmp):
    loadgen.ensure_wrk()
    load_before = report.load_average()
    code = report.code_version(servers.ROOT)
    with ExitStack() as stack:
        database = stack.enter_context(servers.fresh_database(tmp))
        env = servers.production_env(
            tmp, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", **database.env()
        )
        articles = prepare(env, args.sizes)
        queries = count_queries(articles)
        discussion = measure_discussion(articles, args.page_runs)
        targets = start_servers(stack, env, tmp, articles)
        *targets, page_bytes = targets
        middle = next((a for a in articles if a.size == report.TARGET_SIZE), articles[-1])
        scores = lighthouse_figures(middle, [targets[3], targets[4]])  # cached, varnish
        runs = load_pages(args, articles, targets)
        bare, bare_gzip, uncached, cached, varnish = targets
        memory = fill_page_cache(cached, middle, args.distinct_urls)
        memory.page_bytes = page_bytes[middle.size]["identity"]
        posted = post_comments(args, database, cached, middle)
        backed_up = backup_restore.measure(env, tmp)
    summaries = report.summarise(runs, queries, page_bytes)
    context = {
        "date": report.now_utc(),
        "machine": {**report.machine(loadgen.wrk_path()), "code": code},
        "load_before": load_before,
        "load_after": report.load_average(),
        "settings": settings_lines(args),
        **report.tables(summaries, queries, memory, posted, discussion),
        "lighthouse_table": (report.LIGHTHOUSE_HEADER, scores),
        "posting_notes": posting_notes(posted),
        "discussion_raw": discussion.__dict__,
        "backup_table": backup_restore.rows(backed_up),
    }
    print(report.terminal(context))
    write_outputs(args, context, runs, queries, memory)
    return 0 if posted.lost == 0 and posted.stored_twice == 0 else 1


def run_profile(args, tmp):
    """Profile an uncached article page in this process, whole stack included."""
    with servers.fresh_database(tmp) as database:
        articles = prepare(servers.production_env(tmp, **database.env()), [args.profile_size])
        path = articles[0].path
        wall_ms, cpu_ms = inprocess.time_page(path, 100)
        print(f"\nUncached GET {path} without the profiler: {wall_ms:.2f} ms wall clock, "
              f"{cpu_ms:.2f} ms CPU each (in-process, test client)\n")  # fmt: skip
        print(inprocess.profile_page(path, args.profile_runs))
    return 0


def run_pages(args, tmp):
    """Only the discussion's pages: weights and uncached CPU, in this process."""
    sizes = sorted({report.TARGET_SIZE, max(args.sizes)})
    with servers.fresh_database(tmp) as database:
        articles = prepare(servers.production_env(tmp, **database.env()), sizes)
        discussion = measure_discussion(articles, args.page_runs)
    print()
    print(report.text_table(*report.discussion_rows(discussion)))
    for name, measured, mark in report.discussion_targets(discussion):
        print(f"  {mark} {name}: {measured}")
    print(report.discussion_cost(discussion))
    return 0


def run_backups(args, tmp):
    """Only backup and restore, at 10,000 comments."""
    with servers.fresh_database(tmp) as database:
        env = servers.production_env(tmp, **database.env())
        prepare(env, [])
        figures = backup_restore.measure(env, tmp)
    print()
    print(report.text_table(*backup_restore.rows(figures)))
    return 0


def main(argv=None):
    args = parse_args(argv)
    # Stop cleanly on Ctrl-C even when started with SIGINT ignored (as a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    with tempfile.TemporaryDirectory(prefix="immunoblog-bench-") as tmp:
        try:
            if args.profile:
                return run_profile(args, Path(tmp))
            if args.pages:
                return run_pages(args, Path(tmp))
            if args.backups:
                return run_backups(args, Path(tmp))
            return run_benchmark(args, Path(tmp))
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            return 130


if __name__ == "__main__":
    sys.exit(main())
