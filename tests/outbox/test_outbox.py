"""Every mail goes through the outbox: queued with a record, delivered by the worker, never lost."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.privacy import erase_commenter, export_commenter
from outbox.models import Mail
from outbox.sending import send
from outbox.tasks import retry_delay
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"


def queue(**kwargs):
    with transaction.atomic():
        return send(**{"kind": "test", "to": ADDRESS, "subject": "Hello", "text": "Body", **kwargs})


def test_nothing_is_sent_before_the_worker_runs(mail_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (mail,) = queue()
    assert mail_server.received == []
    assert Mail.objects.get().status == Mail.Status.WAITING


def test_the_worker_sends_text_html_and_headers_and_keeps_only_the_record(
    mail_server, run_tasks, django_capture_on_commit_callbacks
):
    headers = {"List-Unsubscribe": "<https://blog.example.org/u/1/>"}
    with django_capture_on_commit_callbacks(execute=True):
        queue(html="<p>Body</p>", headers=headers)
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == [ADDRESS]
    assert (received.subject, received.text().strip(), received.html().strip()) == (
        "Hello", "Body", "<p>Body</p>",
    )  # fmt: skip
    assert received.message["List-Unsubscribe"] == headers["List-Unsubscribe"]
    mail = Mail.objects.get()
    assert (mail.status, mail.attempts, mail.text, mail.html) == (Mail.Status.SENT, 1, "", "")
    assert mail.sent_at is not None


def test_one_message_per_address_and_none_twice(
    mail_server, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(to=[ADDRESS, "other@example.org", ADDRESS])
    run_tasks()
    received = mail_server.wait_for(2)
    assert sorted(item.recipients[0] for item in received) == ["other@example.org", ADDRESS]


def test_a_server_that_is_down_delays_the_mail_and_loses_none(
    mail_server, run_tasks, django_capture_on_commit_callbacks
):
    mail_server.down()
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    run_tasks()
    assert Mail.objects.get().status == Mail.Status.WAITING
    mail_server.up()
    run_tasks()  # the retry is not due yet
    assert mail_server.received == []
    with time_machine.travel(timezone.now() + timedelta(seconds=retry_delay(1) + 1)):
        run_tasks()
    assert len(mail_server.wait_for(1)) == 1
    assert Mail.objects.get().attempts == 2


def test_records_are_kept_for_the_retention_period_then_removed(
    settings, mail_server, run_tasks, django_capture_on_commit_callbacks
):
    settings.OUTBOX_RECORD_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    run_tasks()
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        call_command("housekeeping", stdout=StringIO())
        assert Mail.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        call_command("housekeeping", stdout=StringIO())
        assert Mail.objects.count() == 0


def test_waiting_mail_is_never_pruned(settings, mail_server):
    settings.OUTBOX_RECORD_DAYS = 1
    mail_server.down()
    queue()
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        call_command("housekeeping", stdout=StringIO())
    assert Mail.objects.filter(status=Mail.Status.WAITING).count() == 1


def test_export_lists_the_mail_sent_to_an_address_and_erase_forgets_it(seed_article):
    make_comment(seed_article, author_email=ADDRESS)
    queue(to=[ADDRESS, "other@example.org"])
    document = export_commenter(ADDRESS.upper())
    assert [(mail["kind"], mail["subject"]) for mail in document["mail"]] == [("test", "Hello")]
    erase_commenter(ADDRESS)
    assert list(Mail.objects.values_list("to", flat=True)) == ["other@example.org"]


def test_editors_read_the_record_and_cannot_change_it(db):
    editor = make_editor()
    assert not editor.is_superuser
    assert Group.objects.get(name="Editors").permissions.filter(codename="view_mail").exists()
    queue()
    client = Client()
    client.force_login(editor)
    listing = client.get(reverse("admin:outbox_mail_changelist"))
    assert listing.status_code == 200
    assert ADDRESS in listing.content.decode()
    mail = Mail.objects.get()
    change = reverse("admin:outbox_mail_change", args=[mail.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"subject": "Changed"}).status_code == 403
    assert client.get(reverse("admin:outbox_mail_add")).status_code == 403
    assert Mail.objects.get().subject == "Hello"
