"""deploy/varnish/default.vcl in a real varnishd, in front of a small stub of the app.

The stub answers with the headers the app gives each kind of response and
numbers its answers, so a test sees whether Varnish asked it or answered
from its cache. Each test uses paths and tags of its own.
"""

import pytest

from tests import servers
from tests.pagecache.conftest import Reply, shared_page, start_stub

READER = "203.0.113.7"  # an address on the internet (TEST-NET-3, RFC 5737)


@pytest.fixture(scope="module")
def app():
    server = start_stub(Reply(headers={"Cache-Control": "private"}))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def varnish(app, tmp_path_factory):
    with servers.running_varnish(app.port, tmp_path_factory.mktemp("varnish")) as varnish:
        yield varnish


@pytest.fixture
def page(app, request):
    """A shared page of this test's own, tagged with its name and `all`."""
    tag = request.node.name.replace("_", "-")
    path = f"/{tag}/"
    app.replies[path] = shared_page(tag, "all")
    return path, tag


def get_twice(browser, path, **headers):
    return browser.get(path, **headers), browser.get(path, **headers)


def purge(varnish, tags, **headers):
    return varnish.browser().request("PURGE", "/", headers={"xkey-purge": tags, **headers})


# --- Shared pages --------------------------------------------------------------------


def test_a_shared_page_is_fetched_once_then_served_from_the_cache(varnish, app, page):
    path, _ = page
    first, second = get_twice(varnish.browser(), path)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert first.body == second.body
    assert len(app.requests_for(path)) == 1


def test_a_shared_page_is_delivered_without_the_cache_only_headers(varnish, page):
    path, tag = page
    for response in get_twice(varnish.browser(), path):
        assert "Surrogate-Control" not in response.headers
        assert "xkey" not in response.headers
        # Browsers still revalidate; a CDN in front still sees the tags.
        assert response.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert response.headers["Surrogate-Key"] == f"{tag} all"
        assert response.headers["Cache-Tag"] == f"{tag},all"


def test_varnish_answers_a_conditional_request_with_304_itself(varnish, app, page):
    path, _ = page
    browser = varnish.browser()
    etag = browser.get(path).headers["ETag"]
    revalidated = browser.get(path, **{"If-None-Match": etag})
    assert revalidated.status == 304
    assert revalidated.headers["X-Cache"] == "HIT"
    assert len(app.requests_for(path)) == 1


def test_a_page_is_kept_only_as_long_as_surrogate_control_says(varnish, app):
    app.replies["/short-lived/"] = shared_page("short-lived", max_age=1)
    browser = varnish.browser()
    first = browser.get("/short-lived/")
    assert browser.get("/short-lived/").body == first.body
    servers.wait_for(lambda: browser.get("/short-lived/").body != first.body, timeout=15)


def test_the_cache_keys_on_the_scheme_the_reader_used(varnish, app, page):
    path, _ = page
    plain = varnish.browser().get(path)
    secure = varnish.browser().get(path, **{"X-Forwarded-Proto": "https"})
    assert secure.headers["X-Cache"] == "MISS"
    assert secure.body != plain.body
    again = varnish.browser().get(path, **{"X-Forwarded-Proto": "https"})
    assert (again.headers["X-Cache"], again.body) == ("HIT", secure.body)


def test_a_reader_on_tls_behind_a_proxy_protocol_proxy_gets_the_https_page(varnish, app, page):
    path, _ = page
    secure = varnish.browser().get(path, **{"X-Forwarded-Proto": "https"})
    relayed = varnish.browser(reader=READER, tls=True).get(path, Host=f"127.0.0.1:{varnish.port}")
    assert (relayed.headers["X-Cache"], relayed.body) == ("HIT", secure.body)


def test_the_app_sees_the_readers_address_last_in_x_forwarded_for(varnish, app):
    app.replies["/address/"] = Reply(headers={"Cache-Control": "private"})
    varnish.browser(reader=READER).get("/address/")
    (request,) = app.requests_for("/address/")
    assert request.headers["X-Forwarded-For"].split(",")[-1].strip() == READER


# --- Query strings ---------------------------------------------------------------------


def test_query_parameters_the_app_does_not_read_make_no_new_object(varnish, app, page):
    path, _ = page
    browser = varnish.browser()
    states = [
        browser.get(f"{path}{query}").headers["X-Cache"]
        for query in ("?x=1", "?x=2", "?utm_source=feed&fbclid=abc", "")
    ]
    assert states == ["MISS", "HIT", "HIT", "HIT"]
    assert [request.path for request in app.requests if request.path.startswith(path)] == [path]


# (what a reader asks for, what the app is asked): a corpus of one behaviour.
QUERIES = [
    ("/?p=101", "/?p=101"),
    ("/index.php?p=101&utm_source=x", "/index.php?p=101"),
    ("/?replytocom=202&p=101&x=1", "/?p=101&replytocom=202"),
    ("/t-cells-and-the-thymus/?replytocom=202", "/t-cells-and-the-thymus/?replytocom=202"),
    ("/articles/a/?replytocom=0007", "/articles/a/?replytocom=7"),
    ("/tag/cancer/?page=2&sort=new", "/tag/cancer/?page=2"),
    ("/?page=last", "/?page=last"),
    ("/?page=2&page=3", "/?page=3"),  # Django reads the last one
    ("/?page=two", "/"),
    ("/?p=1" + "0" * 30, "/"),
    ("/sitemap.xml?p=2", "/sitemap.xml?p=2"),
    ("/search/?x=1&q=t+cells&page=2", "/search/?page=2&q=t+cells"),
    ("/?q=anything", "/"),  # only the search reads q
    ("/?&&x&p=5&&", "/?p=5"),
    ("/admin/login/?next=/admin/&x=1", "/admin/login/?next=/admin/&x=1"),
    ("/comments/privacy/?x=1", "/comments/privacy/?x=1"),
    ("/subscriptions/x/?x=1", "/subscriptions/x/?x=1"),
]


@pytest.mark.parametrize(("asked", "fetched"), QUERIES)
def test_only_the_query_parameters_the_app_reads_reach_it(varnish, app, asked, fetched):
    varnish.browser().get(asked)
    assert app.requests[-1].path == fetched


# --- What is never kept ------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        Reply(headers={**shared_page("x").headers, "Set-Cookie": "csrftoken=abc; Path=/"}),
        Reply(headers={"Cache-Control": "private"}),
        Reply(headers={"Cache-Control": "max-age=0, no-cache, no-store, must-revalidate"}),
        Reply(headers={"Cache-Control": "no-cache", "Surrogate-Control": "max-age=3600"}),
        Reply(headers={}),
        Reply(headers={**shared_page("x", max_age=0).headers}),
    ],
    ids=["set-cookie", "private", "no-store", "no-cache", "no-lifetime", "due-now"],
)
def test_a_response_not_marked_shared_is_never_kept(varnish, app, reply, request):
    path = f"/not-shared/{request.node.callspec.id}/"
    app.replies[path] = reply
    first, second = get_twice(varnish.browser(), path)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "MISS")
    assert first.body != second.body
    if "Set-Cookie" in reply.headers:
        assert second.headers["Set-Cookie"].startswith("csrftoken=")


# --- What goes straight to the app ------------------------------------------------------------


def test_a_signed_in_editor_is_never_served_from_the_cache(varnish, app, page):
    path, _ = page
    get_twice(varnish.browser(), path)
    editor = varnish.browser().get(path, Cookie="csrftoken=abc; sessionid=s3cret")
    assert editor.headers["X-Cache"] == "PASS"
    assert app.requests_for(path)[-1].headers["Cookie"] == "csrftoken=abc; sessionid=s3cret"


def test_other_cookies_neither_bypass_the_cache_nor_are_stripped(varnish, app, page):
    path, _ = page
    first = varnish.browser().get(path, Cookie="csrftoken=abc")
    second = varnish.browser().get(path, Cookie="csrftoken=xyz")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    (fetch,) = app.requests_for(path)
    assert fetch.headers["Cookie"] == "csrftoken=abc"


def test_a_post_goes_to_the_app_every_time_even_to_a_cached_url(varnish, app, page):
    path, _ = page
    get_twice(varnish.browser(), path)
    for _ in range(2):
        posted = varnish.browser().request("POST", path, body=b"comment=hello")
        assert posted.headers["X-Cache"] == "PASS"
        assert posted.body.startswith(b"POST ")
    assert len(app.requests_for(path, method="POST")) == 2


def test_an_unknown_method_is_refused(varnish, app):
    response = varnish.browser().request("BREW", "/pot/")
    assert response.status == 405
    assert app.requests_for("/pot/", method="BREW") == []


# --- Purges ----------------------------------------------------------------------


def test_a_purge_by_tag_evicts_the_pages_with_that_tag_and_no_other(varnish, app):
    app.replies["/tagged/one/"] = shared_page("comments-1", "articles")
    app.replies["/tagged/two/"] = shared_page("comments-2", "articles")
    browser = varnish.browser()
    for path in ("/tagged/one/", "/tagged/two/"):
        get_twice(browser, path)
    purged = purge(varnish, "comments-1")
    assert (purged.status, purged.headers["X-Purged"]) == (200, "1")
    assert browser.get("/tagged/one/").headers["X-Cache"] == "MISS"
    assert browser.get("/tagged/two/").headers["X-Cache"] == "HIT"


def test_one_purge_may_name_several_tags(varnish, app):
    for n in (1, 2, 3):
        app.replies[f"/several/{n}/"] = shared_page(f"several-{n}")
        varnish.browser().get(f"/several/{n}/")
    assert purge(varnish, "several-1 several-3").headers["X-Purged"] == "2"
    states = [varnish.browser().get(f"/several/{n}/").headers["X-Cache"] for n in (1, 2, 3)]
    assert states == ["MISS", "HIT", "MISS"]


def test_a_purge_from_an_address_outside_the_acl_is_refused(varnish, page):
    path, tag = page
    get_twice(varnish.browser(), path)
    refused = varnish.browser(reader=READER).request("PURGE", "/", headers={"xkey-purge": tag})
    assert refused.status == 403
    assert varnish.browser().get(path).headers["X-Cache"] == "HIT"


def test_a_purge_relayed_by_the_tls_proxy_is_refused_whatever_its_address(varnish, page):
    path, tag = page
    get_twice(varnish.browser(), path)
    refused = purge(varnish, tag, **{"X-Forwarded-Proto": "https"})
    assert refused.status == 403
    assert varnish.browser().get(path).headers["X-Cache"] == "HIT"


def test_a_purge_without_tags_is_a_client_error(varnish):
    assert varnish.browser().request("PURGE", "/").status == 400


def test_refusing_purges_keeps_the_pages_and_restoring_takes_them_again(varnish, page):
    path, tag = page
    get_twice(varnish.browser(), path)
    with varnish.purges_refused():
        assert purge(varnish, tag).status == 403
        assert varnish.browser().get(path).headers["X-Cache"] == "HIT"
    assert purge(varnish, tag).status == 200
    assert varnish.browser().get(path).headers["X-Cache"] == "MISS"
