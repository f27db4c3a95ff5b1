"""Threaded replies: Reply links, ?replytocom pages, depth limit and parent rules."""

import pytest

from comments.models import Comment
from tests.comments.helpers import comment_ids, post_comment, soup
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db


def chain(article, length):
    """A reply chain: each comment answers the one before."""
    comments = [make_comment(article)]
    for _ in range(length - 1):
        comments.append(make_comment(article, parent=comments[-1]))
    return comments


def test_replies_nest_under_their_parent_in_order(client, seed_article):
    first = make_comment(seed_article)
    second = make_comment(seed_article)
    reply = make_comment(seed_article, parent=first)
    page = soup(client.get(seed_article.get_absolute_url()))
    top = page.select("ol.comment-list > li")
    assert [li["id"] for li in top] == [f"comment-{first.pk}", f"comment-{second.pk}"]
    nested = top[0].select("ol.children > li")
    assert [li["id"] for li in nested] == [f"comment-{reply.pk}"]
    assert comment_ids(client.get(seed_article.get_absolute_url())) == [
        first.pk, reply.pk, second.pk,
    ]  # fmt: skip


def test_reply_names_its_parent_for_assistive_technology(client, seed_article):
    parent = make_comment(seed_article, author_name="Marie")
    reply = make_comment(seed_article, parent=parent)
    card = soup(client.get(seed_article.get_absolute_url())).find(id=f"comment-{reply.pk}")
    assert card.find(class_="visually-hidden").get_text() == ", in reply to Marie"


def test_reply_link_works_without_javascript(client, seed_article):
    parent = make_comment(seed_article, author_name="Marie")
    page = soup(client.get(seed_article.get_absolute_url()))
    link = page.find(id=f"comment-{parent.pk}").find("a", class_="comment-reply-link")
    assert link["href"] == f"?replytocom={parent.pk}#respond"
    assert link["aria-label"] == "Reply to Marie"
    reply_page = soup(client.get(seed_article.get_absolute_url() + link["href"].split("#")[0]))
    assert reply_page.find(id="reply-title-text").get_text() == "Reply to Marie"
    cancel = reply_page.find(id="cancel-comment-reply-link")
    assert not cancel.has_attr("hidden")
    assert cancel.get_text() == "Cancel reply"
    assert reply_page.find("input", attrs={"name": "parent"})["value"] == str(parent.pk)


def test_reply_page_is_noindex_with_the_article_as_canonical(client, seed_article):
    parent = make_comment(seed_article)
    page = soup(client.get(seed_article.get_absolute_url(), {"replytocom": parent.pk}))
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow"
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical == "http://testserver" + seed_article.get_absolute_url()


def test_posting_a_reply_stores_its_parent(client, seed_article, discussion_rules):
    discussion_rules(manual_approval=False)
    parent = make_comment(seed_article)
    response = post_comment(client, comment_data(seed_article, parent=str(parent.pk)))
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent
    page = soup(client.get(response["Location"]))
    assert page.find(id=f"comment-{reply.pk}")["class"] == ["comment", "depth-2"]


def test_no_reply_link_at_the_depth_limit(client, seed_article, discussion_rules):
    discussion_rules(thread_depth=3)
    comments = chain(seed_article, 3)
    page = soup(client.get(seed_article.get_absolute_url()))
    has_link = [
        page.find(id=f"comment-{c.pk}").find("a", class_="comment-reply-link", recursive=False)
        is not None
        for c in comments
    ]
    assert has_link == [True, True, False]


def test_server_refuses_a_reply_past_the_depth_limit(client, seed_article, discussion_rules):
    discussion_rules(thread_depth=3)
    deepest = chain(seed_article, 3)[-1]
    response = post_comment(client, comment_data(seed_article, parent=str(deepest.pk)))
    assert response.status_code == 400
    assert "cannot nest any deeper" in response.content.decode()
    assert Comment.objects.count() == 3


def test_replytocom_past_the_depth_limit_shows_the_plain_form(
    client, seed_article, discussion_rules
):
    discussion_rules(thread_depth=2)
    deepest = chain(seed_article, 2)[-1]
    page = soup(client.get(seed_article.get_absolute_url(), {"replytocom": deepest.pk}))
    assert page.find(id="reply-title-text").get_text() == "Leave a Reply"


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM, "trash"])
def test_reply_to_an_unpublished_comment_is_refused(client, seed_article, status):
    hidden = make_comment(seed_article, status=status)
    response = post_comment(client, comment_data(seed_article, parent=str(hidden.pk)))
    assert response.status_code == 400
    assert "does not exist or is not published" in response.content.decode()


def test_reply_to_a_comment_of_another_article_is_refused(client, seed_article):
    elsewhere = make_comment(make_article())
    response = post_comment(client, comment_data(seed_article, parent=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "does not exist or is not published" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("parent", ["abc", "-1", "0", "1.5", "99999999999999999999999"])
def test_malformed_parent_id_is_a_form_error(client, seed_article, parent):
    response = post_comment(client, comment_data(seed_article, parent=parent))
    assert response.status_code == 400
    assert "replying to does not exist" in response.content.decode()


def test_orphaned_reply_is_still_shown(client, seed_article):
    parent = make_comment(seed_article)
    reply = make_comment(seed_article, parent=parent)
    Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.TRASH)
    assert comment_ids(client.get(seed_article.get_absolute_url())) == [reply.pk]
