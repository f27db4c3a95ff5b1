"""Migrations comments 0014, outbox 0003 and subscriptions 0003–0004: stored addresses get
their mailbox keys, and one commenter is left per mailbox."""

from django.utils import timezone

from tests.migrating import migrate

BEFORE = [("comments", "0013_comment_thread"), ("outbox", "0002_editors_view_mail")]
AFTER = [("comments", "0014_mailbox_keys"), ("outbox", "0003_mail_to_key")]


def test_stored_addresses_are_keyed_and_refused_ones_kept_without_a_key(back_to_latest):
    apps = migrate(BEFORE)
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    article = Article.objects.get(slug="unlocking-the-power-of-immunotherapy")
    for email in ("Dana@ＥＸＡＭＰＬＥ.com", "dana@example.com", "vıctim@gmail.example", ""):
        Comment.objects.create(article=article, author_name="Reader", author_email=email, body=".")
    apps.get_model("comments", "PrivacyRequest").objects.create(kind="export", email="DANA@x.org")
    Mail = apps.get_model("outbox", "Mail")
    Mail.objects.create(kind="confirm", to="Dana@Example.COM", subject=".")

    apps = migrate(AFTER)
    Comment = apps.get_model("comments", "Comment")
    keys = list(Comment.objects.order_by("pk").values_list("author_email", "author_email_key"))
    assert keys == [
        ("Dana@ＥＸＡＭＰＬＥ.com", "dana@example.com"),
        ("dana@example.com", "dana@example.com"),
        ("vıctim@gmail.example", ""),
        ("", ""),
    ]
    assert apps.get_model("comments", "PrivacyRequest").objects.get().email_key == "dana@x.org"
    assert apps.get_model("outbox", "Mail").objects.get().to_key == "dana@example.com"


# --- subscriptions 0003 and 0004: one commenter per mailbox, and none the rule refuses ---

COMMENTERS_BEFORE = [
    ("subscriptions", "0002_editors_permissions"),
    ("comments", "0013_comment_thread"),
]
COMMENTERS_AFTER = [("subscriptions", "0004_commenter_email_key_unique")]


def test_two_spellings_of_one_mailbox_become_the_oldest_commenter_with_all_they_had(
    back_to_latest,
):
    apps = migrate(COMMENTERS_BEFORE)
    Commenter = apps.get_model("subscriptions", "Commenter")
    Article = apps.get_model("articles", "Article")
    article = Article.objects.get(slug="unlocking-the-power-of-immunotherapy")
    comment = apps.get_model("comments", "Comment").objects.create(
        article=article, author_name="Rita", author_email="rita@ｅｘａｍｐｌｅ.com", body="."
    )
    oldest = Commenter.objects.create(email="rita@example.com")
    second = Commenter.objects.create(email="rita@ｅｘａｍｐｌｅ.com", verified_at=timezone.now())
    apps.get_model("subscriptions", "CommenterKey").objects.create(commenter=second, digest="a")
    for kind in ("Subscription", "Verification"):
        apps.get_model("subscriptions", kind).objects.create(commenter=second, comment=comment)
    Commenter.objects.create(email="other@example.org")

    apps = migrate(COMMENTERS_AFTER)
    Commenter = apps.get_model("subscriptions", "Commenter")
    rows = list(Commenter.objects.order_by("pk").values_list("pk", "email", "email_key"))
    assert rows[0] == (oldest.pk, "rita@example.com", "rita@example.com")
    assert [row[2] for row in rows] == ["rita@example.com", "other@example.org"]
    rita = Commenter.objects.get(pk=oldest.pk)
    assert rita.verified_at == second.verified_at
    assert list(rita.keys.values_list("digest", flat=True)) == ["a"]
    assert list(rita.subscriptions.values_list("comment_id", flat=True)) == [comment.pk]
    assert rita.verifications.count() == 1


def test_a_commenter_whose_address_the_rule_refuses_is_removed_with_its_keys(back_to_latest):
    apps = migrate(COMMENTERS_BEFORE)
    Commenter = apps.get_model("subscriptions", "Commenter")
    look_alike = Commenter.objects.create(email="vıctim@gmail.example", verified_at=timezone.now())
    apps.get_model("subscriptions", "CommenterKey").objects.create(commenter=look_alike, digest="b")

    apps = migrate(COMMENTERS_AFTER)
    assert not apps.get_model("subscriptions", "Commenter").objects.exists()
    assert not apps.get_model("subscriptions", "CommenterKey").objects.exists()
