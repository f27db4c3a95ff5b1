"""The article page carries no CSRF token; posting still needs one.

With JavaScript the form fetches a token from /comments/csrf/ when needed.
Without it, the first POST lands on a confirmation page with a fresh token and
everything typed; one more click posts it. A cross-site POST creates nothing.
"""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import POST_URL, form_value, post_comment, soup
from tests.factories import comment_data, make_comment, make_editor

pytestmark = pytest.mark.django_db


def test_article_page_sets_no_cookie_and_carries_no_token(csrf_client, seed_article):
    response = csrf_client.get(seed_article.get_absolute_url())
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    token_input = soup(response).find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert token_input["value"] == ""
    assert "Vary" not in response.headers or "Cookie" not in response["Vary"]


def test_two_fresh_readers_get_byte_identical_pages(seed_article, client):
    first = client.__class__().get(seed_article.get_absolute_url())
    second = client.__class__().get(seed_article.get_absolute_url())
    assert first.content == second.content


def test_token_endpoint_gives_a_token_and_is_never_cached(csrf_client):
    response = csrf_client.get(reverse("comments:csrf"))
    assert response.status_code == 200
    assert len(response.json()["token"]) == 64
    assert "csrftoken" in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_post_with_a_fetched_token_creates_the_comment(csrf_client, seed_article):
    token = csrf_client.get(reverse("comments:csrf")).json()["token"]
    data = comment_data(seed_article, csrfmiddlewaretoken=token)
    response = post_comment(csrf_client, data)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_post_without_a_token_asks_for_confirmation_and_keeps_everything(csrf_client, seed_article):
    data = comment_data(
        seed_article,
        comment="Typed without JavaScript.\n\nTwo paragraphs.",
        author="No Script",
        email="noscript@example.com",
        url="https://noscript.example.org/",
    )
    response = post_comment(csrf_client, data)
    assert response.status_code == 200
    assert not Comment.objects.exists()
    page = soup(response)
    assert page.find("h1").get_text() == "Confirm your comment"
    for name in ("comment", "author", "email", "url", "article"):
        assert form_value(response, name) == data[name]
    token = form_value(response, "csrfmiddlewaretoken")
    assert token
    confirm = {**data, "csrfmiddlewaretoken": token}
    assert post_comment(csrf_client, confirm).status_code == 302
    assert Comment.objects.get().body == data["comment"]


def test_confirmation_page_shows_field_errors_too(csrf_client, seed_article):
    response = post_comment(csrf_client, comment_data(seed_article, email="nope"))
    assert response.status_code == 400
    assert "Please enter a valid email address" in response.content.decode()
    assert form_value(response, "csrfmiddlewaretoken")


def test_reply_without_a_token_keeps_its_parent(csrf_client, seed_article):
    parent = make_comment(seed_article)
    response = post_comment(csrf_client, comment_data(seed_article, parent=str(parent.pk)))
    assert form_value(response, "parent") == str(parent.pk)


def test_cross_site_post_creates_nothing(csrf_client, seed_article):
    data = comment_data(seed_article, csrfmiddlewaretoken="forged" * 8)
    csrf_client.cookies["csrftoken"] = "attacker-chosen-cookie-value-123456"
    response = post_comment(
        csrf_client, data, HTTP_ORIGIN="https://evil.example", HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_cross_site_post_with_a_stolen_looking_token_but_wrong_origin_creates_nothing(
    csrf_client, seed_article
):
    token = csrf_client.get(reverse("comments:csrf")).json()["token"]
    data = comment_data(seed_article, csrfmiddlewaretoken=token)
    post_comment(csrf_client, data, HTTP_ORIGIN="https://evil.example")
    assert not Comment.objects.exists()


def test_json_body_is_refused_with_a_form(csrf_client, seed_article):
    response = csrf_client.post(POST_URL, data='{"comment": "hi"}', content_type="application/json")
    assert response.status_code == 400
    assert soup(response).find(id="commentform")
    assert not Comment.objects.exists()


# --- Posts started by another site -------------------------------------------------
# The attack: a cross-site auto-submitted form landed on the 200 "Confirm your
# comment" page with a fresh token (replacing the visitor's csrftoken cookie);
# one click by a logged-in editor published a spam comment as the editor.

SPAM = "Buy now https://a.example https://b.example https://c.example"


def assert_refused_as_cross_site(response, client):
    assert response.status_code == 403
    page = soup(response)
    assert page.find("h1").get_text() == "This comment came from another site"
    assert not page.find("form")
    assert "csrftoken" not in response.cookies
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
    ],
    ids=["origin", "null-origin", "lookalike-origin", "fetch-cross", "fetch-same-site", "both"],
)
def test_post_from_another_site_is_refused_with_403_and_stores_nothing(
    csrf_client, seed_article, headers
):
    csrf_client.cookies["csrftoken"] = "VisitorsOwnCookieValue0123456789"
    response = post_comment(csrf_client, comment_data(seed_article, comment=SPAM), **headers)
    assert_refused_as_cross_site(response, csrf_client)


def test_post_from_this_site_without_a_token_still_gets_the_confirmation_page(
    csrf_client, seed_article
):
    headers = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
    response = post_comment(csrf_client, comment_data(seed_article), **headers)
    assert response.status_code == 200
    assert soup(response).find("h1").get_text() == "Confirm your comment"
    assert form_value(response, "confirmed") == "1"


def test_comment_confirmed_by_a_logged_in_editor_is_moderated_as_a_strangers(
    csrf_client, seed_article
):
    """An old browser sends neither header: the confirmation page is still shown."""
    editor = make_editor()
    csrf_client.force_login(editor)
    response = post_comment(csrf_client, comment_data(seed_article, comment=SPAM))
    assert response.status_code == 200
    confirm = {
        name: form_value(response, name)
        for name in ("comment", "author", "email", "url", "article", "parent", "confirmed")
    }
    confirm["csrfmiddlewaretoken"] = form_value(response, "csrfmiddlewaretoken")
    confirmed = post_comment(csrf_client, confirm, HTTP_ORIGIN="http://testserver")
    assert confirmed.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.user is None


def test_editor_posting_with_the_scripted_form_is_still_published_as_the_editor(
    csrf_client, seed_article
):
    editor = make_editor()
    csrf_client.force_login(editor)
    token = csrf_client.get(reverse("comments:csrf")).json()["token"]
    data = comment_data(seed_article, comment=SPAM, csrfmiddlewaretoken=token)
    assert post_comment(csrf_client, data, HTTP_ORIGIN="http://testserver").status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.user) == (Comment.Status.APPROVED, editor)
