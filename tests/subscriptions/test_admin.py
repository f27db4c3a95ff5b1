"""Editors see who confirmed an address and what they follow; addresses and keys are read-only."""

import pytest
from django.test import Client
from django.urls import reverse

from subscriptions.models import Commenter, CommenterKey, Notice, Subscription, Verification
from tests.factories import make_comment, make_editor
from tests.subscriptions.helpers import make_verified

pytestmark = pytest.mark.django_db

EMAIL = "listed@example.com"
MODELS = [Commenter, Verification, CommenterKey, Subscription, Notice]


@pytest.fixture
def editor_client():
    editor = make_editor()
    assert not editor.is_superuser
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def commenter(seed_article):
    comment = make_comment(seed_article, author_email=EMAIL)
    commenter, _ = make_verified(EMAIL, comment=comment)
    Verification.objects.create(commenter=commenter, comment=comment)
    Notice.objects.create(commenter=commenter, comment=comment, kind=Notice.Kind.APPROVED)
    return commenter


def admin_url(model, view, *args):
    return reverse(f"admin:subscriptions_{model._meta.model_name}_{view}", args=args)


def test_an_editor_sees_every_list_and_can_add_or_change_nothing(editor_client, commenter):
    for model in MODELS:
        assert editor_client.get(admin_url(model, "changelist")).status_code == 200, model
        row = model.objects.get()
        assert editor_client.get(admin_url(model, "change", row.pk)).status_code == 200, model
        assert editor_client.get(admin_url(model, "add")).status_code == 403, model
    listing = editor_client.get(admin_url(Commenter, "changelist")).content.decode()
    assert EMAIL in listing
    changed = editor_client.post(admin_url(Commenter, "change", commenter.pk), {"email": "x@y.z"})
    assert changed.status_code == 403
    assert Commenter.objects.get().email == EMAIL


def test_the_key_page_shows_no_digest(editor_client, commenter):
    key = CommenterKey.objects.get()
    page = editor_client.get(admin_url(CommenterKey, "change", key.pk)).content.decode()
    assert key.digest not in page


def test_an_editor_can_end_a_follow_on_request_and_delete_nothing_else(editor_client, commenter):
    subscription = Subscription.objects.get()
    deleted = editor_client.post(
        admin_url(Subscription, "delete", subscription.pk), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not Subscription.objects.exists()
    refused = editor_client.post(admin_url(Commenter, "delete", commenter.pk), {"post": "yes"})
    assert refused.status_code == 403
    assert Commenter.objects.exists()
