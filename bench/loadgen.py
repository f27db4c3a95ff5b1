"""Load with wrk: one run against one URL, read back through wrk_report.lua."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from workspace import BENCH_DIR

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
    """Install wrk with apt-get when it is missing, saying so first."""
    if wrk_path():
        return wrk_path()
    print("wrk is not installed; installing it with `apt-get install -y wrk` ...", flush=True)
    command = ["apt-get", "install", "-y", "wrk"]
    if os.geteuid() != 0:
        command.insert(0, "sudo")
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0 or not wrk_path():
        sys.exit("Could not install wrk. Install it (apt-get install -y wrk) and run again.")
    return wrk_path()


def run_wrk(url, load):
    command = [
        wrk_path(),
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
