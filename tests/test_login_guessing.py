"""Guessing an editor's password from many addresses: capped per account, never a lock-out.

django-axes locks one (account, address) pair after five failures; the
account-wide cap (guard.lockout) stops guessing spread over many addresses,
and spares the browsers that have signed in to the account, or that set its
password through a reset link. Most failures are written as axes records
them (one row per address, its count of failures), some come through HTTP.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guard.lockout import ACCOUNT_FAILURE_LIMIT
from tests.factories import make_editor
from tests.test_security import PASSWORD, log_in_through_the_admin_form

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a much longer new passphrase"
EDITOR_ADDRESS = "192.0.2.10"


@pytest.fixture
def editor(db):
    return make_editor(email="ed@example.org")


def fail_from(address, username, times=4):
    """Wrong passwords through the admin's form from one address, below its lock."""
    browser = Client()
    for _ in range(times):
        response = log_in_through_the_admin_form(browser, username, "guess", REMOTE_ADDR=address)
        assert response.status_code == 200


def failures_from_other_addresses(username, total, per_address=4):
    """`total` failures spread over addresses, each below the per-address lock."""
    now = timezone.now()
    AccessAttempt.objects.bulk_create(
        AccessAttempt(
            username=username,
            ip_address=f"10.0.{n // 256}.{n % 256}",
            user_agent="guesser",
            http_accept="*/*",
            path_info=reverse("admin:login"),
            attempt_time=now,
            get_data="",
            post_data="",
            failures_since_start=per_address,
        )
        for n in range(total // per_address)
    )


def a_thousand_failures(username):
    fail_from("198.51.100.1", username)
    fail_from("198.51.100.2", username)
    failures_from_other_addresses(username, 1000 - 8)


def test_guessing_spread_over_many_addresses_is_capped_per_account(editor):
    for n in range(ACCOUNT_FAILURE_LIMIT // 4 - 1):
        fail_from(f"198.51.100.{n + 1}", editor.username)
    failures_from_other_addresses(editor.username, 4)
    response = log_in_through_the_admin_form(
        Client(), editor.username, PASSWORD, REMOTE_ADDR="203.0.113.50"
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_a_thousand_failures_elsewhere_do_not_stop_the_editor_on_a_browser_used_before(editor):
    browser = Client()
    signed_in = log_in_through_the_admin_form(
        browser, editor.username, PASSWORD, REMOTE_ADDR=EDITOR_ADDRESS
    )
    assert signed_in.status_code == 302
    browser.post(reverse("admin:logout"), REMOTE_ADDR=EDITOR_ADDRESS)
    a_thousand_failures(editor.username)

    response = log_in_through_the_admin_form(
        browser, editor.username, PASSWORD, REMOTE_ADDR=EDITOR_ADDRESS
    )
    assert response.status_code == 302
    assert browser.get(reverse("admin:index"), REMOTE_ADDR=EDITOR_ADDRESS).status_code == 200


def test_a_thousand_failures_elsewhere_do_not_stop_a_new_browser_after_a_password_reset(
    editor, mailoutbox, run_tasks, settings
):
    settings.SITE_URL = "https://blog.example.org"
    a_thousand_failures(editor.username)
    browser = Client()
    refused = log_in_through_the_admin_form(
        browser, editor.username, PASSWORD, REMOTE_ADDR=EDITOR_ADDRESS
    )
    assert refused.status_code == 429

    browser.post(reverse("admin_password_reset"), {"email": editor.email})
    run_tasks()
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+", mail.body).group(0)
    form_page = browser.get(link.removeprefix(settings.SITE_URL), follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    done = browser.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")

    response = log_in_through_the_admin_form(
        browser, editor.username, NEW_PASSWORD, REMOTE_ADDR=EDITOR_ADDRESS
    )
    assert response.status_code == 302
    assert browser.get(reverse("admin:index")).status_code == 200


def test_the_cap_holds_for_a_browser_trusted_for_another_account(editor):
    other = make_editor()
    browser = Client()
    assert log_in_through_the_admin_form(browser, other.username, PASSWORD).status_code == 302
    browser.post(reverse("admin:logout"))
    failures_from_other_addresses(editor.username, ACCOUNT_FAILURE_LIMIT)
    response = log_in_through_the_admin_form(browser, editor.username, PASSWORD)
    assert response.status_code == 429
