"""Migrations subscriptions 0003 and 0004: one commenter per mailbox, and none the rule refuses."""

from django.utils import timezone

from tests.migrating import migrate

BEFORE = [("subscriptions", "0002_editors_permissions"), ("comments", "0013_comment_thread")]
AFTER = [("subscriptions", "0004_commenter_email_key_unique")]


def test_two_spellings_of_one_mailbox_become_the_oldest_commenter_with_all_they_had(
    back_to_latest,
):
    apps = migrate(BEFORE)
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

    apps = migrate(AFTER)
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
    apps = migrate(BEFORE)
    Commenter = apps.get_model("subscriptions", "Commenter")
    look_alike = Commenter.objects.create(email="vıctim@gmail.example", verified_at=timezone.now())
    apps.get_model("subscriptions", "CommenterKey").objects.create(commenter=look_alike, digest="b")

    apps = migrate(AFTER)
    assert not apps.get_model("subscriptions", "Commenter").objects.exists()
    assert not apps.get_model("subscriptions", "CommenterKey").objects.exists()
