"""The editors' discussion rules, each alone, and as a commenter meets them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from comments.moderation import comments_open, decide, link_count, matching_word
from comments.sanitize import sanitize_comment
from tests.comments.helpers import post_comment, soup
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db


def new_comment(article, body="A fair point.", **values):
    comment = Comment(
        article=article,
        author_name=values.pop("author_name", "Pat"),
        author_email=values.pop("author_email", "pat@example.com"),
        body=body,
        **values,
    )
    comment.body_html = sanitize_comment(body)
    return comment


def rules(**values):
    return DiscussionSettings(**values)


def test_defaults_are_manual_approval_two_links_depth_five(db):
    current = DiscussionSettings.load()
    assert current.manual_approval is True
    assert current.hold_link_count == 2
    assert current.thread_depth == 5
    assert current.close_after_days is None


def test_manual_approval_holds_a_first_comment(seed_article):
    assert decide(new_comment(seed_article), rules()).status == Comment.Status.PENDING


def test_an_email_address_with_approved_comments_does_not_approve_a_new_one(seed_article):
    make_comment(seed_article, author_email="pat@example.com")
    assert decide(new_comment(seed_article), rules()).status == Comment.Status.PENDING


def test_without_manual_approval_a_comment_is_published(seed_article):
    decision = decide(new_comment(seed_article), rules(manual_approval=False))
    assert decision.status == Comment.Status.APPROVED


def test_links_are_counted_after_linkifying(seed_article):
    body = 'See https://a.example.com and <a href="https://b.example.org">this</a>.'
    assert link_count(sanitize_comment(body)) == 2


def test_comment_with_too_many_links_is_held(seed_article):
    body = "https://a.example.com https://b.example.com"
    decision = decide(new_comment(seed_article, body), rules(manual_approval=False))
    assert decision.status == Comment.Status.PENDING
    assert decision.reason == "2 links"


def test_link_rule_is_off_at_zero(seed_article):
    body = "https://a.example.com https://b.example.com https://c.example.com"
    decision = decide(
        new_comment(seed_article, body), rules(manual_approval=False, hold_link_count=0)
    )
    assert decision.status == Comment.Status.APPROVED


def test_moderation_word_holds_a_comment(seed_article):
    current = rules(manual_approval=False, moderation_words="miracle cure\ncasino")
    decision = decide(new_comment(seed_article, "A MIRACLE CURE for all!"), current)
    assert decision.status == Comment.Status.PENDING


def test_moderation_words_are_matched_in_name_email_website_ip_and_browser(seed_article):
    words = DiscussionSettings.word_list("badhost\n")
    for values in (
        {"author_name": "Badhost fan"},
        {"author_email": "me@badhost.example"},
        {"author_url": "https://badhost.example/"},
        {"user_agent": "BadHost-crawler/1.0"},
    ):
        assert matching_word(words, new_comment(seed_article, **values)) == "badhost"
    ip_words = DiscussionSettings.word_list("203.0.113.")
    assert matching_word(ip_words, new_comment(seed_article, ip_address="203.0.113.9"))


def test_disallowed_word_marks_a_comment_as_spam(seed_article):
    current = rules(manual_approval=False, disallowed_words="viagra")
    decision = decide(new_comment(seed_article, "Cheap Viagra here"), current)
    assert decision.status == Comment.Status.SPAM


def test_disallowed_words_win_over_a_known_author(seed_article):
    make_comment(seed_article, author_email="pat@example.com")
    decision = decide(new_comment(seed_article, "viagra"), rules(disallowed_words="viagra"))
    assert decision.status == Comment.Status.SPAM


def test_blank_lines_in_word_lists_match_nothing(seed_article):
    decision = decide(
        new_comment(seed_article), rules(manual_approval=False, moderation_words="\n \n")
    )
    assert decision.status == Comment.Status.APPROVED


def test_editor_is_never_held(seed_article):
    decision = decide(
        new_comment(seed_article, "viagra"), rules(disallowed_words="viagra"), by_editor=True
    )
    assert decision.status == Comment.Status.APPROVED


def test_comments_close_with_the_article_switch(seed_article):
    seed_article.allow_comments = False
    assert not comments_open(seed_article, rules())


def test_comments_close_at_the_articles_close_date(seed_article):
    seed_article.comments_close_at = timezone.now() - timedelta(minutes=1)
    assert not comments_open(seed_article, rules())
    seed_article.comments_close_at = timezone.now() + timedelta(minutes=1)
    assert comments_open(seed_article, rules())


def test_comments_close_after_the_configured_age(db):
    article = make_article(published_at=timezone.now() - timedelta(days=15))
    assert comments_open(article, rules())
    assert not comments_open(article, rules(close_after_days=14))
    assert comments_open(article, rules(close_after_days=16))


def test_closed_article_shows_no_form_but_a_closed_line(client, db):
    article = make_article(allow_comments=False)
    make_comment(article)
    page = soup(client.get(article.get_absolute_url()))
    assert page.find(id="commentform") is None
    assert page.find(class_="no-comments").get_text() == "Comments are closed."
    assert page.select("li.comment")
    assert not page.select("a.comment-reply-link")


def test_post_to_a_closed_article_is_refused(client, db):
    article = make_article(allow_comments=False)
    response = post_comment(client, comment_data(article, comment="Still here?"))
    assert response.status_code == 400
    assert "Comments are closed on this article." in response.content.decode()
    assert "Still here?" in response.content.decode()
    assert not Comment.objects.exists()


def test_post_to_an_article_past_the_age_limit_is_refused(client, discussion_rules, db):
    discussion_rules(close_after_days=30)
    article = make_article(published_at=timezone.now() - timedelta(days=31))
    assert post_comment(client, comment_data(article)).status_code == 400
    assert "Comments are closed." in client.get(article.get_absolute_url()).content.decode()


def test_moderation_words_from_the_settings_hold_a_posted_comment(
    client, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False, moderation_words="miracle")
    post_comment(client, comment_data(seed_article, comment="A miracle!"))
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_spam_is_never_shown_and_its_author_sees_it_waiting(client, seed_article, discussion_rules):
    discussion_rules(disallowed_words="casino")
    response = post_comment(client, comment_data(seed_article, comment="Best casino bonus"))
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert "awaiting moderation" in client.get(response["Location"]).content.decode()
    assert "casino" not in client.__class__().get(seed_article.get_absolute_url()).content.decode()


def test_changing_settings_reaches_every_process_through_the_shared_cache(
    db, django_capture_on_commit_callbacks
):
    DiscussionSettings.load()
    current = DiscussionSettings.objects.get()
    current.thread_depth = 3
    with django_capture_on_commit_callbacks(execute=True):
        current.save()
    assert DiscussionSettings.load().thread_depth == 3
