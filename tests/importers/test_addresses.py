"""Imports compare addresses by the one rule: an author's account, a comment's address."""

import pytest

from articles.models import Person
from comments.models import Comment
from tests.factories import make_user

from .helpers import WORDPRESS_EXPORT, import_wordpress, imported_article, imported_comment

pytestmark = pytest.mark.django_db

ACCOUNT = "existing-writer@example.org"


def export_with(tmp_path, old, new):
    """The test export with one address replaced."""
    text = WORDPRESS_EXPORT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "export.xml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "spelling", ["Existing-Writer@EXAMPLE.org", "existing-writer@ｅｘａｍｐｌｅ.org"],
    ids=["mixed-case", "full-width-domain"],
)  # fmt: skip
def test_an_author_is_credited_to_the_account_of_the_same_mailbox(tmp_path, spelling):
    account = make_user(username="writer", email=ACCOUNT)
    import_wordpress(export_with(tmp_path, ACCOUNT, spelling))
    assert imported_article(102).author.user == account


@pytest.mark.parametrize(
    "look_alike", ["existing-wrıter@example.org", "exiſting-writer@example.org"],
    ids=["dotless-i", "long-s"],
)  # fmt: skip
def test_an_author_with_a_look_alike_address_gets_no_account(tmp_path, look_alike):
    account = make_user(username="writer", email=ACCOUNT)
    import_wordpress(export_with(tmp_path, ACCOUNT, look_alike))
    author = imported_article(102).author
    assert (author.user, author.name) == (None, "Existing Writer")
    assert not Person.objects.filter(user=account).exists()


def test_an_imported_comment_is_found_by_any_spelling_of_its_mailbox(tmp_path):
    import_wordpress(export_with(tmp_path, "ada@readers.example", "Ada@ＲＥＡＤＥＲＳ.example"))
    comment = imported_comment(201)
    assert comment.author_email == "Ada@ＲＥＡＤＥＲＳ.example"
    assert list(Comment.objects.by_email("ada@readers.example")) == [comment]


def test_an_imported_address_the_rule_refuses_is_not_kept(tmp_path):
    import_wordpress(export_with(tmp_path, "ada@readers.example", "adı@readers.example"))
    comment = imported_comment(201)
    assert (comment.author_email, comment.author_email_key) == ("", "")
    assert comment.author_name == "Ada & Co"
