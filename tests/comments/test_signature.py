"""An editor's signature: the Person their account writes as, else the account's full name.

The admin's user page says which, so nobody is surprised when a Person is linked.
"""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import post_comment, soup
from tests.factories import make_editor, make_person

pytestmark = pytest.mark.django_db


def signed_as(admin_client, user):
    page = soup(admin_client.get(reverse("admin:auth_user_change", args=[user.pk])))
    label = page.find("label", string=lambda text: text and "Comments are signed as" in text)
    assert label, "no 'Comments are signed as' on the user page"
    return label.find_parent(class_="form-row").find(class_="readonly").get_text(" ", strip=True)


def test_the_user_page_says_comments_are_signed_with_the_full_name(admin_client):
    editor = make_editor(first_name="Ada", last_name="Lovelace")
    assert signed_as(admin_client, editor).startswith("“Ada Lovelace”")


def test_the_user_page_says_comments_are_signed_with_the_linked_persons_name(admin_client):
    editor = make_editor(first_name="Ada", last_name="Lovelace")
    make_person("Dr. Ada King", user=editor)
    assert signed_as(admin_client, editor).startswith("“Dr. Ada King”")


def test_an_editors_comment_is_signed_as_the_user_page_says(client, seed_article, admin_client):
    editor = make_editor(first_name="Ada", last_name="Lovelace")
    make_person("Dr. Ada King", user=editor)
    client.force_login(editor)
    post_comment(client, {"comment": "Noted.", "article": seed_article.pk, "parent": ""})
    assert Comment.objects.get().author_name == "Dr. Ada King"
    assert signed_as(admin_client, editor).startswith("“Dr. Ada King”")
