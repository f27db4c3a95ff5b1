"""Load with wrk: one run against one URL, read back through wrk_report.lua."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from servers import BENCH_DIR

WRK = "/usr/bin/wrk"
LUA_SCRIPT = BENCH_DIR / "wrk_report.lua"
RESULT_PREFIX = "BENCH_RESULT "


@dataclass(frozen=True)
class LoadSettings:
    duration: float
    threads: int
    connections: int


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_us: int
    bytes: int
    p50_us: int
    p90_us: int
    p99_us: int
    mean_us: float
    max_us: int
    errors: dict

    @property
    def requests_per_second(self):
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def error_count(self):
        return sum(self.errors.values())


def wrk_path():
    return WRK if os.access(WRK, os.X_OK) else shutil.which("wrk")


def ensure_wrk():
    if not wrk_path():
        sys.exit("wrk is not installed: apt-get install -y wrk, then run again.")


def run_wrk(url, load, *, gzip=False):
    command = [
        wrk_path(),
        *(["--header=Accept-Encoding: gzip"] if gzip else []),
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={max(1, round(load.duration))}s",
        "--timeout=10s",
        f"--script={LUA_SCRIPT}",
        url,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return WrkResult(**json.loads(line.removeprefix(RESULT_PREFIX)))
    raise RuntimeError(f"wrk printed no result for {url}:\n{completed.stdout}{completed.stderr}")
