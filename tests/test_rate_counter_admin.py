"""Editors can see how hard clients are knocking, and change nothing."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from guard.models import RateCounter
from guard.ratelimit import counter_key, hit
from tests.factories import make_editor

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:guard_ratecounter_changelist")


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_editor())  # staff in the Editors group, not a superuser
    return client


@pytest.fixture
def counter(settings):
    settings.RATE_LIMIT_STORE = "database"
    now = time.time()
    for _ in range(3):
        hit("comment-post", "192.0.2.1", window_seconds=60, now=now)
    return RateCounter.objects.get(key=counter_key("comment-post", "192.0.2.1", int(now // 60)))


def test_editor_sees_the_counters_by_keyed_hash_never_by_address(editor_client, counter):
    response = editor_client.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert counter.key in page
    assert "192.0.2.1" not in page
    assert counter.hits == 3


def test_editor_cannot_change_or_delete_a_counter(editor_client, counter):
    change = editor_client.post(
        reverse("admin:guard_ratecounter_change", args=[counter.pk]), {"hits": 0}
    )
    assert change.status_code == 403
    delete = editor_client.post(
        reverse("admin:guard_ratecounter_delete", args=[counter.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert RateCounter.objects.get(pk=counter.pk).hits == 3
