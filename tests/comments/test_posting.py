"""Posting through "Leave a Reply": what a commenter sees after pressing Post Comment."""

import copy

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import comment_ids, post_comment, soup
from tests.factories import comment_data, make_comment, make_editor

pytestmark = pytest.mark.django_db


def test_article_page_shows_the_leave_a_reply_form_with_wordpress_fields(client, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    respond = page.find(id="respond")
    assert respond.find(id="reply-title").get_text(" ", strip=True).startswith("Leave a Reply")
    notes = visible_text(respond.find(class_="comment-notes"))
    assert notes == ("Your email address will not be published. Required fields are marked *")
    labels = [visible_text(label) for label in respond.select("form label")]
    assert labels == [
        "Comment *",
        "Name *",
        "Email *",
        "Website",
        "Leave this field empty",
        "Save my name, email, and website in this browser for the next time I comment.",
        "Notify me of follow-up replies by email",
    ]
    assert respond.find("button", type="submit").get_text(strip=True) == "Post Comment"
    assert page.find(id="commentform")["action"] == reverse("comments:post")


def visible_text(element):
    """What a sighted reader sees: without the text kept for screen readers."""
    element = copy.copy(element)
    for hidden in element.select(".visually-hidden"):
        hidden.decompose()
    return element.get_text(" ", strip=True)


def spoken_text(element):
    """What a screen reader says: without what is hidden from it (aria-hidden)."""
    element = copy.copy(element)
    for hidden in element.select("[aria-hidden=true]"):
        hidden.decompose()
    return " ".join(element.get_text("", strip=False).split())


@pytest.mark.parametrize(
    "url", ["article", "confirmation page"], ids=["on the article", "on the confirmation page"]
)
def test_required_fields_are_announced_as_required_not_as_a_star(client, seed_article, url):
    if url == "article":
        page = soup(client.get(seed_article.get_absolute_url()))
    else:
        page = soup(client.post(reverse("comments:post"), comment_data(seed_article, email="")))
    form = page.find("form", class_="comment-form")
    labels = {label["for"]: spoken_text(label) for label in form.select("label[for^=id_]")}
    assert labels["id_comment"] == "Comment (required)"
    assert labels["id_author"] == "Name (required)"
    assert labels["id_email"] == "Email (required)"
    assert labels["id_url"] == "Website"
    assert "*" not in "".join(labels.values())
    notes = page.find(class_="required-field-message")
    assert spoken_text(notes) == "Required fields are marked “required”"


def test_every_visible_field_has_a_label(client, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    form = page.find(id="commentform")
    for control in form.select("input:not([type=hidden]), textarea"):
        assert form.find("label", attrs={"for": control["id"]}), control


def test_no_heading_is_shown_before_the_first_comment(client, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    assert page.find(id="comments-title") is None


def test_heading_says_one_thought_for_a_single_comment(client, seed_article):
    make_comment(seed_article)
    page = soup(client.get(seed_article.get_absolute_url()))
    assert page.find(id="comments-title").get_text() == f"One thought on “{seed_article.title}”"


def test_heading_counts_approved_comments_only(client, seed_article):
    for _ in range(3):
        make_comment(seed_article)
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article, status=Comment.Status.SPAM)
    page = soup(client.get(seed_article.get_absolute_url()))
    assert page.find(id="comments-title").get_text() == f"3 thoughts on “{seed_article.title}”"


def test_approved_comment_shows_author_link_date_permalink_and_text(client, seed_article):
    comment = make_comment(
        seed_article, author_name="Grace", author_url="https://grace.example.org/", body="Hi"
    )
    page = soup(client.get(seed_article.get_absolute_url()))
    card = page.find(id=f"comment-{comment.pk}")
    author_link = card.find(class_="comment-author").a
    assert author_link.get_text() == "Grace"
    assert author_link["href"] == "https://grace.example.org/"
    assert author_link["rel"] == ["nofollow", "ugc"]
    permalink = card.select_one(":scope > article > footer > a")
    assert permalink["href"] == f"/comments/{comment.pk}/"
    assert permalink.time["datetime"].startswith(comment.created_at.date().isoformat())
    assert card.find(class_="comment-content").get_text(strip=True) == "Hi"


def test_comment_goes_to_moderation_and_its_author_sees_it_pending(client, seed_article):
    data = comment_data(seed_article, comment="My first thought.")
    response = post_comment(client, data)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert response.status_code == 302
    assert response["Location"].startswith("/comments/pending/")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    item = soup(preview).find(id=f"comment-{comment.pk}")
    assert "My first thought." in item.get_text()
    assert item.find(class_="comment-awaiting-moderation").get_text() == (
        "Your comment is awaiting moderation."
    )


def test_pending_comment_is_hidden_from_other_readers(client, seed_article):
    post_comment(client, comment_data(seed_article, comment="Only for me, for now."))
    fresh_reader = client.__class__()
    page = fresh_reader.get(seed_article.get_absolute_url()).content.decode()
    assert "Only for me, for now." not in page
    assert "awaiting moderation" not in page


def test_approved_at_once_redirects_to_the_comment_anchor_on_the_authors_page(
    client, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    response = post_comment(client, comment_data(seed_article))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert response["Location"].startswith("/comments/posted/")
    assert response["Location"].endswith(f"/#comment-{comment.pk}")
    assert comment.pk in comment_ids(client.get(response["Location"]))
    assert comment.pk in comment_ids(client.get(seed_article.get_absolute_url()))


def test_the_server_records_address_and_browser_but_not_from_the_form(client, seed_article):
    data = comment_data(seed_article, ip_address="1.2.3.4", status="approved", user_agent="x")
    post_comment(client, data, HTTP_USER_AGENT="Mozilla/5.0 test", REMOTE_ADDR="198.51.100.4")
    comment = Comment.objects.get()
    assert comment.ip_address == "198.51.100.4"
    assert comment.user_agent == "Mozilla/5.0 test"
    assert comment.status == Comment.Status.PENDING


def test_editor_comment_is_published_at_once_and_linked_to_the_account(client, seed_article):
    editor = make_editor()
    client.force_login(editor)
    post_comment(client, comment_data(seed_article))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.user == editor


def test_filled_robot_trap_discards_the_comment_silently(client, seed_article):
    response = post_comment(client, comment_data(seed_article, phone="+1 555 0100"))
    assert response.status_code == 302
    assert response["Location"] == seed_article.get_absolute_url()
    assert not Comment.objects.exists()


def test_get_on_the_post_url_is_refused(client):
    assert client.get(reverse("comments:post")).status_code == 405


def test_saved_details_are_never_rendered_by_the_server(client, seed_article):
    post_comment(client, comment_data(seed_article, author="Remember Me", save_details="on"))
    page = client.get(seed_article.get_absolute_url())
    assert "Remember Me" not in page.content.decode()
    assert not page.cookies
