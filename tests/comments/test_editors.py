"""Editors on the public site: they comment as themselves, marked "Editor", and find each
comment's admin page from the article; readers' shared pages never show any of it."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from comments.models import MAX_NAME_LENGTH, Comment
from tests.comments.helpers import comment_ids, field_error, form_value, post_comment, soup
from tests.factories import comment_data, make_comment, make_editor, make_person, make_user
from tests.subscriptions.helpers import make_verified

pytestmark = pytest.mark.django_db

SPAMMY = "Look https://a.example https://b.example https://c.example"


@pytest.fixture
def editor():
    """A staff account with no permission of its own: only what the Editors group grants."""
    return make_editor(first_name="Eda", last_name="Moderna", email="eda@immunoblog.example")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def editor_data(article, **overrides):
    """What an editor's form sends: the comment and where it goes, nothing about the author."""
    data = {"comment": "A word from the editors.", "article": str(article.pk), "parent": ""}
    data.update(overrides)
    return data


def badges(response):
    """The comment ids whose card carries the Editor badge, in page order."""
    page = soup(response)
    return [
        int(li["id"].removeprefix("comment-"))
        for li in page.select("li.comment")
        if li.select_one(":scope > article .comment-author .comment-badge")
    ]


def json_ld_comments(response):
    script = soup(response).find("script", type="application/ld+json")
    graph = json.loads(script.string)["@graph"]
    (posting,) = (node for node in graph if node["@type"] == "BlogPosting")
    return {item["@id"]: item for item in posting["comment"]}


# --- The form -----------------------------------------------------------------------


def test_a_signed_in_editor_gets_the_form_without_name_email_or_website(
    editor_client, seed_article
):
    response = editor_client.get(seed_article.get_absolute_url())
    form = soup(response).find(id="commentform")
    assert form.find("textarea", attrs={"name": "comment"})
    for name in ("author", "email", "url", "save_details", "notify", "commenter_key", "phone"):
        assert form.find(attrs={"name": name}) is None, name
    notes = form.select_one(".comment-notes").get_text(" ", strip=True)
    assert "Signed in as an editor" in notes
    assert "Eda Moderna" in notes
    assert "email address will not be published" not in notes


def test_an_editors_form_carries_a_csrf_token_a_readers_does_not(editor_client, seed_article):
    url = seed_article.get_absolute_url()
    assert len(form_value(editor_client.get(url), "csrfmiddlewaretoken")) >= 32
    reader = Client().get(url)
    assert form_value(reader, "csrfmiddlewaretoken") == ""
    assert "csrftoken" not in reader.cookies


def test_a_reader_gets_the_full_form(client, seed_article):
    form = soup(client.get(seed_article.get_absolute_url())).find(id="commentform")
    for name in ("author", "email", "url", "save_details"):
        assert form.find(attrs={"name": name}), name
    assert "Signed in as an editor" not in form.get_text()


# --- Posting as an editor --------------------------------------------------------------


def test_an_editors_comment_is_published_at_once_under_their_full_name(
    editor_client, editor, seed_article, discussion_rules
):
    discussion_rules(manual_approval=True, moderation_words="look")
    response = post_comment(editor_client, editor_data(seed_article, comment=SPAMMY))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (comment.status, comment.author_name) == (Comment.Status.APPROVED, "Eda Moderna")
    assert (comment.user, comment.is_by_editor) == (editor, True)
    assert (comment.author_email, comment.author_url) == ("eda@immunoblog.example", "")
    assert comment.pk in comment_ids(Client().get(seed_article.get_absolute_url()))


def test_a_name_address_and_website_sent_with_an_editors_comment_are_not_read(
    editor_client, seed_article
):
    data = editor_data(
        seed_article, author="Someone Else", email="else@example.com", url="https://else.example"
    )
    post_comment(editor_client, data)
    comment = Comment.objects.get()
    assert (comment.author_name, comment.author_email, comment.author_url) == (
        "Eda Moderna", "eda@immunoblog.example", "",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("first_name", "last_name", "shown"),
    [
        ("Eda", "Moderna", "Eda Moderna"),
        ("Eda", "", "Eda"),
        ("  Eda  ", " van  Moderna ", "Eda van Moderna"),
        ("", "", "Immunoblog"),
        ("E" * 150, "M" * 150, ("E" * 150 + " " + "M" * 150)[:MAX_NAME_LENGTH]),
    ],
    ids=["full-name", "first-name-only", "spaces", "no-name-site-name", "longer-than-a-name"],
)
def test_an_editor_signs_with_their_name_never_their_username(
    client, seed_article, first_name, last_name, shown
):
    editor = make_editor(username="eda_login", first_name=first_name, last_name=last_name)
    client.force_login(editor)
    post_comment(client, editor_data(seed_article))
    comment = Comment.objects.get()
    assert comment.author_name == shown
    page = client.get(seed_article.get_absolute_url()).content.decode()
    assert "eda_login" not in page


def test_an_editor_with_a_person_signs_as_their_bylines_do(client, seed_article):
    editor = make_editor(username="eda_login", first_name="Eda", last_name="Moderna")
    make_person("Dr Eda Moderna", user=editor, credentials="MD")
    client.force_login(editor)
    post_comment(client, editor_data(seed_article))
    assert Comment.objects.get().author_name == "Dr Eda Moderna"


def test_an_editors_address_too_long_for_a_comment_is_left_out(client, seed_article):
    long_address = "e" * 95 + "@immunoblog.example"
    client.force_login(make_editor(email=long_address))
    assert post_comment(client, editor_data(seed_article)).status_code == 302
    assert Comment.objects.get().author_email == ""


def test_an_editors_comment_is_still_validated_and_keeps_what_was_typed(
    editor_client, seed_article
):
    response = post_comment(editor_client, editor_data(seed_article, comment="  "))
    assert response.status_code == 400
    assert field_error(response, "comment") == "Please type your comment."
    page = soup(response)
    assert page.find(attrs={"name": "author"}) is None
    assert "Signed in as an editor" in page.select_one(".comment-notes").get_text()
    deep = "<b>" * 21 + "too deep" + "</b>" * 21
    refused = post_comment(editor_client, editor_data(seed_article, comment=deep))
    assert refused.status_code == 400
    assert form_value(refused, "comment") == deep
    assert not Comment.objects.exists()


def test_an_editor_repeating_a_comment_is_told_it_is_a_duplicate(editor_client, seed_article):
    assert post_comment(editor_client, editor_data(seed_article)).status_code == 302
    again = post_comment(editor_client, editor_data(seed_article))
    assert again.status_code == 409
    assert "Duplicate comment detected" in again.content.decode()
    assert Comment.objects.count() == 1


def test_an_editors_comment_is_sanitised(editor_client, seed_article):
    text = 'See <a href="javascript:alert(1)">this</a> <script>x()</script> https://example.org'
    post_comment(editor_client, editor_data(seed_article, comment=text))
    html = Comment.objects.get().body_html
    assert "<script" not in html
    assert "javascript:" not in html
    assert 'rel="nofollow ugc"' in html


def test_an_editors_reply_reaches_a_readers_cached_page(editor_client, seed_article):
    parent = make_comment(seed_article, author_name="Nina")
    url = seed_article.get_absolute_url()
    Client().get(url)  # now in the page cache
    data = editor_data(seed_article, parent=str(parent.pk), comment="Thank you, Nina.")
    post_comment(editor_client, data)
    reply = Comment.objects.get(parent=parent)
    reader = Client().get(url)
    assert reply.pk in comment_ids(reader)
    assert badges(reader) == [reply.pk]


def test_an_editors_reply_is_mailed_to_the_follower(
    editor_client, seed_article, settings, mail_server, run_tasks
):
    settings.SITE_URL = "https://blog.example.org"
    parent = make_comment(seed_article, author_name="Flora", author_email="flora@example.com")
    make_verified("flora@example.com", comment=parent)
    post_comment(editor_client, editor_data(seed_article, parent=str(parent.pk), comment="Hi!"))
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == ["flora@example.com"]
    assert "Eda Moderna replied to your comment" in received.subject


def test_an_editor_replies_without_javascript_through_the_reply_link(editor_client, seed_article):
    parent = make_comment(seed_article, author_name="Nina")
    page = editor_client.get(f"{seed_article.get_absolute_url()}?replytocom={parent.pk}")
    assert soup(page).find(id="reply-title-text").get_text() == "Reply to Nina"
    data = editor_data(
        seed_article,
        parent=form_value(page, "parent"),
        csrfmiddlewaretoken=form_value(page, "csrfmiddlewaretoken"),
    )
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = editor_client.cookies
    response = post_comment(csrf_client, data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    reply = Comment.objects.get(parent=parent)
    assert (reply.status, reply.is_by_editor) == (Comment.Status.APPROVED, True)


@pytest.mark.usefixtures("one_rate_window")
def test_a_rate_limited_editor_gets_their_own_form_back(editor_client, seed_article, settings):
    settings.COMMENT_RATE_PER_MINUTE = 1
    assert post_comment(editor_client, editor_data(seed_article)).status_code == 302
    response = post_comment(editor_client, editor_data(seed_article, comment="Once more."))
    assert response.status_code == 429
    assert form_value(response, "comment") == "Once more."
    assert soup(response).find(attrs={"name": "author"}) is None


# --- Nobody else gets an editor's standing -------------------------------------------


def test_a_reader_cannot_claim_the_badge_with_form_fields(client, seed_article, editor):
    data = comment_data(
        seed_article, author="Eda Moderna", is_by_editor="1", user=str(editor.pk),
        status="approved",
    )  # fmt: skip
    post_comment(client, data)
    comment = Comment.objects.get()
    assert (comment.status, comment.is_by_editor, comment.user) == (
        Comment.Status.PENDING, False, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "account",
    [
        {"is_staff": False},
        {"is_staff": False, "permission": "change_comment"},
        {"is_staff": True},
        {"is_staff": True, "permission": "view_comment"},
    ],
    ids=["reader-account", "not-staff-with-the-permission", "staff-without-it", "staff-viewer"],
)
def test_a_signed_in_account_that_is_not_an_editor_comments_as_a_reader(
    client, seed_article, account
):
    user = make_user(first_name="Rae", is_staff=account["is_staff"])
    if "permission" in account:
        user.user_permissions.add(Permission.objects.get(codename=account["permission"]))
    client.force_login(user)
    page = client.get(seed_article.get_absolute_url())
    assert soup(page).find(attrs={"name": "author"})
    assert not soup(page).select(".comment-admin-link")
    without_name = post_comment(client, editor_data(seed_article))
    assert without_name.status_code == 400
    assert field_error(without_name, "author") == "Please enter your name."
    post_comment(client, comment_data(seed_article, author="Rae", comment=SPAMMY))
    comment = Comment.objects.get()
    assert (comment.status, comment.is_by_editor) == (Comment.Status.PENDING, False)


def test_an_inactive_editor_account_comments_as_nobody(client, seed_article):
    client.force_login(make_editor(is_active=False))
    response = post_comment(client, editor_data(seed_article))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_comment_an_editor_confirmed_on_the_confirmation_page_is_a_strangers(
    seed_article, editor
):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    data = comment_data(seed_article, author="Eda Moderna", confirmed="1")
    confirm = post_comment(csrf_client, data)  # no token: the confirmation page
    assert soup(confirm).find("h1").get_text() == "Confirm your comment"
    data["csrfmiddlewaretoken"] = form_value(confirm, "csrfmiddlewaretoken")
    post_comment(csrf_client, data, HTTP_ORIGIN="http://testserver")
    comment = Comment.objects.get()
    assert (comment.status, comment.is_by_editor) == (Comment.Status.PENDING, False)


# --- The badge ----------------------------------------------------------------------


def test_an_editors_comment_carries_the_badge_readers_comments_do_not(editor_client, seed_article):
    reader_comment = make_comment(seed_article, author_name="Nina")
    post_comment(editor_client, editor_data(seed_article))
    mine = Comment.objects.get(is_by_editor=True)
    page = Client().get(seed_article.get_absolute_url())
    assert badges(page) == [mine.pk]
    card = soup(page).find(id=f"comment-{mine.pk}")
    assert card.select_one(".comment-author").get_text(" ", strip=True) == "Eda Moderna Editor"
    assert reader_comment.pk in comment_ids(page)


def test_json_ld_names_an_editors_comment_as_working_for_the_site(editor_client, seed_article):
    reader_comment = make_comment(seed_article, author_name="Nina")
    post_comment(editor_client, editor_data(seed_article))
    mine = Comment.objects.get(is_by_editor=True)
    found = json_ld_comments(Client().get(seed_article.get_absolute_url()))
    assert found[f"#comment-{mine.pk}"]["author"] == {
        "@type": "Person",
        "name": "Eda Moderna",
        "worksFor": {"@type": "Organization", "name": "Immunoblog", "url": "/"},
    }
    assert found[f"#comment-{reader_comment.pk}"]["author"] == {"@type": "Person", "name": "Nina"}


@pytest.mark.parametrize(
    "leave", ["not-staff", "out-of-the-group", "deleted"], ids=lambda value: value
)
def test_the_badge_stays_when_the_editor_leaves(editor_client, editor, seed_article, leave):
    post_comment(editor_client, editor_data(seed_article))
    mine = Comment.objects.get()
    if leave == "not-staff":
        editor.is_staff = False
        editor.save()
    elif leave == "out-of-the-group":
        editor.groups.clear()
    else:
        editor.delete()
    page = Client().get(seed_article.get_absolute_url())
    assert badges(page) == [mine.pk]


def test_a_reader_typing_an_editors_name_gets_no_badge(client, seed_article, discussion_rules):
    discussion_rules(manual_approval=False)
    post_comment(client, comment_data(seed_article, author="Eda Moderna"))
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert badges(client.get(seed_article.get_absolute_url())) == []


# --- Edit links ---------------------------------------------------------------------


def test_an_editor_sees_an_edit_link_to_each_comments_admin_page(editor_client, seed_article):
    comments = [make_comment(seed_article), make_comment(seed_article)]
    reply = make_comment(seed_article, parent=comments[0])
    page = soup(editor_client.get(seed_article.get_absolute_url()))
    for comment in [*comments, reply]:
        link = page.select_one(f"#comment-{comment.pk} > .comment-admin > a")
        assert link.get_text() == "Edit"
        assert link["href"] == reverse("admin:comments_comment_change", args=[comment.pk])
        assert link["aria-label"] == f"Edit the comment by {comment.author_name} in the admin"
    assert len(page.select(".comment-admin-link")) == 3
    admin_page = editor_client.get(link["href"])
    assert admin_page.status_code == 200


def test_a_readers_page_has_no_edit_link_whoever_viewed_it_before(
    editor_client, seed_article, django_assert_num_queries
):
    make_comment(seed_article)
    url = seed_article.get_absolute_url()
    assert soup(editor_client.get(url)).select(".comment-admin-link")
    reader = Client().get(url)  # after the editor: rendered for the reader, and stored
    assert not soup(reader).select(".comment-admin-link")
    assert "Signed in as an editor" not in reader.content.decode()
    assert form_value(reader, "csrfmiddlewaretoken") == ""
    editor_client.get(url)
    with django_assert_num_queries(0):
        cached = Client().get(url)  # served from the cache the reader's page went into
    assert cached.content == reader.content


def test_an_editors_page_is_private_and_never_stored(editor_client, seed_article):
    url = seed_article.get_absolute_url()
    response = editor_client.get(url)
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    for header in ("Surrogate-Control", "xkey", "Surrogate-Key", "Cache-Tag"):
        assert not response.has_header(header), header
    again = editor_client.get(url)
    assert again.status_code == 200
    assert soup(again).select_one("#commentform textarea")


def test_a_readers_page_stays_shared(client, seed_article):
    response = client.get(seed_article.get_absolute_url())
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert response.has_header("Surrogate-Control")
    assert not response.cookies


def test_an_editors_article_page_costs_a_fixed_number_of_queries(
    editor_client, seed_article, django_assert_num_queries
):
    url = seed_article.get_absolute_url()
    make_comment(seed_article)
    editor_client.get(url)
    # The session, the user, their permissions (own and group's), the Person they sign
    # as, the article, its tags, the comments: with 1 comment or 30.
    with django_assert_num_queries(8):
        editor_client.get(url)
    for _ in range(29):
        make_comment(seed_article)
    with django_assert_num_queries(8):
        page = editor_client.get(url)
    assert len(soup(page).select(".comment-admin-link")) == 30


def test_an_editor_gets_edit_links_and_the_editors_form_on_every_comment_page(
    editor_client, seed_article, discussion_rules
):
    discussion_rules(comments_per_page=1)
    make_comment(seed_article)
    second = make_comment(seed_article)
    response = editor_client.get(f"{seed_article.get_absolute_url()}comment-page-2/")
    page = soup(response)
    links = [link["href"] for link in page.select(".comment-admin-link")]
    assert links == [reverse("admin:comments_comment_change", args=[second.pk])]
    assert comment_ids(response) == [second.pk]  # page 1 holds the first
    assert page.select_one("#commentform").find(attrs={"name": "author"}) is None
    assert "Signed in as an editor" in page.select_one(".comment-notes").get_text()


# --- Creating an editor with a name ----------------------------------------------------


def test_an_editor_created_with_a_name_comments_under_it(client, seed_article, monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "a-long-Passphrase-for-editors-7")
    call_command(
        "create_editor", "alice", "alice@immunoblog.example", password_from_env="EDITOR_PASSWORD",
        first_name=" Alice ", last_name="Liddell", stdout=StringIO(),
    )  # fmt: skip
    alice = get_user_model().objects.get(username="alice")
    assert alice.check_password("a-long-Passphrase-for-editors-7")
    client.force_login(alice)
    post_comment(client, editor_data(seed_article))
    comment = Comment.objects.get()
    assert (comment.author_name, comment.is_by_editor) == ("Alice Liddell", True)


def test_an_editors_name_too_long_for_an_account_is_refused(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "a-long-Passphrase-for-editors-7")
    with pytest.raises(CommandError, match="at most 150 characters"):
        call_command(
            "create_editor", "alice", "alice@immunoblog.example",
            password_from_env="EDITOR_PASSWORD", first_name="A" * 151,
        )  # fmt: skip
    assert not get_user_model().objects.filter(username="alice").exists()
