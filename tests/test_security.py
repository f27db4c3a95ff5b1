"""Deployment checks, security headers, cookies, the CSP's promise, and password guessing."""

import json
import re
import secrets
import subprocess

import html5lib
import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import post_comment
from tests.factories import comment_data, make_comment, make_editor
from tests.servers import PYTHON, ROOT, clean_env

PASSWORD = "correct horse battery"
HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)
HTTPS_ONLY_CHECKS = {"security.W004", "security.W008", "security.W012", "security.W016"}


def production_env(**overrides):
    env = clean_env(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="blog.example.org",
        DJANGO_SITE_URL="https://blog.example.org",
        DJANGO_EMAIL_HOST="smtp.example.org",
        ERASURE_LOG_KEY=secrets.token_urlsafe(32),
    )
    env.update(overrides)
    return env


def run_python(*args, env):
    return subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


# --- manage.py check --deploy ----------------------------------------------------


def test_deploy_check_passes_without_a_warning_in_production():
    env = production_env()
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced: HSTS preloading, off unless DJANGO_HSTS_PRELOAD=1.
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_deploy_check_with_preloading_asked_for_silences_nothing():
    env = production_env(DJANGO_HSTS_PRELOAD="1")
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_fails_without_a_mail_host():
    env = production_env()
    del env["DJANGO_EMAIL_HOST"]
    result = run_python("manage.py", "check", "--deploy", env=env)
    assert result.returncode != 0
    assert "guard.E001" in result.stderr
    assert "No mail server is configured" in result.stderr


def test_deploy_check_fails_without_the_site_url():
    env = production_env()
    del env["DJANGO_SITE_URL"]
    result = run_python("manage.py", "check", "--deploy", env=env)
    assert result.returncode != 0
    assert "guard.E002" in result.stderr
    assert "DJANGO_SITE_URL is not set" in result.stderr


def test_deploy_check_over_plain_http_silences_only_the_https_checks():
    env = production_env(DJANGO_HTTPS="0")
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (4 silenced)." in result.stdout
    code = "from django.conf import settings; print(json.dumps(settings.SILENCED_SYSTEM_CHECKS))"
    silenced = run_python("-c", f"import json, django; django.setup(); {code}", env=env)
    assert set(json.loads(silenced.stdout)) == HTTPS_ONLY_CHECKS


def test_deploy_check_still_fails_on_a_weak_secret_key():
    env = production_env(DJANGO_SECRET_KEY="short", DJANGO_HTTPS="0")
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


# --- Headers on every response ---------------------------------------------------


def fetch_home(client, article):
    return client.get("/")


def fetch_home_from_the_page_cache(client, article):
    client.get("/")
    return client.get("/")


def fetch_article(client, article):
    return client.get(article.get_absolute_url())


def fetch_missing_page(client, article):
    return client.get("/no-such-page/")


def fetch_admin_login(client, article):
    return client.get(reverse("admin:login"))


def fetch_static_file(client, article):
    return client.get("/static/css/site.css")


def fetch_csrf_token(client, article):
    return client.get(reverse("comments:csrf"))


def fetch_comment_error_page(client, article):
    return client.post(reverse("comments:post"), comment_data(article, email="nope"))


def fetch_feed(client, article):
    return client.get(reverse("articles:feed"))


RESPONSES = [
    fetch_home,
    fetch_home_from_the_page_cache,
    fetch_article,
    fetch_missing_page,
    fetch_admin_login,
    fetch_static_file,
    fetch_csrf_token,
    fetch_comment_error_page,
    fetch_feed,
]


@pytest.fixture
def static_from_finders(settings):
    """WhiteNoise serves the source static files, as the collected ones are not built here."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(params=RESPONSES, ids=lambda fetch: fetch.__name__.removeprefix("fetch_"))
def any_response(request, static_from_finders, seed_article):
    response = request.param(Client(), seed_article)
    assert response.status_code in {200, 400, 404}
    return response


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_response_has_a_content_security_policy_without_inline_code(any_response):
    directives = csp_directives(any_response)
    assert directives["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert directives[name] == ["'self'"], name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in any_response["Content-Security-Policy"]
    assert "unsafe-eval" not in any_response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ],
)
def test_every_response_has_the_security_header(any_response, header, value):
    assert any_response[header] == value


def test_static_file_is_really_served(static_from_finders, db):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_plain_http_response_carries_no_hsts(client, db):
    assert "Strict-Transport-Security" not in client.get("/")


# --- HTTPS ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def production_https_settings():
    """The HTTPS settings as production loads them (DJANGO_DEBUG=0, DJANGO_HTTPS default)."""
    names = json.dumps(HTTPS_SETTINGS)
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names}}}))"
    )
    result = run_python("-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def https_on(settings, production_https_settings):
    for name, value in production_https_settings.items():
        setattr(settings, name, value)


def test_https_is_required_in_production(production_https_settings):
    assert production_https_settings["SECURE_SSL_REDIRECT"] is True
    assert production_https_settings["SECURE_HSTS_SECONDS"] >= 31536000


def test_https_response_carries_hsts_for_a_year_with_subdomains(https_on, client, db):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_preload_is_off_unless_asked_for(production_https_settings):
    assert production_https_settings["SECURE_HSTS_PRELOAD"] is False
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.SECURE_HSTS_PRELOAD)"
    asked = run_python("-c", code, env=production_env(DJANGO_HSTS_PRELOAD="1"))
    assert asked.stdout.strip() == "True", asked.stderr


def test_plain_http_is_redirected_to_https(https_on, client, db):
    response = client.get("/search/?q=cancer")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/search/?q=cancer"


def cookie_flags(morsel):
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"])}


def test_csrf_cookie_is_secure_and_hidden_from_scripts_over_https(https_on, db):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("comments:csrf"), secure=True)
    assert cookie_flags(client.cookies["csrftoken"]) == {"secure": True, "httponly": True}


def log_in_through_the_admin_form(client, username, password, *, secure=False, **extra):
    """Log in the way an editor does: the admin's form, its CSRF token, a real request."""
    login_url = reverse("admin:login")
    page = client.get(login_url, secure=secure, **extra)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    referer = f"{'https' if secure else 'http'}://testserver{login_url}"
    return client.post(
        login_url,
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.decode(),
            "next": reverse("admin:index"),
        },
        secure=secure,
        HTTP_REFERER=referer,
        **extra,
    )


def test_session_cookie_is_secure_and_hidden_from_scripts_over_https(https_on, db):
    editor = make_editor()
    client = Client(enforce_csrf_checks=True)
    response = log_in_through_the_admin_form(client, editor.username, PASSWORD, secure=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert cookie_flags(client.cookies["sessionid"]) == {"secure": True, "httponly": True}
    assert cookie_flags(client.cookies["csrftoken"]) == {"secure": True, "httponly": True}


# --- No inline script or style in our pages ------------------------------------------


def parse(response):
    return html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)


def inline_scripts(document):
    return [
        script
        for script in document.iter("script")
        if not script.get("src") and script.get("type") != "application/ld+json"
    ]


def inline_handlers(document):
    """Attributes such as onclick= and links to javascript: URLs: inline script too."""
    found = []
    for element in document.iter():
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                found.append((element.tag, name))
    return found


def inline_styles(document):
    return [element.tag for element in document.iter() if "style" in element.attrib] + [
        "<style>" for _ in document.iter("style")
    ]


@pytest.fixture
def discussed_article(seed_article):
    first = make_comment(seed_article, body="A *first* comment with a link https://example.org/")
    make_comment(seed_article, parent=first, body="A reply with <code>code</code>.")
    return seed_article


def page_home(client, article):
    return client.get("/")


def page_article_with_comments(client, article):
    return client.get(article.get_absolute_url())


def page_reply_form(client, article):
    reply_to = Comment.objects.filter(article=article).first()
    return client.get(article.get_absolute_url(), {"replytocom": reply_to.pk})


def page_comment_error(client, article):
    return post_comment(client, comment_data(article, email="not an address"))


def page_comment_confirmation(client, article):
    return post_comment(Client(enforce_csrf_checks=True), comment_data(article))


def page_pending_comment(client, article):
    response = post_comment(client, comment_data(article))
    return client.get(response["Location"])


def page_tag(client, article):
    return client.get(article.tags.first().get_absolute_url())


def page_search(client, article):
    return client.get(reverse("articles:search"), {"q": "immunotherapy"})


def page_not_found(client, article):
    return client.get("/no-such-page/")


def page_login_lockout(client, article):
    editor = make_editor()
    for _ in range(5):
        response = log_in_through_the_admin_form(client, editor.username, "wrong")
    return response


OUR_PAGES = [
    page_home,
    page_article_with_comments,
    page_reply_form,
    page_comment_error,
    page_comment_confirmation,
    page_pending_comment,
    page_tag,
    page_search,
    page_not_found,
    page_login_lockout,
]


@pytest.fixture(params=OUR_PAGES, ids=lambda page: page.__name__.removeprefix("page_"))
def our_page(request, client, discussed_article):
    response = request.param(client, discussed_article)
    assert response.status_code in {200, 400, 404, 429}
    assert response["Content-Type"].startswith("text/html")
    return parse(response)


def test_our_pages_have_no_inline_script(our_page):
    assert inline_scripts(our_page) == []
    assert inline_handlers(our_page) == []


def test_our_pages_have_no_inline_style(our_page):
    assert inline_styles(our_page) == []


def test_our_pages_load_scripts_and_styles_from_this_site_only(our_page):
    scripts = [script.get("src") for script in our_page.iter("script") if script.get("src")]
    styles = [link.get("href") for link in our_page.iter("link") if link.get("rel") == "stylesheet"]
    sources = scripts + styles
    assert styles
    assert all(source.startswith("/static/") for source in sources), sources


def test_article_page_with_comments_loads_the_comment_script(client, discussed_article):
    document = parse(client.get(discussed_article.get_absolute_url()))
    sources = [script.get("src") for script in document.iter("script")]
    assert any(source and source.endswith("comments.js") for source in sources)
    assert len(inline_scripts(document)) == 0
    assert any(script.get("type") == "application/ld+json" for script in document.iter("script"))


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(make_editor(is_superuser=True))
    return client


ADMIN_PAGES = [
    "admin:login",
    "admin:index",
    "admin:comments_comment_changelist",
    "admin:articles_article_changelist",
    "admin:articles_article_add",
    "admin:articles_tag_add",
    "admin:comments_comment_privacy",
]


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
def test_admin_pages_work_under_the_csp_without_inline_script(editor_client, url_name):
    if url_name == "admin:login":
        editor_client.logout()
    response = editor_client.get(reverse(url_name))
    assert response.status_code == 200
    document = parse(response)
    assert inline_scripts(document) == []
    assert inline_handlers(document) == []


def test_admin_comment_page_works_under_the_csp_without_inline_script(editor_client, seed_article):
    comment = make_comment(seed_article)
    response = editor_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert response.status_code == 200
    assert inline_scripts(parse(response)) == []


# --- Password guessing on the admin ------------------------------------------------


@pytest.fixture
def editor(db):
    return make_editor()


def test_five_wrong_passwords_lock_the_login_out(client, editor):
    responses = [log_in_through_the_admin_form(client, editor.username, "guess") for _ in range(5)]
    assert [response.status_code for response in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    assert "Too many failed logins" in responses[4].content.decode()


def test_correct_password_is_refused_during_the_lockout(client, editor):
    for _ in range(5):
        log_in_through_the_admin_form(client, editor.username, "guess")
    response = log_in_through_the_admin_form(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "sessionid" not in client.cookies
    assert client.get(reverse("admin:index")).status_code == 302


def test_four_wrong_passwords_still_let_the_right_one_in(client, editor):
    for _ in range(4):
        log_in_through_the_admin_form(client, editor.username, "guess")
    response = log_in_through_the_admin_form(client, editor.username, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_lockout_from_one_address_does_not_lock_the_editor_out_elsewhere(client, editor):
    for _ in range(5):
        log_in_through_the_admin_form(client, editor.username, "guess", REMOTE_ADDR="203.0.113.9")
    response = log_in_through_the_admin_form(
        Client(), editor.username, PASSWORD, REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 302


def test_lockout_page_is_not_a_login_form(client, editor):
    for _ in range(5):
        response = log_in_through_the_admin_form(client, editor.username, "guess")
    document = parse(response)
    assert not [field for field in document.iter("input") if field.get("name") == "password"]
