"""gunicorn, reached directly, logs no client address: neither in its access log nor its warnings.

The attack: a request line over gunicorn's limit made gunicorn itself log
"Invalid request from ip=127.0.0.1: Request Line is too large", and its
access log began every line with the client's address. gunicorn.conf.py
masks every address in both logs and leaves the query string, the referrer
and the browser out of the access log.
"""

import socket

import pytest

from tests import servers

CLIENT = "127.0.0.1"  # the address every test connects from


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with gunicorn.conf.py, as in production; no page here needs the database."""
    tmp_path = tmp_path_factory.mktemp("gunicorn-logs")
    env = servers.production_env(tmp_path, DJANGO_SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    with servers.running_server(env, tmp_path / "gunicorn.log", workers=1) as server:
        yield server


def send_raw(port, data):
    """Send bytes as they are; the first line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        return sock.makefile("rb").readline()


def log_line(server, text):
    """The line of the server's log that contains `text`, once it has been written."""
    return servers.wait_for(
        lambda: next((line for line in server.log().splitlines() if text in line), None),
        timeout=10,
    )


def test_an_over_long_request_line_is_logged_without_the_clients_address(server):
    answer = send_raw(server.port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400")
    line = log_line(server, "Request Line is too large")
    assert CLIENT not in line
    assert "Invalid request from ip=[address]" in line


def test_the_access_log_names_neither_the_client_nor_what_it_sent_besides_the_path(server):
    response = server.browser().get(
        "/robots.txt?email=reader@example.org",
        **{"User-Agent": "Reader's Browser/1.0", "Referer": "https://elsewhere.example/?me=1"},
    )
    assert response.status == 200
    line = log_line(server, '"GET /robots.txt ')
    assert '"GET /robots.txt HTTP/1.1" 200' in line
    for personal in (CLIENT, "reader@example.org", "Reader's Browser", "elsewhere.example"):
        assert personal not in line
