"""gunicorn servers on loopback, and the CPU time their workers spend.

Each server is its own process group (its own session), so Ctrl-C in the
terminal reaches this script alone, and stopping a server stops exactly the
processes it started. CPU time is read from /proc/<pid>/stat of the master's
children (the workers): utime + stime, in clock ticks.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from workspace import BENCH_DIR, ROOT, VENV_BIN, child_env

HOST = "127.0.0.1"
WORKERS = 2
START_TIMEOUT = 30
STOP_TIMEOUT = 10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    app: str
    env: dict
    log_path: Path
    pythonpath: str = ""
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def origin(self):
        return f"http://{HOST}:{self.port}"

    def command(self):
        command = [
            str(VENV_BIN / "gunicorn"),
            "--workers", str(WORKERS),
            "--worker-class", "sync",
            "--bind", f"{HOST}:{self.port}",
            "--chdir", str(ROOT),
            "--timeout", "60",
        ]  # fmt: skip
        if self.pythonpath:
            command += ["--pythonpath", self.pythonpath]
        return [*command, self.app]

    def start(self, ready_path):
        self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=child_env(self.env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(ready_path)
        return self

    def _wait_ready(self, path):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up; see {self.log_path}")
            if len(self.worker_pids()) == WORKERS and _answers(self.origin + path):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {path} in {START_TIMEOUT} s")

    def stop(self):
        """SIGTERM to the server's own process group, SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_TIMEOUT)
        except ProcessLookupError:
            pass

    def worker_pids(self):
        return sorted(children(self.process.pid)) if self.process else []

    def cpu_snapshot(self):
        """(worker pids, their total CPU ticks) at this moment."""
        pids = self.worker_pids()
        return tuple(pids), sum(cpu_ticks(pid) for pid in pids)


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stat_fields(pid):
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text.rpartition(")")[2].split()


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
    return pids


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


def blog_server(workspace, name, page_cache_seconds=None):
    env = workspace.app_env(page_cache_seconds)
    return Server(name, "immunoblog.wsgi:application", env, workspace.logs_dir / f"{name}.log")


def bare_server(workspace):
    return Server(
        "bare",
        "bare.wsgi:application",
        workspace.bare_env(),
        workspace.logs_dir / "bare.log",
        pythonpath=str(BENCH_DIR),
    )
