"""Confirmations, keys and follows are personal: exported, erased, expired, kept out of tasks."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.privacy import erase_commenter, export_commenter
from subscriptions.models import Commenter, CommenterKey, Subscription, Verification
from subscriptions.services import verified_commenter
from tests.subscriptions.helpers import ask_for_notices, confirm, link_path

pytestmark = pytest.mark.django_db

EMAIL = "private.person@example.com"


@pytest.fixture
def confirmed(client, seed_article, mail_server, run_tasks):
    """The key of a commenter who ticked the box and confirmed the address."""
    ask_for_notices(client, seed_article, EMAIL)
    run_tasks()
    return confirm(client, link_path(mail_server.wait_for(1)[0].text(), "confirm"))


def test_the_export_lists_the_confirmation_keys_and_follows_but_no_key(confirmed):
    document = export_commenter(EMAIL.upper())
    notices = document["notifications"]
    assert notices["email"] == EMAIL
    assert notices["verified_at"] is not None
    assert [mail["confirmed_at"] is not None for mail in notices["confirmation_mails"]] == [True]
    assert len(notices["browser_keys"]) == 1
    assert notices["reply_notices_for_comments"] == [Comment.objects.get().pk]
    dumped = json.dumps(document)
    assert confirmed not in dumped
    assert CommenterKey.objects.get().digest not in dumped


def test_an_address_that_never_asked_exports_no_notifications(seed_article):
    assert export_commenter("nobody@example.com")["notifications"] is None


def test_erasing_removes_the_confirmation_keys_and_follows_and_ends_the_trust(confirmed):
    assert verified_commenter(EMAIL, confirmed) is not None
    erase_commenter(EMAIL)
    assert verified_commenter(EMAIL, confirmed) is None
    for model in (Commenter, Verification, CommenterKey, Subscription):
        assert not model.objects.exists(), model


def test_housekeeping_removes_expired_confirmations_and_addresses_never_confirmed(
    client, seed_article, confirmed, settings, run_tasks
):
    ask_for_notices(client, seed_article, "never.confirmed@example.com")
    run_tasks()
    assert Verification.objects.count() == 2
    later = timezone.now() + timedelta(seconds=settings.COMMENT_VERIFY_LINK_SECONDS + 60)
    with time_machine.travel(later):
        out = StringIO()
        call_command("housekeeping", stdout=out)
    assert "Removed 2 expired confirmation link(s)." in out.getvalue()
    assert list(Commenter.objects.values_list("email", flat=True)) == [EMAIL]
    assert CommenterKey.objects.count() == Subscription.objects.count() == 1


def test_tasks_carry_ids_never_addresses(client, seed_article, run_tasks):
    ask_for_notices(client, seed_article, EMAIL)
    queued = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert any("send_confirmation" in path for path, _ in queued)
    assert EMAIL not in json.dumps([args for _, args in queued])
