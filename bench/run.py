"""Load-test the article page against a bare Django view returning the same bytes.

    .venv/bin/python bench/run.py            # full run, writes docs/benchmarks.md
    .venv/bin/python bench/run.py --quick    # 1 s runs, for trying changes
    .venv/bin/python bench/run.py --profile  # cProfile of the uncached 100-comment page

Durations also come from the environment: BENCH_DURATION, BENCH_ROUNDS,
BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_POSTERS,
BENCH_POSTS_PER_POSTER. Servers listen on 127.0.0.1 only and are stopped,
and the temporary directory removed, however the run ends.
"""

import argparse
import json
import os
import signal
import sys
import time
import urllib.request

import inprocess
import loadgen
import posting
import report
import seed
import servers
import workspace as workspaces

DEFAULT_OUTPUT = workspaces.ROOT / "docs" / "benchmarks.md"
RAW_OUTPUT = workspaces.BENCH_DIR / "results" / "latest.json"
SETTLE_SECONDS = 0.3


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
    add("--sizes", default=os.environ.get("BENCH_SIZES", "10,100,1000"), help="comment counts")
    add("--posters", type=int, default=env_int("BENCH_POSTERS", 40))
    add("--posts-per-poster", type=int, default=env_int("BENCH_POSTS_PER_POSTER", 10))
    add("--quick", action="store_true", help="1 s runs, 2 rounds, 2 posts per poster")
    add("--output", default=str(DEFAULT_OUTPUT), help="Markdown report ('-' for none)")
    add("--profile", action="store_true", help="profile the uncached page instead")
    add("--profile-runs", type=int, default=200, help="GETs under the profiler")
    add("--keep", action="store_true", help="keep the temporary directory (for debugging)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds, args.posts_per_poster = 1, 2, 2
    args.sizes = [int(size) for size in args.sizes.split(",")]
    return args


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def prepare(workspace, sizes):
    print(f"Workspace {workspace.path}: migrating and collecting static files ...", flush=True)
    workspaces.prepare_database(workspace)
    workspaces.setup_django(workspace)
    started = time.perf_counter()
    articles = seed.seed(sizes)
    print(f"Seeded {sum(sizes)} comments in {time.perf_counter() - started:.1f} s:")
    for article in articles:
        print(f"  {article.size:>5} comments at {article.path}, by depth "
              f"{seed.depth_histogram(article.pk)}")  # fmt: skip
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


def start(running, server, ready_path):
    """Start a server, remembered in `running` first so it is stopped whatever happens."""
    running.append(server)
    server.start(ready_path)
    print(f"  {server.name:<9} on {server.origin}, workers {server.worker_pids()}", flush=True)
    return server


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), response.headers["Content-Type"]


def save_pages(server, articles, pages_dir):
    """The real pages' bytes and Content-Type, for the bare server to return."""
    sizes = {}
    for article in articles:
        body, content_type = fetch(server.origin + article.path)
        (pages_dir / f"{article.size}.body").write_bytes(body)
        (pages_dir / f"{article.size}.type").write_text(content_type)
        sizes[article.size] = len(body)
    return sizes


def check_same_pages(server, reference, articles, pages_dir):
    """The cached server must serve the uncached page (canonical URLs name their own port)."""
    for article in articles:
        body, _ = fetch(server.origin + article.path)
        body = body.replace(server.origin.encode(), reference.origin.encode())
        if body != (pages_dir / f"{article.size}.body").read_bytes():
            (pages_dir / f"{article.size}.{server.name}").write_bytes(body)
            print(f"  warning: the {server.name} page for {article.size} comments differs "
                  f"from the uncached one (saved as {article.size}.{server.name})")  # fmt: skip


def measure(server, url, load):
    before = server.cpu_snapshot()
    result = loadgen.run_wrk(url, load)
    # Requests wrk gave up on at the end are still being answered; count their CPU too.
    time.sleep(SETTLE_SECONDS)
    after = server.cpu_snapshot()
    return result, servers.cpu_ms_per_request(before, after, result.requests)


def targets_for(articles, bare, uncached, cached):
    """(name, server, url) for each server of each size."""
    for article in articles:
        yield (
            article.size,
            [
                ("bare", bare, f"{bare.origin}/page/{article.size}/"),
                ("uncached", uncached, uncached.origin + article.path),
                ("cached", cached, cached.origin + article.path),
            ],
        )


def rotated(items, by):
    by %= len(items)
    return items[by:] + items[:by]


def load_pages(args, article_targets):
    load = loadgen.LoadSettings(args.duration, args.threads, args.connections)
    warmup = loadgen.LoadSettings(args.warmup, args.threads, args.connections)
    print(f"Warming up ({args.warmup} s per server and size) ...", flush=True)
    for _size, targets in article_targets:
        for _name, _server, url in targets:
            loadgen.run_wrk(url, warmup)
    runs = []
    for round_number in range(args.rounds):
        for size, targets in article_targets:
            for name, server, url in rotated(targets, round_number):
                result, cpu_ms = measure(server, url, load)
                runs.append(_run(round_number, size, name, result, cpu_ms))
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


def post_comments(args, workspace, server, article):
    print(f"Posting: {args.posters} posters × {args.posts_per_poster} comments "
          f"on the {article.size}-comment article ...", flush=True)  # fmt: skip
    run_id, result = posting.run_posters(server, article, args.posters, args.posts_per_poster)
    result.stored = posting.stored_markers(workspace.database, run_id)
    for failure in result.failures[:5]:
        print(f"  client error: {failure}")
    return result


def posting_notes(result):
    notes = [
        "Posts come from new commenters, so with the default discussion settings they are "
        "held for moderation: the 302 leads to the author's signed pending link, and the "
        "cached article page is not invalidated. CPU ms/post includes the CSRF token GET.",
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
        f"run, {args.rounds} rounds (after {args.warmup} s of warm-up per server and size)",
        "gunicorn: 2 sync workers per server, 127.0.0.1, DJANGO_DEBUG=0, DJANGO_HTTPS=0, "
        "COMMENT_FLOOD_SECONDS=0, COMMENT_RATE_PER_MINUTE=0, SQLite (WAL), file cache",
        "cached: PAGE_CACHE_SECONDS default; uncached: PAGE_CACHE_SECONDS=0",
        f"posting: {args.posters} concurrent posters × {args.posts_per_poster} comments each, "
        "against the cached server",
    ]


def print_results(context):
    print()
    print(report.text_table(*context["page_table"]))
    print()
    print("Targets:")
    for name, measured, mark in context["targets"]:
        print(f"  {mark} {name}: {measured}")
    print()
    print("Comment posting:")
    print(report.text_table(*context["posting_table"]))
    for note in context["posting_notes"][1:]:
        print(f"  {note}")


def write_outputs(args, context, runs, queries):
    RAW_OUTPUT.parent.mkdir(exist_ok=True)
    raw = {"runs": [run.__dict__ for run in runs], "queries": queries, "date": context["date"]}
    RAW_OUTPUT.write_text(json.dumps(raw, indent=2))
    if args.output != "-":
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w") as out:
            out.write(report.document(context))
        print(f"\nWrote {args.output} (raw runs in {RAW_OUTPUT}).")


def start_servers(workspace, articles, running):
    """uncached, cached and bare servers; the bare one returns the pages uncached served."""
    print("Starting servers ...", flush=True)
    uncached = start(running, servers.blog_server(workspace, "uncached", 0), "/robots.txt")
    page_bytes = save_pages(uncached, articles, workspace.pages_dir)
    cached = start(running, servers.blog_server(workspace, "cached"), "/robots.txt")
    check_same_pages(cached, uncached, articles, workspace.pages_dir)
    bare = start(running, servers.bare_server(workspace), f"/page/{articles[0].size}/")
    return uncached, cached, bare, page_bytes


def run_benchmark(args, workspace, running):
    loadgen.ensure_wrk()
    load_before = report.load_average()
    code = report.code_version(workspaces.ROOT)
    articles = prepare(workspace, args.sizes)
    queries = count_queries(articles)
    uncached, cached, bare, page_bytes = start_servers(workspace, articles, running)
    runs = load_pages(args, list(targets_for(articles, bare, uncached, cached)))
    for server in (bare, uncached):
        server.stop()
    poster_article = next((a for a in articles if a.size == report.TARGET_SIZE), articles[0])
    posted = post_comments(args, workspace, cached, poster_article)
    context = {
        "date": report.now_utc(),
        "machine": {
            **report.machine(loadgen.wrk_path()),
            "code": code,
        },
        "load_before": load_before,
        "load_after": report.load_average(),
        "settings": settings_lines(args),
        **report.tables(report.summarise(runs, queries, page_bytes), posted),
        "posting_notes": posting_notes(posted),
    }
    print_results(context)
    write_outputs(args, context, runs, queries)
    return 0 if posted.lost == 0 and posted.stored_twice == 0 else 1


def run_profile(args, workspace):
    """Profile the uncached 100-comment page in this process, whole stack included."""
    articles = prepare(workspace, [report.TARGET_SIZE])
    path = articles[0].path
    wall_ms, cpu_ms = inprocess.time_page(path, 100)
    print(f"\nUncached GET {path} without the profiler: {wall_ms:.2f} ms wall clock, "
          f"{cpu_ms:.2f} ms CPU each (in-process, test client)\n")  # fmt: skip
    print(inprocess.profile_page(path, args.profile_runs))
    return 0


def print_server_logs(running, lines=20):
    """The end of each server's log, before the temporary directory goes."""
    for server in running:
        if server.log_path.exists():
            tail = server.log_path.read_text(errors="replace").splitlines()[-lines:]
            heading = f"--- {server.name} log ({server.log_path}) ---"
            print(heading, *tail, sep="\n", file=sys.stderr)


def main(argv=None):
    args = parse_args(argv)
    # Stop cleanly on Ctrl-C even when started with SIGINT ignored (as a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    workspace = workspaces.create()
    running = []
    try:
        if args.profile:
            return run_profile(args, workspace)
        return run_benchmark(args, workspace, running)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except Exception:
        print_server_logs(running)
        raise
    finally:
        for server in reversed(running):
            server.stop()
        if args.keep:
            print(f"Kept {workspace.path}.")
        else:
            workspaces.remove(workspace)


if __name__ == "__main__":
    sys.exit(main())
