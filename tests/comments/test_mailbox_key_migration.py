"""Migrations comments 0014 and outbox 0003: stored addresses get their mailbox keys."""

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
