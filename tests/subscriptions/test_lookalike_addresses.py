"""A confirmed look-alike earns nothing from the commenter it imitates; one mailbox, one trust.

The attack: confirm victim@gmaıl.example (dotless ı: a domain the attacker
holds) through "Notify me", then post with that browser's key. PostgreSQL's
UPPER() found the victim's approved comment and published at once. Run under
SQLite and PostgreSQL (scripts/with-services): the same answers on both.
"""

import pytest
from django.test import Client

from comments.models import Comment
from subscriptions.models import Commenter
from tests.comments.helpers import post_comment
from tests.factories import comment_data, make_comment
from tests.subscriptions.helpers import ask_for_notices, confirm, link_path

pytestmark = pytest.mark.django_db

VICTIM = "victim@gmail.example"


def confirmed_key(article, email, mail_server, run_tasks, recipient):
    """Tick "Notify me" as `email`, confirm the link mailed to `recipient`: the browser's key."""
    client = Client()
    ask_for_notices(client, article, email)
    run_tasks()
    (mail,) = mail_server.to(recipient) or mail_server.wait_for(1)
    assert mail.recipients == [recipient]
    return confirm(client, link_path(mail.text(), "confirm"))


def status_of_post(article, email, key, text):
    data = comment_data(article, email=email, comment=text, commenter_key=key)
    assert post_comment(Client(), data, REMOTE_ADDR="198.51.100.66").status_code == 302
    return Comment.objects.get(body=text).status


@pytest.mark.parametrize(
    ("look_alike", "its_mailbox"),
    [
        ("victim@gmaıl.example", "victim@xn--gmal-nza.example"),
        ("Victim@GMAıL.example", "Victim@xn--gmal-nza.example"),
    ],
)
def test_a_confirmed_look_alike_domain_gets_no_approval_history(
    seed_article, look_alike, its_mailbox, mail_server, run_tasks
):
    make_comment(seed_article, author_name="Vic", author_email=VICTIM)
    key = confirmed_key(seed_article, look_alike, mail_server, run_tasks, recipient=its_mailbox)
    status = status_of_post(seed_article, look_alike, key, "Published at once, I hope.")
    assert status == Comment.Status.PENDING


def test_the_confirmation_goes_to_the_address_as_the_comment_stored_it(
    seed_article, mail_server, run_tasks
):
    confirmed_key(seed_article, "Hannah@Example.COM", mail_server, run_tasks,
                  recipient="Hannah@Example.COM")  # fmt: skip
    assert Commenter.objects.get().email == "Hannah@Example.COM"


@pytest.mark.parametrize(
    "spelling", ["RITA@example.com", "rita@ＥＸＡＭＰＬＥ.com"], ids=["mixed-case", "full-width"]
)
def test_a_key_confirmed_under_one_spelling_trusts_every_spelling_of_the_mailbox(
    seed_article, spelling, mail_server, run_tasks
):
    key = confirmed_key(seed_article, "rita@example.com", mail_server, run_tasks,
                        recipient="rita@example.com")  # fmt: skip
    Comment.objects.update(status=Comment.Status.APPROVED)
    assert status_of_post(seed_article, spelling, key, "Trusted again.") == "approved"


def test_a_second_spelling_of_a_mailbox_is_the_same_commenter(seed_article, mail_server, run_tasks):
    confirmed_key(seed_article, "rita@example.com", mail_server, run_tasks,
                  recipient="rita@example.com")  # fmt: skip
    ask_for_notices(Client(), seed_article, "Rita@ｅｘａｍｐｌｅ.com")
    run_tasks()
    assert Commenter.objects.get().email == "rita@example.com"
