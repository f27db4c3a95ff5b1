"""Migration 0009: comments that editors posted before the flag existed get their badge."""

from tests.migrating import migrate

BEFORE = [("comments", "0008_comment_edits_and_privacy_requests")]
AFTER = [("comments", "0009_comment_is_by_editor")]


def test_comments_linked_to_an_editor_get_the_badge_and_no_other(back_to_latest):
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    article = Article.objects.get(slug="unlocking-the-power-of-immunotherapy")

    def account(username, **flags):
        return User.objects.create(username=username, **flags)

    editor = account("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    authors = {
        "editor": editor,
        "superuser": account("root", is_staff=True, is_superuser=True),
        "reader-account": account("reader"),
        "staff-not-editor": account("staff", is_staff=True),
        "former-editor": account("former", is_staff=False),
        "stranger": None,
    }
    Group.objects.get(name="Editors").user_set.add(authors["former-editor"])
    for name, user in authors.items():
        Comment.objects.create(article=article, author_name=name, body=name, user=user)

    apps = migrate(AFTER)
    Comment = apps.get_model("comments", "Comment")
    flagged = set(Comment.objects.filter(is_by_editor=True).values_list("author_name", flat=True))
    assert flagged == {"editor", "superuser"}
