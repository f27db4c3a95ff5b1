"""What the costliest comment allowed costs the server, and whether it delays others.

    .venv/bin/python bench/worst_post.py [--repeat N]

Starts the blog as the tests do (tests/servers.py: gunicorn, 2 sync workers,
production settings, rate and flood limits lifted, on the suite's kind of
database), then:

1. For each candidate worst post, all within the size and markup limits
   (comments/sanitize.py, DATA_UPLOAD_MAX_MEMORY_SIZE), posts it N times and
   prints the workers' CPU per post, read from /proc (utime + stime).
2. Times a normal post alone, then while the worst candidate is posted over
   and over from other threads, and prints the difference (median and 95th
   percentile of the normal post's latency).

Figures only: nothing here fails on a number.
"""

import argparse
import json
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from servers import (
    collect_static,
    cpu_ms_per_request,
    fresh_database,
    gunicorn,
    manage,
    production_env,
    ready,
)

from comments.sanitize import (
    MAX_ENTITY_SIGNS,
    MAX_LINE_BREAKS,
    MAX_LINKS,
    MAX_NESTING,
    MAX_TAG_SIGNS,
)

SEED_SLUG = "unlocking-the-power-of-immunotherapy"
MAX_BODY_LENGTH = 65525  # comments.models.MAX_BODY_LENGTH (importing models needs settings)


def fill(text, filler="http://a.bc "):
    """`text`, then `filler` up to the comment's length limit."""
    room = MAX_BODY_LENGTH - len(text) - 16
    return text + (filler * (room // len(filler) + 1))[:room]


NEST = "<b><i><em><strong><q>" * (MAX_NESTING // 5)
CANDIDATES = {
    "nested tags + every line break + links": fill(NEST + "a\n" * (MAX_LINE_BREAKS - 1)),
    "every tag sign as <b>x</b> + links": fill("<b>x</b>" * (MAX_TAG_SIGNS // 2)),
    "every & as an entity + links": fill("&amp;" * MAX_ENTITY_SIGNS),
    "every limit at once + links": fill(
        NEST + ("<x &amp;\n" * (MAX_TAG_SIGNS - MAX_NESTING))[: 9 * (MAX_LINE_BREAKS - 1)]
    ),
    "64K of bare links": fill(""),
    "64K of bare domains (refused)": fill("", "a.co "),
    "64K of bare domains on lines (refused)": fill("a.co\n" * (MAX_LINE_BREAKS - 1), "a.co "),
    "every link allowed + every line break": fill(
        "a.co\n" * MAX_LINKS + "a\n" * (MAX_LINE_BREAKS - MAX_LINKS - 1)
    ),
    "64K of www. links": fill("", "www.a.bc "),
    "64K of e-mail-like text": fill("", "a@b.co "),
    "2.4 MB comment (refused as too long)": "x" * (2_400_000),
}
NORMAL = "Thank you for this article; it answered questions our doctor had no time for."


class Poster:
    def __init__(self, server, article_id):
        self.server, self.article_id = server, article_id

    def post(self, text):
        browser = self.server.browser()
        token = json.loads(browser.get("/comments/csrf/").body)["token"]
        body = urlencode(
            {
                "comment": f"{text}\n{secrets.token_hex(4)}",
                "author": f"Bench {secrets.token_hex(3)}",
                "email": "bench@example.net",
                "article": self.article_id,
                "csrfmiddlewaretoken": token,
            }
        )
        started = time.perf_counter()
        response = browser.post_form("/comments/post/", body, Origin=self.server.origin)
        return response.status, time.perf_counter() - started


def cpu_per_post(target, poster, text, repeat):
    poster.post(text)  # warm up
    before = target.cpu_snapshot()
    statuses = {poster.post(text)[0] for _ in range(repeat)}
    return cpu_ms_per_request(before, target.cpu_snapshot(), repeat), statuses


def normal_latencies(poster, count):
    return [poster.post(NORMAL)[1] * 1000 for _ in range(count)]


def summary(latencies):
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="worst-post-") as tmp:
        tmp_path = Path(tmp)
        with fresh_database(tmp_path) as database:
            env = production_env(tmp_path, **database.env())
            manage("migrate", "--no-input", "-v0", env=env)
            collect_static(env)
            ((article_id,),) = database.query(
                f"SELECT id FROM articles_article WHERE slug = '{SEED_SLUG}'"
            )
            with gunicorn(env, tmp_path / "gunicorn.log") as handle:
                target = ready("blog", handle, "/")
                poster = Poster(handle, article_id)
                print(f"Server CPU per post (mean of {args.repeat}, both workers):")
                costs = {}
                for name, text in CANDIDATES.items():
                    ms, statuses = cpu_per_post(target, poster, text, args.repeat)
                    costs[name] = ms or 0.0
                    print(f"  {name:42} {ms:7.1f} ms  status {sorted(statuses)}")
                normal_ms, _ = cpu_per_post(target, poster, NORMAL, args.repeat)
                print(f"  {'a normal post':42} {normal_ms:7.1f} ms")
                worst = max(costs, key=costs.get)

                alone = summary(normal_latencies(poster, 30))
                stop = threading.Event()

                def hammer():
                    while not stop.is_set():
                        poster.post(CANDIDATES[worst])

                threads = [threading.Thread(target=hammer) for _ in range(2)]
                for thread in threads:
                    thread.start()
                time.sleep(0.5)
                beside = summary(normal_latencies(poster, 30))
                stop.set()
                for thread in threads:
                    thread.join()
                print(f"\nA normal post's latency (median, p95), worst post: {worst}")
                print(f"  alone:                          {alone[0]:6.1f} ms, {alone[1]:6.1f} ms")
                print(f"  beside two worst-post streams:  {beside[0]:6.1f} ms, {beside[1]:6.1f} ms")
                print(
                    f"  delay:                          {beside[0] - alone[0]:6.1f} ms, "
                    f"{beside[1] - alone[1]:6.1f} ms"
                )


if __name__ == "__main__":
    main()
