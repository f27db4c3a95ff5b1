"""The servers under load, started with the test suite's harness (tests/servers.py).

The blog runs as the tests run it: gunicorn with production settings, 2 sync
workers, on 127.0.0.1, stopped with its workers when the `with` block ends;
Varnish runs deploy/varnish/default.vcl in front of it. The bare reference is
started the same way, with its own settings module. What the workers cost is
read from /proc: CPU (utime + stime) and resident memory.
"""

import os
import secrets
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    clean_env,
    collect_static,
    fresh_database,
    manage,
    production_env,
    running_server,
    running_varnish,
    wait_for,
)

__all__ = ["collect_static", "fresh_database", "manage", "production_env", "running_varnish"]

WORKERS = 2
START_TIMEOUT = 60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Target:
    """A server under load: where it answers, and the process whose children do the work."""

    name: str
    origin: str
    pid: int
    gzip: bool = False  # the load asks for gzip, as browsers do

    @property
    def port(self):
        return int(self.origin.rpartition(":")[2])

    def workers(self):
        return children(self.pid)

    def cpu_snapshot(self):
        """(worker pids, their total CPU ticks) at this moment."""
        pids = tuple(self.workers())
        return pids, sum(cpu_ticks(pid) for pid in pids)


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def ready(name, handle, path, workers=WORKERS):
    """The Target of a started server, once all its workers are up and it answers `path`."""
    target = Target(name, handle.origin, handle.process.pid)
    wait_for(
        lambda: len(target.workers()) == workers and answers(target.origin + path),
        timeout=START_TIMEOUT,
        interval=0.2,
    )
    return target


def bare_env(pages_dir):
    """The bare project (bench/bare): its settings, and the saved pages it returns.

    immunoblog.wsgi only builds Django's WSGI handler for the settings module
    it is given, so the shared harness serves bench/bare through it unchanged.
    """
    return clean_env(
        DJANGO_SETTINGS_MODULE="bare.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        BENCH_BARE_PAGES=str(pages_dir),
        PYTHONPATH=str(BENCH_DIR),
    )


def gunicorn(env, log_path):
    return running_server(env, log_path, workers=WORKERS, timeout=START_TIMEOUT)


# --- /proc ---------------------------------------------------------------------


def _stat_fields(pid):
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def children(parent_pid):
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat_fields(entry.name)[1]) == parent_pid:
                pids.append(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return sorted(pids)


def cpu_ticks(pid):
    """utime + stime of one process (fields 14 and 15 of /proc/<pid>/stat)."""
    try:
        fields = _stat_fields(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])


def cpu_ms_per_request(before, after, requests):
    """Worker CPU per completed request; None if a worker was replaced meanwhile."""
    (pids_before, ticks_before), (pids_after, ticks_after) = before, after
    if pids_before != pids_after or not requests:
        return None
    return (ticks_after - ticks_before) * 1000 / CLOCK_TICKS / requests


def memory_mb(pid):
    """(resident, private) memory of one process in MiB, from /proc/<pid>/smaps_rollup.

    Resident counts the pages a worker shares with the master that forked it
    (gunicorn.conf.py preloads the app); private is what the worker adds.
    """
    kib = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        kib[name] = int(value.split()[0])
    return kib["Rss"] / 1024, (kib["Private_Clean"] + kib["Private_Dirty"]) / 1024
