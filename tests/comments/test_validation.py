"""Bad input gets a clear message beside its field, and nothing typed is lost."""

import pytest

from comments.models import Comment
from tests.comments.helpers import field_error, form_value, post_comment, soup
from tests.factories import comment_data

pytestmark = pytest.mark.django_db


def assert_kept(response, data):
    """Everything the commenter typed is back in the form."""
    for name in ("comment", "author", "email", "url"):
        assert form_value(response, name) == data[name], name


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("comment", "", "Please type your comment."),
        ("comment", "   \n\t  ", "Please type your comment."),
        ("author", "", "Please enter your name."),
        ("email", "", "Please enter your email address."),
        ("email", "not-an-address", "Please enter a valid email address"),
        ("email", "a@example.com\r\nBcc: b@example.com", "Please enter a valid email address"),
        ("url", "javascript:alert(1)", "Please enter a website address starting with http"),
        ("url", "ftp://files.example.com/", "Please enter a website address starting with http"),
        ("comment", "x" * 65526, "Your comment is too long"),
        ("author", "n" * 246, "Your name is too long"),
        ("email", "e" * 90 + "@example.com", "Your email address is too long"),
        ("url", "https://example.com/" + "p" * 190, "Your website address is too long"),
        ("comment", "nul\x00byte", "invisible control character (code U+0000)"),
        ("comment", "bell\x07", "invisible control character (code U+0007)"),
        ("author", "Name\x1b[31m", "invisible control character (code U+001B)"),
    ],
    ids=[
        "empty-comment", "blank-comment", "empty-name", "empty-email", "invalid-email",
        "crlf-email", "javascript-url", "ftp-url", "long-comment", "long-name", "long-email",
        "long-url", "nul-in-comment", "bell-in-comment", "escape-in-name",
    ],
)  # fmt: skip
def test_bad_field_is_refused_with_a_message_beside_it(client, seed_article, field, value, message):
    data = {**comment_data(seed_article, url="https://me.example.org/"), field: value}
    response = post_comment(client, data)
    assert response.status_code == 400
    field_id = {"comment": "comment", "author": "author", "email": "email", "url": "url"}[field]
    assert message in field_error(response, field_id)
    assert not Comment.objects.exists()


def test_everything_typed_comes_back_after_an_error(client, seed_article):
    data = comment_data(
        seed_article,
        comment="A long, careful comment\n\nwith two paragraphs & <b>markup</b>.",
        author="Ada Lovelace",
        email="not-an-address",
        url="https://ada.example.org/",
    )
    response = post_comment(client, data)
    assert response.status_code == 400
    assert_kept(response, data)


def test_error_page_summarises_the_problem_for_screen_readers(client, seed_article):
    response = post_comment(client, comment_data(seed_article, email=""))
    summary = soup(response).find(id="form-errors")
    assert summary["role"] == "alert"
    assert "not posted yet" in summary.get_text()


def test_limits_are_exactly_wordpress_limits(client, seed_article):
    data = comment_data(
        seed_article,
        comment="c" * 65525,
        author="n" * 245,
        email="e" * 88 + "@example.com",
        url="https://example.com/" + "p" * 180,
    )
    response = post_comment(client, data)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert len(comment.body) == 65525
    assert len(comment.author_name) == 245
    assert len(comment.author_email) == 100


def test_unknown_article_is_a_form_error_not_a_crash(client, seed_article):
    response = post_comment(client, comment_data(seed_article, article="999999"))
    assert response.status_code == 400
    assert "This article does not exist or is not published." in response.content.decode()


def test_non_numeric_article_is_a_form_error(client, seed_article):
    response = post_comment(client, comment_data(seed_article, article="../../etc/passwd"))
    assert response.status_code == 400
    assert "This article does not exist or is not published." in response.content.decode()


# --- Names that lie ----------------------------------------------------------------
# "Eve\u202enimda" shows as "Eveadmin"; a zero width space makes "admin" and
# "ad\u200bmin" look the same.

DECEPTIVE = {
    "U+202A": "\u202a", "U+202B": "\u202b", "U+202C": "\u202c", "U+202D": "\u202d",
    "U+202E": "\u202e", "U+2066": "\u2066", "U+2067": "\u2067", "U+2068": "\u2068",
    "U+2069": "\u2069", "U+200B": "\u200b", "U+2060": "\u2060", "U+FEFF": "\ufeff",
    "U+00AD": "\u00ad", "U+200E": "\u200e", "U+200F": "\u200f",
    # Refused by property: tag characters, deprecated format characters,
    # other format characters, Hangul fillers, the blank Braille pattern,
    # invisible marks, a variation selector after a letter, unassigned.
    "U+E0001": "\U000e0001", "U+E0041": "\U000e0041", "U+E007F": "\U000e007f",
    "U+206A": "\u206a", "U+206B": "\u206b", "U+206C": "\u206c", "U+206D": "\u206d",
    "U+206E": "\u206e", "U+206F": "\u206f", "U+180E": "\u180e", "U+FFF9": "\ufff9",
    "U+FFFA": "\ufffa", "U+FFFB": "\ufffb", "U+1D173": "\U0001d173",
    "U+1D17A": "\U0001d17a", "U+13430": "\U00013430", "U+115F": "\u115f",
    "U+1160": "\u1160", "U+3164": "\u3164", "U+FFA0": "\uffa0", "U+2800": "\u2800",
    "U+034F": "\u034f", "U+17B4": "\u17b4", "U+17B5": "\u17b5", "U+FE0F": "\ufe0f",
    "U+2065": "\u2065", "U+200C": "\u200c", "U+200D": "\u200d",
}  # fmt: skip


@pytest.mark.parametrize("code", DECEPTIVE)
def test_name_with_an_invisible_or_unassigned_character_is_refused_with_the_text_kept(
    client, seed_article, code
):
    data = comment_data(seed_article, author=f"Eve{DECEPTIVE[code]}nimda")
    response = post_comment(client, data)
    assert response.status_code == 400
    message = field_error(response, "author")
    assert "invisible, blank or unassigned character" in message
    assert code in message
    assert_kept(response, data)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "\u0915\u094d\u200d\u0937",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645",
        "👩\u200d🔬 Ada",
        "Dr 👩\u200d\u2695\ufe0f",
        "👩🏽\u200d\u2695\ufe0f",
        "Ada \u2764\ufe0f",
        "\u845b\U000e0100\u57ce",
    ],
    ids=["devanagari-zwj", "persian-zwnj", "emoji-zwj", "emoji-zwj-vs", "skin-tone", "vs16", "ivs"],
)
def test_names_that_need_joiners_or_variation_selectors_are_accepted(client, seed_article, name):
    assert post_comment(client, comment_data(seed_article, author=name)).status_code == 302
    assert Comment.objects.get().author_name == name


def test_name_is_stored_as_typed(client, seed_article):
    post_comment(client, comment_data(seed_article, author="Ａｄａ Ｌｏｖｅｌａｃｅ"))
    assert Comment.objects.get().author_name == "Ａｄａ Ｌｏｖｅｌａｃｅ"
