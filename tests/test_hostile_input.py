"""Hostile input on every public form and URL: a 4xx, or the form again with a message.

Nothing anyone sends may produce a 5xx, and on a form error everything that
was typed comes back. The suite also runs on PostgreSQL, which refuses NUL
in text outright: a NUL that reached the database would fail these tests.
"""

import json
from urllib.parse import quote, urlencode

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import (
    MAX_BODY_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    MAX_URL_LENGTH,
    Comment,
)
from comments.services import DUPLICATE_MESSAGE
from comments.signing import SALT
from tests.comments.helpers import POST_URL, form_value, post_comment, soup
from tests.factories import comment_data, make_article, make_comment, make_editor

pytestmark = pytest.mark.django_db

FORM_FIELDS = ("comment", "author", "email", "url")
CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x9b"]
NOT_POSTED = "Your comment was not posted yet."
UNREADABLE = "could not be read"


def page_text(response):
    return soup(response).get_text(" ", strip=True)


def assert_form_refused(response, *messages, status=400):
    """The form came back, with a message saying why, and nothing was saved."""
    assert response.status_code == status
    assert soup(response).find("form", id="commentform") is not None
    text = page_text(response)
    assert NOT_POSTED in text
    for message in messages:
        assert message in text
    assert not Comment.objects.exists()


def raw_post(client, body, content_type="application/x-www-form-urlencoded"):
    return client.generic("POST", POST_URL, data=body, content_type=content_type)


def urlencoded(data):
    return urlencode(data).encode("ascii")


# --- The comment form: oversized fields ------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("comment", "x" * (MAX_BODY_LENGTH + 1), "Your comment is too long"),
        ("author", "N" * (MAX_NAME_LENGTH + 1), "Your name is too long"),
        ("email", "e" * MAX_EMAIL_LENGTH + "@example.com", "Your email address is too long"),
        ("url", "https://example.com/" + "p" * MAX_URL_LENGTH, "Your website address is too long"),
    ],
    ids=["comment", "author", "email", "url"],
)
def test_field_one_past_its_limit_comes_back_with_a_message_and_the_text(
    client, seed_article, field, value, message
):
    response = post_comment(client, comment_data(seed_article, **{field: value}))
    assert_form_refused(response, message)
    assert form_value(response, field) == value


def test_two_megabyte_comment_comes_back_with_a_message_and_the_text(client, seed_article):
    body = "Immunotherapy. " * (2 * 1024 * 1024 // 15)
    response = post_comment(client, comment_data(seed_article, comment=body))
    assert_form_refused(response, "Your comment is too long")
    assert form_value(response, "comment") == body


def test_body_bigger_than_the_upload_limit_is_refused_as_too_large(client, seed_article):
    body = urlencoded(comment_data(seed_article, comment="x" * (3 * 1024 * 1024)))
    response = raw_post(client, body)
    assert response.status_code == 413
    assert "too much to send" in page_text(response)
    assert not Comment.objects.exists()


def test_thousands_of_fields_are_a_bad_request(client, seed_article):
    data = {**comment_data(seed_article), **{f"extra{n}": "x" for n in range(2000)}}
    response = raw_post(client, urlencoded(data))
    assert response.status_code == 400
    assert not Comment.objects.exists()


# --- The comment form: control characters, broken encodings ----------------


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=repr)
@pytest.mark.parametrize("field", FORM_FIELDS)
def test_control_character_in_a_field_comes_back_with_a_message(client, seed_article, field, char):
    values = {
        "comment": "Before",
        "author": "Ada",
        "email": "ada@example.com",
        "url": "https://example.org/",
    }
    value = values[field] + char + "after"
    response = post_comment(client, comment_data(seed_article, **{field: value}))
    assert_form_refused(response)
    returned = form_value(response, field)
    assert returned.startswith(values[field])
    assert returned.endswith("after")


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=repr)
def test_control_character_in_the_comment_is_named_beside_it(client, seed_article, char):
    response = post_comment(client, comment_data(seed_article, comment=f"Hello{char}there"))
    assert_form_refused(response, "invisible control character", f"U+{ord(char):04X}")


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=repr)
@pytest.mark.parametrize("field", ["article", "parent"])
def test_control_character_in_a_hidden_field_is_refused(client, seed_article, field, char):
    response = post_comment(client, comment_data(seed_article, **{field: f"1{char}"}))
    assert_form_refused(response)


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=repr)
def test_control_character_in_the_robot_trap_is_discarded_quietly(client, seed_article, char):
    response = post_comment(client, comment_data(seed_article, phone=char))
    assert response.status_code == 302
    assert response["Location"] == seed_article.get_absolute_url()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=repr)
def test_control_character_in_the_csrf_token_gets_the_confirmation_page(
    csrf_client, seed_article, char
):
    csrf_client.get(reverse("comments:csrf"))
    data = comment_data(seed_article, csrfmiddlewaretoken="a" * 32 + char + "b" * 31)
    response = post_comment(csrf_client, data)
    assert response.status_code == 200
    assert soup(response).find("h1").get_text() == "Confirm your comment"
    assert form_value(response, "comment") == data["comment"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"], ids=repr)
def test_control_character_in_the_user_agent_is_not_stored(client, seed_article, char):
    response = post_comment(
        client, comment_data(seed_article), HTTP_USER_AGENT=f"Mozilla/5.0{char}(X11)"
    )
    assert response.status_code == 302
    assert Comment.objects.get().user_agent == "Mozilla/5.0 (X11)"


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe", b"\xc3\x28", b"\xe2\x82", b"\xf0\x28\x8c\xbc", b"%FF%FE", b"%C3%28"],
    ids=["ff-fe", "bad-continuation", "truncated", "bad-four-byte", "pct-ff-fe", "pct-c3-28"],
)
@pytest.mark.parametrize("field", FORM_FIELDS)
def test_invalid_utf8_in_a_field_comes_back_with_a_message(client, seed_article, field, raw):
    data = comment_data(
        seed_article, comment="Hello", author="Ada", email="ada@example.com", url="https://a.org/"
    )
    data[field] = data[field] + "{}"
    body = urlencoded(data).replace(b"%7B%7D", raw)
    response = raw_post(client, body)
    assert_form_refused(response, UNREADABLE)
    assert form_value(response, field).startswith(data[field][:-2])


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_lone_surrogate_in_a_field_comes_back_with_a_message(client, seed_article, field):
    data = comment_data(
        seed_article, comment="Hello", author="Ada", email="ada@example.com", url="https://a.org/"
    )
    data[field] = data[field] + "{}"
    body = urlencoded(data).replace(b"%7B%7D", b"%ED%A0%80")
    response = raw_post(client, body)
    assert_form_refused(response, UNREADABLE)


def test_body_in_an_unknown_charset_is_read_as_utf8(client, seed_article):
    body = urlencoded(comment_data(seed_article, comment="Caf\u00e9 au lait"))
    response = raw_post(client, body, "application/x-www-form-urlencoded; charset=x-no-such")
    assert response.status_code == 302
    assert Comment.objects.get().body == "Caf\u00e9 au lait"


def test_unencoded_utf8_in_a_body_is_read_as_typed(client, seed_article):
    data = comment_data(seed_article, comment="{}")
    body = urlencoded(data).replace(b"%7B%7D", "Café – naïve".encode())
    response = raw_post(client, body)
    assert response.status_code == 302
    assert Comment.objects.get().body == "Café – naïve"


def test_invalid_byte_beside_good_text_keeps_the_good_text(client, seed_article):
    data = comment_data(seed_article, comment="{}")
    body = urlencoded(data).replace(b"%7B%7D", "Café ".encode() + b"\xff" + " naïve".encode())
    response = raw_post(client, body)
    assert_form_refused(response, UNREADABLE)
    assert form_value(response, "comment") == "Café \ufffd naïve"


def test_body_declared_utf16_but_sent_as_bytes_is_refused(client, seed_article):
    body = urlencoded(comment_data(seed_article, comment="Hello")) + b"\xff"
    response = raw_post(client, body, "application/x-www-form-urlencoded; charset=utf-16")
    assert response.status_code == 400
    assert not Comment.objects.exists()


FORM_URLS = [
    POST_URL,
    reverse("comments:privacy"),
    reverse("admin:login"),
    reverse("admin_password_reset"),
]


def browser_with_a_csrf_cookie():
    """A client as a browser that has loaded a form: it carries the csrftoken cookie."""
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("admin:login"))
    assert "csrftoken" in browser.cookies
    return browser


def assert_bad_request_page_without_a_traceback(response, caplog):
    assert response.status_code == 400
    assert "This request could not be read" in page_text(response)
    assert [record for record in caplog.records if record.exc_info] == []
    assert [record for record in caplog.records if record.levelname == "ERROR"] == []


@pytest.mark.parametrize("url", FORM_URLS)
def test_form_in_another_charset_is_a_bad_request_without_a_traceback(url, caplog):
    browser = browser_with_a_csrf_cookie()
    response = browser.generic(
        "POST", url, data=b"a", content_type="application/x-www-form-urlencoded; charset=latin-1"
    )
    assert_bad_request_page_without_a_traceback(response, caplog)


# --- The comment form: header injection --------------------------------------


@pytest.mark.parametrize(
    "email", ["ada@example.com\r\nBcc: victim@example.org", "ada@example.com\nCc: x@example.org"]
)
def test_line_break_in_the_email_is_refused_with_the_text_kept(client, seed_article, email):
    response = post_comment(client, comment_data(seed_article, email=email))
    assert_form_refused(response, "Please enter a valid email address")
    returned = form_value(response, "email")
    assert returned.replace("\r\n", "\n") == email.replace("\r\n", "\n")


def test_line_break_in_the_name_is_folded_into_one_line(client, seed_article):
    response = post_comment(client, comment_data(seed_article, author="Ada\r\nBcc: x@example.org"))
    assert response.status_code == 302
    assert Comment.objects.get().author_name == "Ada Bcc: x@example.org"


# --- The comment form: article and parent ids --------------------------------


@pytest.mark.parametrize(
    "article",
    ["abc", "-1", "0", "1.5", "1e3", "99999999999999999999", "9223372036854775808", "²", " ", "[]"],
)
def test_wrong_article_id_comes_back_with_a_message(client, seed_article, article):
    response = post_comment(client, comment_data(seed_article, article=article))
    assert_form_refused(response, "This article does not exist or is not published.")


def test_missing_article_id_comes_back_with_a_message(client, seed_article):
    data = comment_data(seed_article)
    del data["article"]
    response = post_comment(client, data)
    assert_form_refused(response, "This comment is not attached to an article.")
    assert form_value(response, "comment") == data["comment"]


def test_draft_article_id_comes_back_with_a_message(client, seed_article):
    draft = make_article(status=Article.Status.DRAFT)
    response = post_comment(client, comment_data(draft))
    assert_form_refused(response, "This article does not exist or is not published.")
    assert draft.title not in page_text(response)


@pytest.mark.parametrize(
    "parent", ["abc", "-1", "0", "1.5", "99999999999999999999", "9223372036854775808", "²", "0x10"]
)
def test_malformed_parent_id_comes_back_with_a_message(client, seed_article, parent):
    response = post_comment(client, comment_data(seed_article, parent=parent))
    assert_form_refused(response, "The comment you are replying to does not exist")
    assert form_value(response, "comment") is not None


def test_parent_id_that_does_not_exist_comes_back_with_a_message(client, seed_article):
    response = post_comment(client, comment_data(seed_article, parent="9223372036854775807"))
    assert_form_refused(response, "does not exist or is not published")


def test_reply_to_another_articles_comment_comes_back_with_a_message(client, seed_article):
    elsewhere = make_comment(make_article())
    response = post_comment(client, comment_data(seed_article, parent=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "does not exist or is not published" in page_text(response)
    assert Comment.objects.count() == 1


def test_reply_to_a_pending_comment_comes_back_with_a_message(client, seed_article):
    pending = make_comment(seed_article, status=Comment.Status.PENDING)
    response = post_comment(client, comment_data(seed_article, parent=str(pending.pk)))
    assert response.status_code == 400
    assert "does not exist or is not published" in page_text(response)
    assert pending.body not in page_text(response)
    assert Comment.objects.count() == 1


# --- The comment form: CSRF ------------------------------------------------


def test_post_without_a_csrf_token_asks_for_confirmation(csrf_client, seed_article):
    data = comment_data(seed_article)
    response = post_comment(csrf_client, data)
    assert response.status_code == 200
    assert soup(response).find("h1").get_text() == "Confirm your comment"
    assert form_value(response, "comment") == data["comment"]
    assert form_value(response, "csrfmiddlewaretoken")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "token", ["wrong", "x" * 64, "A" * 32, "%" * 64, "é" * 64, "a" * 10_000], ids=str.__len__
)
def test_post_with_a_wrong_csrf_token_asks_for_confirmation(csrf_client, seed_article, token):
    csrf_client.get(reverse("comments:csrf"))
    response = post_comment(csrf_client, comment_data(seed_article, csrfmiddlewaretoken=token))
    assert response.status_code == 200
    assert soup(response).find("h1").get_text() == "Confirm your comment"
    assert not Comment.objects.exists()


def test_token_from_another_browser_asks_for_confirmation(csrf_client, seed_article):
    other = Client(enforce_csrf_checks=True)
    token = other.get(reverse("comments:csrf")).json()["token"]
    csrf_client.get(reverse("comments:csrf"))
    response = post_comment(csrf_client, comment_data(seed_article, csrfmiddlewaretoken=token))
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_cross_site_post_with_a_valid_token_creates_nothing(csrf_client, seed_article):
    token = csrf_client.get(reverse("comments:csrf")).json()["token"]
    response = post_comment(
        csrf_client,
        comment_data(seed_article, csrfmiddlewaretoken=token),
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


# --- The comment form: other bodies and methods ----------------------------


def test_json_body_comes_back_as_an_empty_form_with_messages(client, seed_article):
    body = json.dumps(comment_data(seed_article))
    response = client.post(POST_URL, body, content_type="application/json")
    assert_form_refused(response, "Please type your comment.", "Please enter your name.")


def test_multipart_post_with_an_extra_file_ignores_the_file(client, seed_article):
    upload = SimpleUploadedFile("evil.php", b"<?php system($_GET['c']); ?>", "text/x-php")
    data = {**comment_data(seed_article), "attachment": upload}
    response = post_comment(client, data)
    assert response.status_code == 302
    assert "php" not in Comment.objects.get().body


def test_file_sent_as_the_comment_comes_back_with_a_message(client, seed_article):
    upload = SimpleUploadedFile("comment.txt", b"A comment in a file.", "text/plain")
    response = post_comment(client, {**comment_data(seed_article), "comment": upload})
    assert_form_refused(response, "Please type your comment.")


def test_multipart_without_a_boundary_is_a_bad_request(client, seed_article):
    response = raw_post(client, b"comment=hello", "multipart/form-data")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_truncated_multipart_body_is_refused(client, seed_article):
    body = b'--B\r\nContent-Disposition: form-data; name="comment"\r\n\r\nHello'
    response = raw_post(client, body, "multipart/form-data; boundary=B")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_second_identical_post_is_a_duplicate(client, seed_article):
    data = comment_data(seed_article)
    assert post_comment(client, data).status_code == 302
    response = post_comment(client, data)
    assert response.status_code == 409
    assert DUPLICATE_MESSAGE in page_text(response)
    assert form_value(response, "comment") == data["comment"]
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_post_url_refuses_other_methods(client, seed_article, method):
    response = client.generic(method, POST_URL, urlencoded(comment_data(seed_article)))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not Comment.objects.exists()


# --- Reader pages: pagination ---------------------------------------------


@pytest.mark.parametrize(
    "page",
    ["99999", "99999999999999999999", "-1", "0", "abc", "1.5", "²", "%00", "", "1; DROP TABLE"],
)
@pytest.mark.parametrize("url_name", ["articles:home", "articles:search"])
def test_page_number_that_does_not_exist_is_404(client, seed_article, url_name, page):
    query = f"page={quote(page, safe='%')}"
    if url_name == "articles:search":
        query += "&q=immunotherapy"
    response = client.get(f"{reverse(url_name)}?{query}")
    if page == "":
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "abc"])
def test_page_number_that_does_not_exist_on_a_tag_is_404(client, seed_article, page):
    tag = seed_article.tags.first()
    response = client.get(tag.get_absolute_url(), {"page": page})
    assert response.status_code == 404


# --- Reader pages: search -------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "immune" * 1700,
        "cancer\x00",
        "\x00",
        "\u202eimmunotherapy\u202c",
        "\u200f\u200e",
        "🧬💉 immunotherapy 🦠",
        "' OR 1=1 --",
        "'; DROP TABLE articles_article; --",
        '" UNION SELECT password FROM auth_user --',
        ".*[(+?{\\",
        "%_%",
        "\\x00",
        "<script>alert(1)</script>",
        "\ufffd",
        "word " * 500,
    ],
    ids=lambda value: repr(value[:20]),
)
def test_odd_search_answers_with_the_search_page(client, seed_article, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert soup(response).find("h1") is not None
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_percent_encoded_nul_in_a_search_is_left_out_with_a_notice(client, seed_article):
    response = client.get(reverse("articles:search") + "?q=immunotherapy%00")
    assert response.status_code == 200
    assert "left out of your search" in page_text(response)
    assert seed_article.title in page_text(response)


def test_invalid_utf8_in_a_search_answers_with_the_search_page(client, seed_article):
    response = client.get(reverse("articles:search") + "?q=%FF%FE%ED%A0%80immunotherapy")
    assert response.status_code == 200


def test_repeated_search_parameter_answers_with_the_search_page(client, seed_article):
    response = client.get(reverse("articles:search") + "?q=a&q=b&q=%00")
    assert response.status_code == 200


def test_sql_looking_search_finds_nothing_and_harms_nothing(client, seed_article):
    response = client.get(reverse("articles:search"), {"q": "' OR '1'='1"})
    assert response.status_code == 200
    assert seed_article.title not in page_text(response)
    assert Article.objects.filter(pk=seed_article.pk).exists()


def test_regex_metacharacters_are_searched_for_literally(client, seed_article):
    response = client.get(reverse("articles:search"), {"q": ".*"})
    assert response.status_code == 200
    assert seed_article.title not in page_text(response)


# --- Reader pages: unknown paths ------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/articles/no-such-article/",
        "/tag/no-such-tag/",
        "/articles/..%2F..%2Fetc%2Fpasswd/",
        "/articles/../../etc/passwd",
        "/tag/%2e%2e/",
        "/tag/%2e%2e%2f%2e%2e%2fetc%2fpasswd/",
        "/static/..%2F..%2Fimmunoblog%2Fsettings.py",
        "/static/../immunoblog/settings.py",
        "/articles/%00/",
        "/articles/a%00b/",
        "/articles/%FF%FE/",
        "/articles/%ED%A0%80/",
        "/tag/%E2%80%AE/",
        "/articles/" + "a" * 10_000 + "/",
        "/tag/" + "t" * 10_000 + "/",
        "/" + "x/" * 4000,
        "/comments/feed/no-such-article/",
        "/comments/feed/" + "f" * 5000 + "/",
        "/articles/unlocking-the-power-of-immunotherapy/%00/",
        "/feed/%00/",
    ],
    ids=lambda path: path[:40],
)
def test_unknown_path_is_404(client, seed_article, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"SECRET_KEY" not in response.content


@pytest.mark.parametrize("pk", ["1", "99999999999999999999"])
def test_preview_of_any_id_sends_a_reader_to_the_login_page(client, seed_article, pk):
    response = client.get(f"/preview/{pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_preview_of_a_huge_id_is_404_for_an_editor(client, seed_article):
    client.force_login(make_editor())
    assert client.get("/preview/99999999999999999999/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/articles/..%2F..%2Fetc%2Fpasswd/", "/tag/%2e%2e/", "/articles/" + "a" * 10_000 + "/"]
)
def test_unknown_path_gets_the_friendly_404_page(client, seed_article, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.content.decode()
    assert soup(response).find("title") is not None


# --- Reader pages: ?replytocom --------------------------------------------


@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", "99999999999999999999", "²", "١", "%00", "", "1e3", " 1"]
)
def test_unknown_replytocom_shows_the_plain_form(client, seed_article, value):
    make_comment(seed_article)
    url = f"{seed_article.get_absolute_url()}?replytocom={quote(value, safe='%')}"
    response = client.get(url)
    assert response.status_code == 200
    page = soup(response)
    assert page.find(id="reply-title-text").get_text() == "Leave a Reply"
    assert page.find("input", attrs={"name": "parent"})["value"] == ""


def test_replytocom_naming_another_articles_comment_shows_the_plain_form(client, seed_article):
    elsewhere = make_comment(make_article(), author_name="Someone Elsewhere")
    response = client.get(seed_article.get_absolute_url(), {"replytocom": elsewhere.pk})
    assert response.status_code == 200
    page = soup(response)
    assert page.find(id="reply-title-text").get_text() == "Leave a Reply"
    assert "Someone Elsewhere" not in page_text(response)


def test_replytocom_naming_a_pending_comment_shows_the_plain_form(client, seed_article):
    pending = make_comment(seed_article, status=Comment.Status.PENDING, author_name="Hidden One")
    response = client.get(seed_article.get_absolute_url(), {"replytocom": pending.pk})
    assert response.status_code == 200
    assert "Hidden One" not in page_text(response)


# --- Reader pages: the pending-comment link --------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "1",
        "1:abc",
        "1:abc:def",
        "MQ:1tX:" + "A" * 43,
        "a" * 5000,
        "%00",
        "%FF%FE",
        "%ED%A0%80",
        "..",
        "é:é:é",
        "W10:1tX:" + "x" * 43,
    ],
    ids=lambda token: token[:20],
)
def test_pending_link_with_a_garbage_token_is_404(client, seed_article, token):
    url = reverse("comments:pending", args=["TOKEN"]).replace("TOKEN", token)
    response = client.get(url)
    assert response.status_code == 404


def test_pending_link_signed_for_something_else_is_404(client, seed_article):
    for value in ["1", [1], {"pk": 1}, 99999999999999999999, -1]:
        token = signing.dumps(value, salt=SALT, compress=False)
        response = client.get(reverse("comments:pending", args=[token]))
        assert response.status_code == 404, value


# --- Reader pages: other methods ------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["articles:home", "articles:search", "articles:feed", "robots_txt", "sitemap"]
)
def test_head_answers_like_get_without_a_body(client, seed_article, url_name):
    response = client.head(reverse(url_name))
    assert response.status_code == 200
    assert response.content == b""


def test_head_on_the_article_page_answers_without_a_body(client, seed_article):
    response = client.head(seed_article.get_absolute_url())
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("url_name", ["articles:home", "articles:search"])
def test_options_names_the_allowed_methods(client, seed_article, url_name):
    response = client.options(reverse(url_name))
    assert response.status_code == 200
    assert "GET" in response["Allow"]
    assert "POST" not in response["Allow"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_reader_pages_refuse_writes(client, seed_article, method):
    for url in [reverse("articles:home"), seed_article.get_absolute_url()]:
        response = client.generic(method, url, b"x=1", "application/x-www-form-urlencoded")
        assert response.status_code == 405, url


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_csrf_endpoint_refuses_writes(client, method):
    response = client.generic(method, reverse("comments:csrf"))
    assert response.status_code == 405
