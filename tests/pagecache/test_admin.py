"""Editors find the purges the caches never confirmed in the admin, and can only read them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from pagecache.models import PurgeFailure

PASSWORD = "correct horse battery"


@pytest.fixture
def editor(db):
    """A staff account with no permission of its own: only what the Editors group grants."""
    user = get_user_model().objects.create_user(
        "eddie", "eddie@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def failure(db):
    now = timezone.now()
    return PurgeFailure.objects.create(
        url="http://varnish.internal:6081/",
        tags="article-12 comments-12",
        first_failed_at=now - timedelta(hours=24),
        attempts=151,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        gave_up_at=now,
    )


@pytest.fixture
def editor_client(client, editor):
    """Signed in through the admin's login form."""
    response = client.post(reverse("admin:login"), {"username": "eddie", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_editor_sees_the_purge_failures_listed(editor_client, failure):
    response = editor_client.get(reverse("admin:pagecache_purgefailure_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "article-12 comments-12" in page
    assert "http://varnish.internal:6081/" in page
    assert "Connection refused" in page


def test_editor_finds_purge_failures_on_the_admin_home(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert reverse("admin:pagecache_purgefailure_changelist") in response.content.decode()


def test_editor_reads_a_purge_failure_without_a_save_button(editor_client, failure):
    url = reverse("admin:pagecache_purgefailure_change", args=[failure.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    editor_client.post(url, {"tags": "articles", "attempts": "1"})
    failure.refresh_from_db()
    assert failure.tags == "article-12 comments-12"


@pytest.mark.parametrize("view", ["add", "delete"])
def test_nobody_adds_or_deletes_purge_failures(admin_client, failure, view):
    args = [] if view == "add" else [failure.pk]
    response = admin_client.get(reverse(f"admin:pagecache_purgefailure_{view}", args=args))
    assert response.status_code == 403


def test_the_editors_group_may_view_purge_failures_and_nothing_more(db):
    granted = Group.objects.get(name="Editors").permissions.filter(
        content_type__app_label="pagecache"
    )
    assert sorted(granted.values_list("codename", flat=True)) == ["view_purgefailure"]
