"""Comment pages: a long discussion split into pages of top-level comments, WordPress's way."""

from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import copy_key
from comments import discussion
from comments.models import Comment, DiscussionSettings
from comments.moderation import set_status
from pagecache import tags as page_tags
from pagecache.tags import DISCUSSION
from tests.articles.helpers import html, json_ld_document, meta_content, text_of
from tests.comments.helpers import comment_ids, post_comment, soup
from tests.factories import comment_data, make_article, make_comment, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["all read", "threads found in SQL"])
def long_discussion(request, monkeypatch):
    """Every test twice: as a short discussion, whose page reads all its comments, and as a
    long one, whose page finds its threads in SQL and reads their comments alone."""
    if request.param == "threads found in SQL":
        monkeypatch.setattr(discussion, "READ_ALL_COMMENTS", 0)


def page_url(article, number):
    return reverse("comment_page", kwargs={"slug": article.slug, "page": number})


def top_level(article, count, start_days_ago=30):
    """`count` approved top-level comments, one a day, oldest first."""
    start = timezone.now() - timedelta(days=start_days_ago)
    return [
        make_comment(article, author_name=f"Writer {n}", created_at=start + timedelta(days=n))
        for n in range(count)
    ]


@pytest.fixture
def five_pages_of_two(seed_article, discussion_rules):
    """Nine top-level comments, two a page: pages 1-4 full, page 5 with one."""
    discussion_rules(comments_per_page=2)
    return top_level(seed_article, 9)


def nav_links(response):
    nav = soup(response).find("nav", class_="comment-navigation")
    return {a.get_text(" ", strip=True): a for a in nav.find_all("a")} if nav else {}


# --- Which comments a page shows -------------------------------------------------------------


def test_the_article_shows_the_oldest_top_level_comments_with_their_replies(
    client, seed_article, discussion_rules
):
    discussion_rules(comments_per_page=2)
    first, second, third = top_level(seed_article, 3)
    late_reply = make_comment(seed_article, parent=first)
    page = client.get(seed_article.get_absolute_url())
    assert comment_ids(page) == [first.pk, late_reply.pk, second.pk]
    assert comment_ids(client.get(page_url(seed_article, 2))) == [third.pk]


def test_every_page_counts_every_approved_comment(client, five_pages_of_two, seed_article):
    make_comment(seed_article, status=Comment.Status.PENDING)
    for url in [seed_article.get_absolute_url(), page_url(seed_article, 3)]:
        title = soup(client.get(url)).find(id="comments-title")
        assert title.get_text() == f"9 thoughts on “{seed_article.title}”"


def test_a_reply_whose_parent_is_hidden_keeps_its_thread_together(
    client, seed_article, discussion_rules
):
    """Hiding a thread's first comment leaves its public replies together, on one page, each
    standing on its own where it has no public parent; the thread is placed by its oldest."""
    discussion_rules(comments_per_page=1)
    parent, other = top_level(seed_article, 2)
    reply = make_comment(seed_article, parent=parent)
    answer = make_comment(seed_article, parent=reply)
    later = make_comment(seed_article, parent=parent)
    set_status(Comment.objects.filter(pk=parent.pk), Comment.Status.TRASH)
    assert comment_ids(client.get(seed_article.get_absolute_url())) == [other.pk]
    second = client.get(page_url(seed_article, 2))
    assert comment_ids(second) == [reply.pk, answer.pk, later.pk]
    depths = [li["class"][1] for li in soup(second).select("li.comment")]
    assert depths == ["depth-1", "depth-2", "depth-1"]
    assert client.get(later.get_absolute_url())["Location"] == (
        f"{page_url(seed_article, 2)}#comment-{later.pk}"
    )


def test_a_new_comment_moves_no_other_to_another_page(client, five_pages_of_two, seed_article):
    before = {n: comment_ids(client.get(page_url(seed_article, n))) for n in range(2, 6)}
    make_comment(seed_article)
    make_comment(seed_article)
    after = {n: comment_ids(client.get(page_url(seed_article, n))) for n in range(2, 6)}
    assert [after[n] for n in (2, 3, 4)] == [before[n] for n in (2, 3, 4)]
    assert after[5][0] == before[5][0]
    assert len(after[5]) == 2


def test_newest_first_turns_each_page_but_not_the_replies(client, seed_article, discussion_rules):
    discussion_rules(comments_per_page=2, newest_first=True)
    first, second, third = top_level(seed_article, 3)
    reply_one = make_comment(seed_article, parent=first)
    reply_two = make_comment(seed_article, parent=first)
    page = client.get(seed_article.get_absolute_url())
    assert comment_ids(page) == [second.pk, first.pk, reply_one.pk, reply_two.pk]
    assert comment_ids(client.get(page_url(seed_article, 2))) == [third.pk]


def test_without_pages_the_article_shows_every_comment(client, seed_article, discussion_rules):
    discussion_rules(comments_per_page=1, page_comments=False)
    comments = top_level(seed_article, 3)
    page = client.get(seed_article.get_absolute_url())
    assert comment_ids(page) == [c.pk for c in comments]
    assert soup(page).find("nav", class_="comment-navigation") is None
    response = client.get(page_url(seed_article, 2))
    assert (response.status_code, response["Location"]) == (302, seed_article.get_absolute_url())


# --- Links between pages ---------------------------------------------------------------------


def test_pages_link_to_their_neighbours_with_real_links(client, five_pages_of_two, seed_article):
    links = nav_links(client.get(page_url(seed_article, 3)))
    assert links["Older comments"]["href"] == page_url(seed_article, 2) + "#comments"
    assert links["Older comments"]["rel"] == ["prev"]
    assert links["Newer comments"]["href"] == page_url(seed_article, 4) + "#comments"
    assert links["Newer comments"]["rel"] == ["next"]
    assert links["Comments, page 1"]["href"] == seed_article.get_absolute_url() + "#comments"
    assert links["Comments, page 5"]["href"] == page_url(seed_article, 5) + "#comments"
    current = soup(client.get(page_url(seed_article, 3))).find(attrs={"aria-current": "page"})
    assert current.get_text(" ", strip=True) == "Comments, page 3"


def test_the_first_page_has_no_older_link_and_the_last_no_newer(
    client, five_pages_of_two, seed_article
):
    assert "Older comments" not in nav_links(client.get(seed_article.get_absolute_url()))
    assert "Newer comments" not in nav_links(client.get(page_url(seed_article, 5)))


def test_long_runs_of_page_numbers_are_elided(client, seed_article, discussion_rules):
    discussion_rules(comments_per_page=1)
    top_level(seed_article, 12)
    nav = soup(client.get(page_url(seed_article, 6))).find("nav", class_="comment-navigation")
    numbers = [item.get_text(" ", strip=True).removeprefix("Comments, page ") for item in
               nav.select("li.page-item")][1:-1]  # fmt: skip
    assert numbers == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]


def test_each_page_is_canonical_to_itself_and_titled_by_its_number(
    client, five_pages_of_two, seed_article
):
    page = html(client.get(page_url(seed_article, 2)))
    expected = "http://testserver" + page_url(seed_article, 2)
    assert page.find("link", rel="canonical")["href"] == expected
    assert meta_content(page, property="og:url") == expected
    assert page.find("meta", attrs={"name": "robots"}) is None
    assert text_of(page.title) == f"Comments, page 2 – {seed_article.title} – Immunoblog"


def test_a_pages_description_says_which_page_of_the_discussion_it_is(
    client, five_pages_of_two, seed_article
):
    page = html(client.get(page_url(seed_article, 2)))
    description = f"Comments, page 2 of 5, on “{seed_article.title}”: 9 thoughts in all."
    assert meta_content(page, name="description") == description
    assert meta_content(page, property="og:description") == description
    assert meta_content(page, property="og:title") == f"Comments, page 2 – {seed_article.title}"
    assert meta_content(page, property="og:type") == "website"


def test_a_pages_json_ld_is_a_web_page_about_the_article_with_its_comments(
    client, five_pages_of_two, seed_article
):
    response = client.get(page_url(seed_article, 2))
    document = json_ld_document(response)
    (page,) = document["@graph"]
    article_id = "http://testserver" + seed_article.get_absolute_url() + "#article"
    assert page["@type"] == "WebPage"
    assert page["@id"] == "http://testserver" + page_url(seed_article, 2)
    assert (page["isPartOf"], page["about"]) == ({"@id": article_id}, {"@id": article_id})
    assert [c["@id"] for c in page["comment"]] == [
        f"#comment-{c.pk}" for c in five_pages_of_two[2:4]
    ]


def test_the_article_is_one_blog_posting_under_the_same_id_from_every_page(
    client, five_pages_of_two, seed_article
):
    article_page = json_ld_document(client.get(seed_article.get_absolute_url()))
    comment_page = json_ld_document(client.get(page_url(seed_article, 2)))
    (posting,) = [node for node in article_page["@graph"] if node["@type"] == "BlogPosting"]
    assert posting["@id"] == "http://testserver" + seed_article.get_absolute_url() + "#article"
    assert posting["commentCount"] == 9
    assert [node["@type"] for node in comment_page["@graph"]] == ["WebPage"]
    assert comment_page["@graph"][0]["about"] == {"@id": posting["@id"]}


# --- Addresses that are not a page's own -------------------------------------------------------


@pytest.mark.parametrize("asked", [6, 7, 999999999999])
def test_a_page_past_the_last_redirects_to_the_last(client, five_pages_of_two, seed_article, asked):
    response = client.get(page_url(seed_article, asked))
    assert (response.status_code, response["Location"]) == (302, page_url(seed_article, 5))


@pytest.mark.parametrize("asked", ["comment-page-1/", "comment-page-0/", "comment-page-01/"])
def test_the_articles_own_page_under_another_address_redirects_to_the_article(
    client, five_pages_of_two, seed_article, asked
):
    response = client.get(seed_article.get_absolute_url() + asked)
    assert (response.status_code, response["Location"]) == (302, seed_article.get_absolute_url())


def test_a_page_of_an_unpublished_article_is_not_found(client, discussion_rules):
    draft = make_article(status="draft", published_at=None)
    assert client.get(page_url(draft, 2)).status_code == 404


# --- The article showing the last page ---------------------------------------------------------


def test_the_article_can_show_the_last_page(
    client, five_pages_of_two, seed_article, discussion_rules
):
    discussion_rules(default_comments_page="last")
    article_page = client.get(seed_article.get_absolute_url())
    assert comment_ids(article_page) == [five_pages_of_two[8].pk]
    assert (
        nav_links(article_page)["Older comments"]["href"] == page_url(seed_article, 4) + "#comments"
    )
    first = client.get(page_url(seed_article, 1))
    assert comment_ids(first) == [c.pk for c in five_pages_of_two[:2]]
    response = client.get(page_url(seed_article, 5))
    assert (response.status_code, response["Location"]) == (302, seed_article.get_absolute_url())
    assert nav_links(client.get(page_url(seed_article, 4)))["Newer comments"]["href"] == (
        seed_article.get_absolute_url() + "#comments"
    )


@pytest.mark.parametrize(
    ("default_page", "newest_first", "more", "more_at"),
    [
        ("first", False, "next", "end"),
        ("first", True, "next", "start"),
        ("last", False, "prev", "start"),
        ("last", True, "prev", "end"),
    ],
)
def test_show_more_loads_away_from_the_articles_page_and_keeps_the_order(
    client, five_pages_of_two, seed_article, discussion_rules,
    default_page, newest_first, more, more_at,
):  # fmt: skip
    discussion_rules(default_comments_page=default_page, newest_first=newest_first)
    nav = soup(client.get(seed_article.get_absolute_url())).find("nav", class_="comment-navigation")
    assert (nav["data-more"], nav["data-more-at"]) == (more, more_at)


# --- Replying on any page ----------------------------------------------------------------------


def test_the_reply_form_works_on_a_comment_page(client, five_pages_of_two, seed_article):
    parent = five_pages_of_two[4]
    page = soup(client.get(page_url(seed_article, 3), {"replytocom": parent.pk}))
    assert page.find(id="reply-title-text").get_text() == f"Reply to {parent.author_name}"
    assert page.find(id="comment_parent")["value"] == str(parent.pk)
    assert (
        page.find(id="cancel-comment-reply-link")["href"] == page_url(seed_article, 3) + "#respond"
    )
    reply_link = page.find(id=f"comment-{parent.pk}").find("a", class_="comment-reply-link")
    assert reply_link["href"] == f"?replytocom={parent.pk}#respond"
    assert reply_link["aria-label"] == f"Reply to {parent.author_name}"


def test_a_reply_url_is_not_indexed_and_names_its_page_as_canonical(
    client, five_pages_of_two, seed_article
):
    parent = five_pages_of_two[4]
    page = html(client.get(page_url(seed_article, 3), {"replytocom": parent.pk}))
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow"
    assert page.find("link", rel="canonical")["href"].endswith(page_url(seed_article, 3))


def test_a_reply_posted_on_a_comment_page_lands_on_that_page(
    client, five_pages_of_two, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    parent = five_pages_of_two[4]
    response = post_comment(client, comment_data(seed_article, parent=str(parent.pk)))
    reply = Comment.objects.get(parent=parent)
    assert reply.is_public
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert comment_ids(landing) == [parent.pk, reply.pk, five_pages_of_two[5].pk]
    assert nav_links(landing)["Older comments"]["href"] == page_url(seed_article, 2) + "#comments"


def test_a_held_reply_is_shown_to_its_author_on_its_parents_page(
    client, five_pages_of_two, seed_article
):
    parent = five_pages_of_two[2]
    response = post_comment(client, comment_data(seed_article, parent=str(parent.pk)))
    reply = Comment.objects.get(parent=parent)
    assert not reply.is_public
    landing = client.get(response["Location"])
    assert comment_ids(landing) == [parent.pk, reply.pk, five_pages_of_two[3].pk]


@pytest.mark.parametrize(("already", "page"), [(9, 5), (10, 6)])
def test_a_held_comment_is_shown_to_its_author_where_it_will_be_once_approved(
    client, seed_article, discussion_rules, already, page
):
    """After the last thread: on the last page, or on a page of its own past a full one."""
    discussion_rules(comments_per_page=2)
    threads = top_level(seed_article, already)
    response = post_comment(client, comment_data(seed_article))
    held = Comment.objects.get(status=Comment.Status.PENDING)
    landing = client.get(response["Location"])
    assert comment_ids(landing) == ([threads[-1].pk] if already % 2 else []) + [held.pk]
    current = (
        soup(landing).find("nav", class_="comment-navigation").find(attrs={"aria-current": "page"})
    )
    assert current.get_text(" ", strip=True) == f"Comments, page {page}"


# --- Permalinks --------------------------------------------------------------------------------


def test_a_permalink_leads_to_the_page_and_anchor_of_its_comment(
    client, five_pages_of_two, seed_article
):
    reply = make_comment(seed_article, parent=five_pages_of_two[6])
    response = client.get(reverse("comments:permalink", args=[reply.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(seed_article, 4)}#comment-{reply.pk}"
    first = five_pages_of_two[0]
    response = client.get(first.get_absolute_url())
    assert response["Location"] == f"{seed_article.get_absolute_url()}#comment-{first.pk}"


def test_a_permalink_follows_its_comment_when_the_article_shows_the_last_page(
    client, five_pages_of_two, seed_article, discussion_rules
):
    discussion_rules(default_comments_page="last")
    last, first = five_pages_of_two[8], five_pages_of_two[0]
    assert client.get(last.get_absolute_url())["Location"] == (
        f"{seed_article.get_absolute_url()}#comment-{last.pk}"
    )
    assert client.get(first.get_absolute_url())["Location"] == (
        f"{page_url(seed_article, 1)}#comment-{first.pk}"
    )


def test_the_card_links_its_time_to_the_permalink(client, seed_article):
    comment = make_comment(seed_article)
    card = soup(client.get(seed_article.get_absolute_url())).find(id=f"comment-{comment.pk}")
    assert card.select_one(":scope > article > footer > a")["href"] == f"/comments/{comment.pk}/"


def hidden_comment_ids(article):
    ids = {
        status: make_comment(article, status=status).pk
        for status in [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH]
    }
    draft = make_article(status="draft", published_at=None)
    ids["on a draft"] = make_comment(draft).pk
    deleted = make_comment(article)
    ids["deleted"] = deleted.pk
    deleted.delete()
    ids["never existed"] = ids["deleted"] + 1000
    return ids


def test_a_permalink_that_is_not_public_gets_one_identical_not_found(
    seed_article, django_assert_num_queries
):
    answers = {}
    for reason, pk in hidden_comment_ids(seed_article).items():
        # The comment, then the old addresses an import stored (every 404 asks).
        with django_assert_num_queries(2):
            response = Client().get(reverse("comments:permalink", args=[pk]))
        answers[reason] = (
            response.status_code,
            sorted((k, v) for k, v in response.items() if k != "Date"),
            response.content,
        )
    assert len(set(map(repr, answers.values()))) == 1
    assert answers["never existed"][0] == 404


def test_links_to_a_comment_in_feeds_use_its_permalink(client, seed_article):
    comment = make_comment(seed_article)
    feed = client.get(reverse("comments:feed", args=[seed_article.slug])).content.decode()
    assert f"<link>http://testserver/comments/{comment.pk}/</link>" in feed


def test_view_on_site_in_the_admin_opens_the_comments_page(client, five_pages_of_two, seed_article):
    client.force_login(make_editor())
    comment = five_pages_of_two[3]
    change = soup(client.get(reverse("admin:comments_comment_change", args=[comment.pk])))
    view_on_site = change.find("a", class_="viewsitelink")["href"]
    response = client.get(view_on_site, follow=True)
    assert response.redirect_chain[-1][0] == f"{page_url(seed_article, 2)}#comment-{comment.pk}"
    assert response.status_code == 200


# --- The settings, in the admin ----------------------------------------------------------------


def settings_form(**changes):
    data = {
        "manual_approval": "on",
        "hold_link_count": "2",
        "thread_depth": "5",
        "close_after_days": "",
        "edit_window_minutes": "15",
        "page_comments": "on",
        "comments_per_page": "50",
        "default_comments_page": "first",
        "trash_days": "30",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"comments_per_page": "0"}, "A page shows at least one top-level comment."),
        ({"comments_per_page": "101"}, "At most 100 top-level comments per page"),
        ({"comments_per_page": "many"}, "Enter a whole number."),
        ({"default_comments_page": "middle"}, "Select a valid choice."),
    ],
)
def test_an_editor_is_told_what_is_wrong_with_the_page_settings(client, changes, message):
    client.force_login(make_editor())
    url = reverse("admin:comments_discussionsettings_change", args=[1])
    client.get(reverse("admin:comments_discussionsettings_changelist"))
    response = client.post(url, settings_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(url).status_code == 200


def test_an_editor_changes_the_pages_in_the_admin_and_readers_see_it_at_once(
    client, seed_article, django_capture_on_commit_callbacks
):
    comments = top_level(seed_article, 3)
    reader = Client()
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [c.pk for c in comments]
    client.force_login(make_editor())
    client.get(reverse("admin:comments_discussionsettings_changelist"))
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            reverse("admin:comments_discussionsettings_change", args=[1]),
            settings_form(comments_per_page="2", default_comments_page="last", newest_first="on"),
        )
    assert saved.status_code == 302
    assert comment_ids(reader.get(seed_article.get_absolute_url())) == [comments[2].pk]
    assert comment_ids(reader.get(page_url(seed_article, 1))) == [comments[1].pk, comments[0].pk]


# --- Cached pages ------------------------------------------------------------------------------


def test_every_cached_page_of_a_discussion_is_refreshed_when_a_comment_is_approved(
    seed_article, five_pages_of_two, django_assert_num_queries
):
    held = make_comment(seed_article, status=Comment.Status.PENDING)
    urls = [seed_article.get_absolute_url(), page_url(seed_article, 2), page_url(seed_article, 5)]
    reader = Client()
    for url in urls:
        reader.get(url)
        with django_assert_num_queries(0):  # from the page cache
            reader.get(url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        set_status(Comment.objects.filter(pk=held.pk), Comment.Status.APPROVED)
    for url in urls:
        title = soup(reader.get(url)).find(id="comments-title")
        assert title.get_text().startswith("10 thoughts")
    assert held.pk in comment_ids(reader.get(page_url(seed_article, 5)))


def test_settings_cached_before_a_setting_was_added_are_read_again_once(
    seed_article, django_assert_num_queries
):
    """A copy of the rules cached by the previous release lacks the new fields."""
    fields = [field.attname for field in DiscussionSettings._meta.concrete_fields]
    fields.remove("newest_first")
    previous_release = copy_key(DiscussionSettings.CACHE_KEY, fields)
    DiscussionSettings.objects.get_or_create(pk=1)
    old_copy = DiscussionSettings.objects.defer("newest_first").get()
    page_tags.kept(previous_release, DISCUSSION, lambda: old_copy)
    with django_assert_num_queries(1):
        assert DiscussionSettings.load().newest_first is False
    with django_assert_num_queries(0):
        assert DiscussionSettings.load().newest_first is False


def test_the_head_names_the_previous_and_next_pages(client, five_pages_of_two, seed_article):
    head = html(client.get(page_url(seed_article, 3))).head
    assert head.find("link", rel="prev")["href"] == page_url(seed_article, 2)
    assert head.find("link", rel="next")["href"] == page_url(seed_article, 4)
    head = html(client.get(seed_article.get_absolute_url())).head
    assert head.find("link", rel="prev") is None
    assert head.find("link", rel="next")["href"] == page_url(seed_article, 2)
