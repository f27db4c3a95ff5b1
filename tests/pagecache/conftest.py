"""HTTP servers started inside the test process: caches that take purges, an app for Varnish."""

import itertools
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests import servers


@dataclass
class Request:
    method: str
    path: str
    headers: dict


@dataclass
class Reply:
    status: int = 200
    headers: dict = field(default_factory=dict)


def shared_page(*tags, max_age=3600):
    """The headers the app puts on a shared page (pagecache.decorators.mark_shared)."""
    return Reply(
        headers={
            "Cache-Control": "public, max-age=0, must-revalidate",
            "Surrogate-Control": f"max-age={max_age}",
            "xkey": " ".join(tags),
            "Surrogate-Key": " ".join(tags),
            "Cache-Tag": ",".join(tags),
        }
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with server.lock:
            server.requests.append(Request(self.command, self.path, dict(self.headers)))
            served = next(server.counter)
        reply = server.replies.get(self.path, server.default_reply)
        body = f"{self.command} {self.path} answer {served}".encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("ETag", f'"{served}"')
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PURGE = _answer

    def log_message(self, format, *args):
        pass


class StubServer(ThreadingHTTPServer):
    """Answers every request from `replies` (by path, query included) and records it.

    Each body names the request and a serial number, so a test can tell a
    fresh answer from a cached one.
    """

    daemon_threads = True

    def __init__(self, default_reply, port=0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.default_reply = default_reply
        self.replies = {}
        self.requests = []
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    @property
    def port(self):
        return self.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def requests_for(self, path, method="GET"):
        with self.lock:
            return [r for r in self.requests if r.path == path and r.method == method]


def start_stub(default_reply, port=0):
    server = StubServer(default_reply, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def stub_factory():
    """Start stub servers for a test; all are stopped at its end."""
    started = []

    def start(default_reply=None, port=0):
        server = start_stub(default_reply or Reply(), port)
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.fixture
def closed_port():
    """A port nothing listens on: connections are refused."""
    return servers.free_port()
