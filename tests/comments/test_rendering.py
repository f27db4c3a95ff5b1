"""Comment cards are rendered from templates at request time; only the sanitised text is stored.

Deleting a comment, by any path, keeps its thread whole: replies move up to
the deleted comment's parent, and nothing on the page names it any more.
"""

import datetime
import json
import zoneinfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import dateformat

from articles.models import Article
from comments.models import Comment
from comments.thread import display_datetime
from tests.comments.helpers import comment_ids, soup
from tests.factories import comment_data, make_article, make_comment, make_editor

pytestmark = pytest.mark.django_db


def article_page(article):
    return Client().get(article.get_absolute_url())


def comment_schema(response):
    for script in soup(response).find_all("script", type="application/ld+json"):
        for data in json.loads(script.string)["@graph"]:
            if data.get("@type") == "BlogPosting":
                return {item["@id"]: item for item in data["comment"]}
    raise AssertionError("no BlogPosting on the page")


def depth_of(response, comment):
    classes = soup(response).find(id=f"comment-{comment.pk}")["class"]
    return next(int(css.removeprefix("depth-")) for css in classes if css.startswith("depth-"))


def test_only_the_sanitised_text_is_stored(seed_article):
    comment = make_comment(seed_article, author_name="Lin", body="Plain *text*")
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.body_html == "<p>Plain *text*</p>"
    assert {field.name for field in Comment._meta.fields if field.name.endswith("_html")} == {
        "body_html"
    }


def test_each_card_is_headed_by_its_authors_name(seed_article):
    comment = make_comment(seed_article, author_name="Lin")
    reply = make_comment(seed_article, author_name="Noor", parent=comment)
    page = soup(article_page(seed_article))
    for item, name in [(comment, "Lin"), (reply, "Noor")]:
        card = page.find(id=f"comment-{item.pk}").find("article", recursive=False)
        assert card.find("h3").get_text(strip=True) == name


def test_card_shows_name_date_text_and_reply_link(seed_article):
    comment = make_comment(seed_article, author_name="Lin", body="Hello there")
    card = soup(article_page(seed_article)).find(id=f"comment-{comment.pk}")
    assert card.find(class_="comment-author").get_text() == "Lin"
    assert card.find(class_="comment-content").get_text() == "Hello there"
    assert card.find("time")["datetime"].startswith(comment.created_at.strftime("%Y-%m-%d"))
    assert (
        card.find("a", class_="comment-reply-link")["href"] == f"?replytocom={comment.pk}#respond"
    )


def test_dates_are_shown_in_the_site_time_zone(seed_article, settings):
    settings.TIME_ZONE = "America/New_York"
    comment = make_comment(seed_article)
    local = comment.created_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    card = soup(article_page(seed_article)).find(id=f"comment-{comment.pk}")
    assert card.find("time").get_text().startswith(local.strftime("%B %-d, %Y at"))


@pytest.mark.parametrize("month", range(1, 13))
def test_card_dates_read_as_the_date_format_f_j_y_at_g_i_a(month):
    """Every hour of a day in every month, midnight and noon included."""
    for hour in range(24):
        moment = datetime.datetime(2026, month, 9, hour, 5, tzinfo=datetime.UTC)
        assert display_datetime(moment) == dateformat.format(moment, r"F j, Y \a\t g:i a")


def test_a_parent_withdrawn_through_its_change_form_is_no_longer_named(
    seed_article, django_capture_on_commit_callbacks
):
    parent = make_comment(seed_article, author_name="Noor")
    reply = make_comment(seed_article, parent=parent)
    article_page(seed_article)
    editor = Client()
    editor.force_login(make_editor())
    url = reverse("admin:comments_comment_change", args=[parent.pk])
    form = {
        "status": "spam",
        "author_name": "Noor",
        "author_email": parent.author_email,
        "author_url": "",
        "body": parent.body,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(url, form).status_code == 302
    page = article_page(seed_article)
    assert comment_ids(page) == [reply.pk]
    assert "Noor" not in page.content.decode()
    assert "parentItem" not in comment_schema(page)[f"#comment-{reply.pk}"]


def thread_of_three(article):
    """A comment, its reply, and a reply to that: depths 1, 2 and 3."""
    top = make_comment(article, author_name="Top")
    middle = make_comment(article, parent=top, author_name="Middle")
    bottom = make_comment(article, parent=middle, author_name="Bottom")
    return top, middle, bottom


def delete_in_admin(editor_client, comments):
    (comment,) = comments
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    return editor_client.post(url, {"post": "yes"})


def bulk_delete_in_admin(editor_client, comments):
    url = reverse("admin:comments_comment_changelist")
    data = {"action": "delete_selected", "post": "yes",
            ACTION_CHECKBOX_NAME: [str(comment.pk) for comment in comments]}  # fmt: skip
    return editor_client.post(url, data)


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(make_editor())
    return client


@pytest.mark.parametrize("delete", [delete_in_admin, bulk_delete_in_admin], ids=["view", "action"])
def test_deleting_a_comment_moves_its_replies_up_and_off_the_page(
    seed_article, editor_client, delete, django_capture_on_commit_callbacks
):
    top, middle, bottom = thread_of_three(seed_article)
    article_page(seed_article)  # cached before the delete
    with django_capture_on_commit_callbacks(execute=True):
        assert delete(editor_client, [middle]).status_code == 302
    bottom.refresh_from_db()
    assert bottom.parent_id == top.pk
    page = article_page(seed_article)
    assert comment_ids(page) == [top.pk, bottom.pk]
    assert depth_of(page, bottom) == 2
    text = page.content.decode()
    assert "Middle" not in text
    assert f"#comment-{middle.pk}" not in text
    assert comment_schema(page)[f"#comment-{bottom.pk}"]["parentItem"] == {
        "@id": f"#comment-{top.pk}"
    }


def test_deleting_a_parent_and_its_parent_together_moves_the_reply_to_the_top(
    seed_article, editor_client, django_capture_on_commit_callbacks
):
    top, middle, bottom = thread_of_three(seed_article)
    with django_capture_on_commit_callbacks(execute=True):
        bulk_delete_in_admin(editor_client, [top, middle])
    bottom.refresh_from_db()
    assert bottom.parent_id is None
    assert depth_of(article_page(seed_article), bottom) == 1


def test_every_reply_link_left_after_a_delete_leads_to_a_form_that_accepts_it(
    client, seed_article, editor_client, discussion_rules, django_capture_on_commit_callbacks
):
    discussion_rules(manual_approval=False, thread_depth=3)
    top, middle, bottom = thread_of_three(seed_article)
    assert (
        not soup(article_page(seed_article))
        .find(id=f"comment-{bottom.pk}")
        .find("a", class_="comment-reply-link")
    )
    with django_capture_on_commit_callbacks(execute=True):
        delete_in_admin(editor_client, [middle])
    page = soup(article_page(seed_article))
    link = page.find(id=f"comment-{bottom.pk}").find("a", class_="comment-reply-link")
    assert link is not None
    response = client.post(
        reverse("comments:post"), comment_data(seed_article, parent=str(bottom.pk))
    )
    assert response.status_code == 302
    assert Comment.objects.filter(parent=bottom).exists()


def test_deleting_an_article_deletes_its_discussion_and_refreshes_the_lists(
    seed_article, editor_client, django_capture_on_commit_callbacks
):
    other = make_article(title="Another article")
    thread_of_three(other)
    Client().get(reverse("articles:home"))
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("admin:articles_article_delete", args=[other.pk])
        assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=other.pk).exists()
    assert not Comment.objects.filter(article_id=other.pk).exists()
    assert "Another article" not in Client().get(reverse("articles:home")).content.decode()


# --- Avatars: initials, and a colour from nothing but the name ---------------------------------


def avatar_classes(response, comment):
    avatar = soup(response).select_one(f"#comment-{comment.pk} .avatar")
    return [css for css in avatar["class"] if css.startswith("avatar-hue-")]


def test_one_address_under_several_names_shows_the_colours_of_the_names(seed_article):
    names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Emmy Noether", "Lise Meitner"]
    address = [make_comment(seed_article, author_name=name, author_email="one@example.net")
               for name in names]  # fmt: skip
    page = article_page(seed_article)
    colours = {avatar_classes(page, comment)[0] for comment in address}
    assert len(colours) > 1


def test_one_name_shows_one_colour_whatever_the_address(seed_article):
    comments = [
        make_comment(seed_article, author_name="Rosa Franklin", author_email=f"r{n}@example.net")
        for n in range(12)
    ]
    page = article_page(seed_article)
    assert len({avatar_classes(page, comment)[0] for comment in comments}) == 1


def test_two_cards_that_differ_only_by_address_are_the_same_markup(seed_article):
    created_at = Comment._meta.get_field("created_at").default()
    first, second = (
        make_comment(seed_article, author_name="Rosa", author_email=email, body="Same.",
                     created_at=created_at)
        for email in ("first@example.net", "second@example.org")
    )  # fmt: skip
    page = article_page(seed_article)
    cards = []
    for comment in (first, second):
        card = str(soup(page).find(id=f"comment-{comment.pk}"))
        for where in ("comment-{}", "replytocom={}", "/comments/{}/"):
            card = card.replace(where.format(comment.pk), where.format("N"))
        cards.append(card)
    assert cards[0] == cards[1]
