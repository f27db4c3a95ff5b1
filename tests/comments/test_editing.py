"""Authors edit their own comment for a while after posting, through a signed link.

Everything goes over HTTP to the real database: post like a browser, land on
the author's page, follow its edit link, and read the article as any reader.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.editing import MAX_EDITS
from comments.models import Comment, CommentVersion
from comments.signing import EDIT_SALT, edit_token
from tests.comments.helpers import comment_ids, form_value, post_comment, soup
from tests.factories import comment_data, make_comment, make_editor

pytestmark = pytest.mark.django_db

ORIGINAL = "Checkpoint inhibitors sound promising."
REFUSED = "This comment cannot be edited"


def edit(client, url, text, fields=None, **extra):
    """POST the edit form (the text, and any other `fields` the page carries), running
    commit hooks (purges, mail) as a real commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"comment": text, **(fields or {})}, **extra)


def edit_link(response):
    link = soup(response).select_one("a.comment-edit-link")
    return link["href"] if link else None


@pytest.fixture
def published(client, seed_article, discussion_rules):
    """A comment approved at once: the author's landing page, and the comment."""
    discussion_rules(manual_approval=False)
    response = post_comment(client, comment_data(seed_article, comment=ORIGINAL))
    comment = Comment.objects.get(body=ORIGINAL)
    assert comment.is_public
    return client.get(response["Location"]), comment


@pytest.fixture
def edit_url(published):
    page, _ = published
    return edit_link(page)


def cached_article(article):
    """The article page as readers get it, after making sure it sits in the page cache."""
    Client().get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(article.get_absolute_url())
    assert len(queries) == 0, "the article page was not served from the cache"
    return page


# --- Landing after a post -------------------------------------------------------------------


def test_a_published_comment_lands_on_an_uncached_unindexed_page_with_its_edit_link(
    client, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    response = post_comment(client, comment_data(seed_article, comment=ORIGINAL))
    comment = Comment.objects.get()
    assert response["Location"].startswith("/comments/posted/")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in page.content.decode()
    tools = soup(page).select_one(f"#comment-{comment.pk} .comment-author-tools")
    assert "Your comment is published." in tools.get_text(" ", strip=True)
    edit_href = tools.select_one("a.comment-edit-link")["href"]
    assert edit_href.startswith(f"/comments/{comment.pk}/edit/")
    assert tools.select_one("a.comment-article-link")["href"] == comment.get_absolute_url()


def test_a_held_comment_lands_on_its_pending_page_with_its_edit_link(client, seed_article):
    response = post_comment(client, comment_data(seed_article, comment=ORIGINAL))
    comment = Comment.objects.get()
    assert response["Location"].startswith("/comments/pending/")
    page = client.get(response["Location"])
    assert "Your comment is awaiting moderation." in page.content.decode()
    assert edit_link(page).startswith(f"/comments/{comment.pk}/edit/")


def test_the_shared_article_page_carries_no_edit_link_for_anyone(published, seed_article):
    page = Client().get(seed_article.get_absolute_url())
    assert page.status_code == 200
    assert "comment-edit-link" not in page.content.decode()
    assert "/edit/" not in page.content.decode()


def test_the_authors_page_has_no_edit_link_once_the_window_has_closed(client, published):
    _, comment = published
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        page = client.get(comment.posted_url())
    assert page.status_code == 200
    assert edit_link(page) is None
    assert ORIGINAL in page.content.decode()


# --- Editing within the window --------------------------------------------------------------


def test_the_edit_link_shows_the_form_with_the_current_text(client, edit_url):
    page = client.get(edit_url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert form_value(page, "comment") == ORIGINAL
    assert soup(page).find("h1").get_text(strip=True) == "Edit your comment"


def test_an_edit_within_the_window_shows_sanitised_and_marked_edited_on_the_cached_page(
    client, published, edit_url, seed_article
):
    _, comment = published
    assert ORIGINAL in cached_article(seed_article).content.decode()

    new_text = "Checkpoint inhibitors <em>are</em> promising.<script>alert(1)</script>"
    response = edit(client, edit_url, new_text)

    assert response.status_code == 302
    assert response["Location"].startswith("/comments/posted/")
    assert response["Location"].endswith(f"/?note=saved#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.body == new_text
    assert comment.edited_at is not None
    page = Client().get(seed_article.get_absolute_url())
    card = soup(page).select_one(f"#comment-{comment.pk}")
    content = card.select_one(".comment-content")
    assert content.find("em").get_text() == "are"
    assert content.find("script") is None
    assert "&lt;script&gt;" in str(content)
    edited = card.select_one(".comment-edited")
    assert edited.get_text(strip=True) == "(edited)"
    assert edited.find("time")["datetime"].startswith(str(timezone.localtime().year))
    assert ORIGINAL not in page.content.decode()


def test_an_edit_keeps_the_earlier_text_as_a_version(client, published, edit_url):
    _, comment = published
    edit(client, edit_url, "A second thought.")
    edit(client, edit_url, "A third thought.")
    versions = list(CommentVersion.objects.filter(comment=comment).values_list("body", "status"))
    assert versions == [(ORIGINAL, "approved"), ("A second thought.", "approved")]


def test_saving_the_same_text_changes_nothing(client, published, edit_url):
    _, comment = published
    response = edit(client, edit_url, ORIGINAL)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.edited_at is None
    assert not CommentVersion.objects.exists()


def test_an_edit_adding_links_goes_back_to_pending_and_leaves_the_public_page(
    client, published, edit_url, seed_article, discussion_rules
):
    _, comment = published
    discussion_rules(manual_approval=False, hold_link_count=2)
    assert comment.pk in comment_ids(cached_article(seed_article))

    response = edit(client, edit_url, "See https://a.example.org/ and https://b.example.org/.")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert response["Location"].startswith("/comments/pending/")
    public = Client().get(seed_article.get_absolute_url())
    assert comment.pk not in comment_ids(public)
    assert "b.example.org" not in public.content.decode()
    own = client.get(response["Location"])
    assert "Your comment is awaiting moderation." in own.content.decode()
    assert "https://b.example.org/" in own.content.decode()


def test_an_edit_sent_back_to_pending_tells_the_editors(
    client, published, edit_url, discussion_rules, run_tasks, mail_server
):
    _, comment = published
    discussion_rules(hold_link_count=1)
    make_editor(email="editor@example.org")
    edit(client, edit_url, "Now with https://a.example.org/ in it.")
    run_tasks()
    assert [mail.recipients for mail in mail_server.wait_for(1)] == [["editor@example.org"]]
    assert "https://a.example.org/" in mail_server.received[0].text()


def test_a_disallowed_word_in_the_new_text_marks_it_as_spam(
    client, published, edit_url, discussion_rules, seed_article
):
    _, comment = published
    discussion_rules(disallowed_words="casino")
    edit(client, edit_url, "Visit my casino.")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert comment.pk not in comment_ids(Client().get(seed_article.get_absolute_url()))


# --- Refusals: nothing changes ----------------------------------------------------------------


def assert_unchanged(comment):
    comment.refresh_from_db()
    assert comment.body == ORIGINAL
    assert comment.edited_at is None
    assert not CommentVersion.objects.exists()


def test_after_the_window_an_edit_is_refused_with_a_message_and_the_text_back(
    client, published, edit_url
):
    _, comment = published
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
        shown = client.get(edit_url)
        response = edit(client, edit_url, "Too late to say this.")
    for page in (shown, response):
        assert page.status_code == 403
        assert REFUSED in page.content.decode()
        assert "can be edited for 15 minutes after they are posted" in page.content.decode()
    assert soup(response).find("textarea").get_text() == "Too late to say this."
    assert_unchanged(comment)


def test_the_window_is_a_discussion_setting_and_zero_turns_editing_off(
    client, published, edit_url, discussion_rules
):
    _, comment = published
    discussion_rules(edit_window_minutes=0)
    assert edit(client, edit_url, "Changed.").status_code == 403
    discussion_rules(edit_window_minutes=60)
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert edit(client, edit_url, "Changed.").status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Changed."


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda pk, token: "not-a-token", id="garbage"),
        pytest.param(lambda pk, token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
                     id="bad-signature"),
        pytest.param(lambda pk, token: signing.dumps(pk, salt="comments.pending"),
                     id="another-kind-of-token"),
        pytest.param(lambda pk, token: signing.dumps(pk, key="not-the-secret", salt=EDIT_SALT),
                     id="another-key"),
    ],
)  # fmt: skip
def test_a_forged_token_is_refused(client, published, edit_url, forge):
    _, comment = published
    token = edit_url.rstrip("/").rsplit("/", 1)[1]
    forged = reverse("comments:edit", kwargs={"pk": comment.pk, "token": forge(comment.pk, token)})
    assert client.get(forged).status_code == 403
    response = edit(client, forged, "Forged change.")
    assert response.status_code == 403
    assert "This edit link is not valid for this comment." in response.content.decode()
    assert_unchanged(comment)


def test_another_comments_token_is_refused(client, published, seed_article):
    _, comment = published
    mine = make_comment(seed_article, body="My own comment.")
    url = reverse("comments:edit", kwargs={"pk": comment.pk, "token": edit_token(mine)})
    response = edit(client, url, "Changed with a token for another comment.")
    assert response.status_code == 403
    assert_unchanged(comment)
    mine.refresh_from_db()
    assert mine.body == "My own comment."


def test_spam_and_trashed_comments_cannot_be_edited(client, published, edit_url):
    _, comment = published
    for status in (Comment.Status.SPAM, Comment.Status.TRASH):
        Comment.objects.filter(pk=comment.pk).update(status=status)
        response = edit(client, edit_url, "Let me in again.")
        assert response.status_code == 403
        assert "This comment can no longer be edited." in response.content.decode()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    assert_unchanged(comment)


def test_an_edit_from_another_site_is_refused(client, published, edit_url):
    _, comment = published
    response = edit(client, edit_url, "Cross-site change.", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "This comment came from another site" in response.content.decode()
    assert_unchanged(comment)


def test_an_edit_without_a_valid_csrf_token_asks_to_confirm_with_the_text_kept(
    published, edit_url, csrf_client
):
    _, comment = published
    response = edit(csrf_client, edit_url, "Typed in a tab left open.")
    assert response.status_code == 200
    assert "Please check your change" in response.content.decode()
    assert form_value(response, "comment") == "Typed in a tab left open."
    assert_unchanged(comment)
    token = form_value(response, "csrfmiddlewaretoken")
    with TestCase.captureOnCommitCallbacks(execute=True):
        saved = csrf_client.post(
            edit_url, {"comment": "Typed in a tab left open.", "csrfmiddlewaretoken": token}
        )
    assert saved.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Typed in a tab left open."


@pytest.mark.usefixtures("one_rate_window")
def test_edits_count_against_the_posting_rate_limit(client, published, edit_url, settings):
    _, comment = published
    settings.COMMENT_RATE_PER_MINUTE = 2
    assert edit(client, edit_url, "First change.").status_code == 302
    assert edit(client, edit_url, "Second change.").status_code == 302
    response = edit(client, edit_url, "Third change, too fast.")
    assert response.status_code == 429
    assert form_value(response, "comment") == "Third change, too fast."
    comment.refresh_from_db()
    assert comment.body == "Second change."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please type your comment."),
        ("x" * 65526, "Your comment is too long"),
        ("<b>" * 1001, "too many tags"),
        ("<q>" * 21 + "deep", "nests tags too deeply"),
    ],
    ids=["empty", "too-long", "too-many-tags", "too-deep"],
)
def test_bad_input_comes_back_with_a_message_and_the_text(
    client, published, edit_url, text, message
):
    _, comment = published
    response = edit(client, edit_url, text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert form_value(response, "comment") == text
    assert_unchanged(comment)


def test_a_comment_keeps_a_bounded_number_of_earlier_texts(client, published, edit_url):
    _, comment = published
    for n in range(MAX_EDITS):
        assert edit(client, edit_url, f"Change {n}.").status_code == 302
    response = edit(client, edit_url, "One change too many.")
    assert response.status_code == 409
    assert "edited too many times" in response.content.decode()
    assert form_value(response, "comment") == "One change too many."
    assert CommentVersion.objects.filter(comment=comment).count() == MAX_EDITS


# --- Editors ----------------------------------------------------------------------------------


def test_editors_see_the_earlier_texts_on_the_comments_admin_page(client, published, edit_url):
    _, comment = published
    edit(client, edit_url, "The new <em>text</em>.")
    editor = make_editor()
    assert not editor.is_superuser
    admin = Client()
    admin.force_login(editor)
    page = admin.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert page.status_code == 200
    versions = soup(page).select("ol.comment-versions li")
    assert len(versions) == 1
    assert versions[0].blockquote.get_text(strip=True) == ORIGINAL
    assert "(then approved)" in versions[0].get_text(" ", strip=True)


# --- Whoever saves it, an edit is its author's ------------------------------------------------

TWO_LINKS = "Please fix my typo: https://a.example.org/ and https://b.example.org/."
STATUS_NOTE = ".comment-status-for-editors"


@pytest.fixture
def held_url(client, seed_article):
    """The edit link of a comment held for moderation (manual approval), as its author has it."""
    response = post_comment(client, comment_data(seed_article, comment=ORIGINAL))
    assert Comment.objects.get(body=ORIGINAL).status == Comment.Status.PENDING
    return edit_link(client.get(response["Location"]))


def signed_in(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


def press(browser, url, text):
    """What an editor's browser sends from the edit page it loaded: its own CSRF token."""
    token = form_value(browser.get(url), "csrfmiddlewaretoken")
    return edit(browser, url, text, {"csrfmiddlewaretoken": token})


def test_an_editor_saving_a_readers_edit_with_two_links_leaves_it_held(held_url):
    response = press(signed_in(make_editor()), held_url, TWO_LINKS)
    comment = Comment.objects.get()
    assert comment.body == TWO_LINKS
    assert comment.status == Comment.Status.PENDING
    assert response["Location"].startswith("/comments/pending/")


def test_an_admin_saving_a_readers_edit_gets_no_privilege_either(held_url, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    press(signed_in(admin), held_url, "Now fixed, no links.")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_disallowed_word_makes_spam_whoever_saves_the_edit(held_url, discussion_rules):
    discussion_rules(disallowed_words="casino")
    press(signed_in(make_editor()), held_url, "Visit my casino.")
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_an_editor_who_saved_a_readers_edit_is_told_its_status(held_url, discussion_rules):
    discussion_rules(disallowed_words="casino")
    editor = signed_in(make_editor())
    response = press(editor, held_url, "Visit my casino.")
    note = soup(editor.get(response["Location"])).select_one(STATUS_NOTE)
    assert "this comment is now Spam" in note.get_text(" ", strip=True)


def test_the_author_is_not_told_their_edit_is_spam(client, held_url, discussion_rules):
    discussion_rules(disallowed_words="casino")
    response = edit(client, held_url, "Visit my casino.")
    page = client.get(response["Location"])
    assert soup(page).select_one(STATUS_NOTE) is None
    assert "Your comment is awaiting moderation." in page.content.decode()


def test_an_edit_without_origin_confirmed_by_an_editors_press_stays_held(held_url):
    editor = signed_in(make_editor())
    confirm = edit(editor, held_url, TWO_LINKS)  # another site's form: no Origin, no token
    assert "Please check your change" in confirm.content.decode()
    assert form_value(confirm, "confirmed") == "1"
    fields = {name: form_value(confirm, name) for name in ("csrfmiddlewaretoken", "confirmed")}
    saved = edit(editor, held_url, TWO_LINKS, fields)
    assert saved.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == TWO_LINKS
    assert comment.status == Comment.Status.PENDING


def test_an_editors_own_comment_confirmed_from_the_check_page_goes_through_the_rules(
    seed_article,
):
    editor = signed_in(make_editor())
    token = form_value(editor.get(seed_article.get_absolute_url()), "csrfmiddlewaretoken")
    data = comment_data(seed_article, comment=ORIGINAL, csrfmiddlewaretoken=token)
    posted = post_comment(editor, data)
    assert Comment.objects.get().status == Comment.Status.APPROVED
    url = edit_link(editor.get(posted["Location"]))
    confirm = edit(editor, url, TWO_LINKS)
    fields = {name: form_value(confirm, name) for name in ("csrfmiddlewaretoken", "confirmed")}
    edit(editor, url, TWO_LINKS, fields)
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_an_editor_editing_their_own_comment_keeps_it_published(seed_article):
    editor = signed_in(make_editor())
    token = form_value(editor.get(seed_article.get_absolute_url()), "csrfmiddlewaretoken")
    posted = post_comment(editor, comment_data(seed_article, csrfmiddlewaretoken=token))
    press(editor, edit_link(editor.get(posted["Location"])), TWO_LINKS)
    assert Comment.objects.get().status == Comment.Status.APPROVED


# --- An approved comment's edit -----------------------------------------------------------------


@pytest.fixture
def approved_url(client, seed_article, discussion_rules):
    """An approved comment with one link, under manual approval; its edit link."""
    body = "Checkpoint inhibitors, see https://a.example.org/ for more."
    response = post_comment(client, comment_data(seed_article, comment=body))
    url = edit_link(client.get(response["Location"]))
    Comment.objects.update(status=Comment.Status.APPROVED)
    return url


def test_an_approved_comments_typo_fix_stays_published(client, approved_url, seed_article):
    response = edit(client, approved_url, "Checkpoint inhibitors, see https://a.example.org/.")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert response["Location"].startswith("/comments/posted/")
    assert comment.pk in comment_ids(Client().get(seed_article.get_absolute_url()))


def test_an_approved_comments_edit_with_a_new_link_waits_for_an_editor(client, approved_url):
    edit(client, approved_url, "Checkpoint inhibitors, see https://b.example.org/ instead.")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_an_approved_comments_edit_with_a_moderation_word_waits(
    client, approved_url, discussion_rules
):
    discussion_rules(moderation_words="pharmacy")
    edit(client, approved_url, "Checkpoint inhibitors, pharmacy https://a.example.org/.")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_typo_fix_keeps_a_comment_whose_links_an_editor_approved_published(client, seed_article):
    body = "See https://a.example.org/ and https://b.example.org/ for the trials."
    response = post_comment(client, comment_data(seed_article, comment=body))
    url = edit_link(client.get(response["Location"]))
    Comment.objects.update(status=Comment.Status.APPROVED)  # held for its two links, approved
    edit(client, url, body.replace("trials", "trial data"))
    assert Comment.objects.get().status == Comment.Status.APPROVED
