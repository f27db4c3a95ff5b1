"""The page that confirms an address claims only what happened in this browser."""

import pytest
from django.test import Client
from django.urls import reverse

from subscriptions.models import Commenter, Verification
from subscriptions.signing import confirm_token
from tests.comments.helpers import soup
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

REMEMBERED = "This browser now remembers you"


def confirmed_page(article):
    comment = make_comment(article, author_email="flora@example.com")
    commenter = Commenter.objects.create(email="flora@example.com")
    verification = Verification.objects.create(commenter=commenter, comment=comment)
    path = reverse("subscriptions:confirm", args=[confirm_token(verification)])
    response = Client().post(path)
    assert response.status_code == 200
    return soup(response)


def test_without_javascript_the_page_does_not_say_the_browser_remembers_you(seed_article):
    page = confirmed_page(seed_article)
    remembered = [p for p in page.find_all("p") if REMEMBERED in p.get_text()]
    assert remembered
    assert all(p.has_attr("hidden") for p in remembered)
    shown = page.find(id="key-not-kept")
    assert not shown.has_attr("hidden")
    assert "takes JavaScript" in shown.get_text()


def test_the_script_that_stores_the_key_is_what_reveals_remembered(seed_article):
    page = confirmed_page(seed_article)
    assert page.find(id="key-kept")
    assert page.find("script", src=lambda src: src and "comments" in src)
