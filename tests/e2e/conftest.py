"""Browser tests: the site served by Django's live server, driven in headless Chromium.

Playwright cannot download its own browsers here, so the tests drive Debian's
Chromium. Without it they are skipped in one line, except where
IMMUNOBLOG_REQUIRE_BROWSER=1 (CI) makes a missing browser a failure.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.support import cite_references, make_long_discussion

# Playwright's sync API runs an event loop in this thread; Django refuses ORM
# calls from a thread with a running loop unless told it is safe (it is: the
# loop only waits for the browser while the test code blocks).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The live server binds the loopback address, so every page URL is on 127.0.0.1.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_BROWSER = "Chromium not found: apt-get install chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; each test opens its own contexts."""
    if not CHROMIUM.exists():
        if os.environ.get("IMMUNOBLOG_REQUIRE_BROWSER") == "1":
            pytest.fail(MISSING_BROWSER, pytrace=False)
        pytest.skip(MISSING_BROWSER)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in this thread, Django keeps database
    # connections per async context instead of per thread, and would open
    # fresh ones. Keep using the test run's own (they hold the serialized
    # copy of the migrated database that live-server tests restore).
    own_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in own_connections.items():
        connections[alias] = connection
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Fold the skips for a missing browser into one summary line for the whole folder."""
    report = yield
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and str(report.longrepr[2]).endswith(MISSING_BROWSER)
    ):
        report.longrepr = (str(Path(__file__).parent), None, report.longrepr[2])
    return report


class Site:
    """The live server as the tests see it: URLs by path, the host every request must use."""

    def __init__(self, live_server):
        self.base = live_server.url
        self.host = urlsplit(self.base).netloc

    def url(self, path):
        return self.base + path

    def is_own(self, url):
        parts = urlsplit(url)
        return parts.scheme in {"data", "blob", "about"} or parts.netloc == self.host


@pytest.fixture
def site(live_server, django_db_serialized_rollback):
    """The live server with the database as migrations left it (the seed article included).

    Live-server tests run on the transactional database, which is emptied after
    each test; serialized rollback brings back the migrations' data first.
    """
    return Site(live_server)


@pytest.fixture
def new_context(browser, site):
    """Open browser contexts (separate readers) that are closed after the test.

    Every request any page makes is recorded in `requests` of the returned
    factory, and every error a page logs in `console_errors`: a test whose
    pages logged one fails (see pytest_runtest_call below).
    """
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("base_url", site.base)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: open_context.requests.append(request.url))
        context.on("page", lambda page: watch_console(page, open_context.console_errors))
        contexts.append(context)
        return context

    open_context.requests = []
    open_context.console_errors = []
    open_context.contexts = contexts
    yield open_context
    for context in contexts:
        context.close()


def watch_console(page, errors):
    """Collect the page's console errors and uncaught exceptions into `errors`.

    A page whose own answer is meant to be 4xx (not found, a form with errors,
    too many requests) logs "Failed to load resource" for itself: that one
    message is expected, for that document only.
    """
    refused_documents = set()

    def on_response(response):
        own_document = (
            response.request.is_navigation_request() and response.frame == page.main_frame
        )
        if own_document and 400 <= response.status < 500:
            refused_documents.add(response.url)

    def on_console(message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in refused_documents:
            return
        errors.append(f"{page.url}: {message.text} [{url}]")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test whose pages logged an error in the console."""
    result = yield
    opened = item.funcargs.get("new_context")
    if opened is not None:
        for context in opened.contexts:
            for page in context.pages:
                # A round trip delivers the events the page sent before it.
                page.evaluate("0")
        if opened.console_errors:
            pytest.fail("Console errors:\n" + "\n".join(opened.console_errors), pytrace=False)
    return result


@pytest.fixture
def long_article(seed_article):
    """The seed article citing three references, under 120 comments (two pages of them)."""
    cite_references(seed_article)
    make_long_discussion(seed_article, 120)
    return seed_article


@pytest.fixture
def page(new_context):
    """A page in a fresh desktop context, light colour scheme, JavaScript on."""
    return new_context().new_page()


def save_screenshot(page, name):
    """Write a full-page screenshot to test-artifacts/screenshots/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path
