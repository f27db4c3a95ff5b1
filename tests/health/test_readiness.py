"""/healthz and /readyz through the test client: what a load balancer and an operator read."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backups.status import record_good_backup
from health.heartbeat import beat
from health.models import WorkerHeartbeat
from outbox.models import Mail
from outbox.tasks import deliver
from pagecache.models import PurgeFailure


def readyz(client, **headers):
    return client.get(reverse("health:readyz"), **headers)


def test_healthz_answers_without_asking_the_database(client):
    # No database access is allowed in this test: a query would fail it.
    response = client.get(reverse("health:healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.usefixtures("healthy")
def test_readyz_is_a_plain_ready_when_all_is_well(client):
    response = readyz(client)

    assert response.status_code == 200
    assert response.content.decode() == "ready\n"


@pytest.mark.usefixtures("healthy")
def test_the_probes_are_never_cached_and_carry_no_cache_tags(client):
    for name in ("health:healthz", "health:readyz"):
        response = client.get(reverse(name))
        assert response["Cache-Control"] == "no-store"
        assert "Surrogate-Key" not in response
        assert "Cache-Tag" not in response
        assert "xkey" not in response


@pytest.mark.usefixtures("healthy")
def test_readyz_reads_the_site_afresh_on_every_request(client):
    assert readyz(client).content.decode() == "ready\n"
    Mail.objects.create(kind="test", to="a@example.org", subject="s", status=Mail.Status.GAVE_UP)

    assert (
        "degraded: mail: 1 of the last day's messages given up" in readyz(client).content.decode()
    )


@pytest.mark.usefixtures("healthy")
def test_readyz_costs_five_queries(client, django_assert_num_queries):
    with django_assert_num_queries(5):
        readyz(client)


@pytest.mark.usefixtures("healthy")
def test_the_probes_answer_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["blog.example.org"]

    response = readyz(client, HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert response.content.decode() == "ready\n"


@pytest.mark.usefixtures("recent_backup")
def test_a_worker_that_never_beat_is_named_as_degraded(client, db):
    response = readyz(client)

    assert response.status_code == 200
    assert "degraded: task worker: no heartbeat ever" in response.content.decode()


@pytest.mark.usefixtures("healthy")
def test_a_stopped_worker_shows_within_two_beats_though_the_queue_is_empty(client, settings):
    settings.TASK_WORKER_HEARTBEAT_SECONDS = 30
    with time_machine.travel(timezone.now() + timedelta(seconds=29)):
        assert readyz(client).content.decode() == "ready\n"
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = readyz(client)

    assert response.status_code == 200
    assert "degraded: task worker: silent for 61 s" in response.content.decode()


@pytest.mark.usefixtures("healthy")
def test_a_task_waiting_too_long_is_named_with_the_queue(client, settings):
    settings.HEALTH_QUEUE_AGE_SECONDS = 300
    deliver.enqueue(1)
    assert readyz(client).content.decode() == "ready\n"
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))

    response = readyz(client)

    assert response.status_code == 200
    assert "degraded: task queue: 1 waiting, the oldest for 600 s" in response.content.decode()


@pytest.mark.usefixtures("healthy")
def test_a_task_due_later_is_not_waiting(client, settings):
    settings.HEALTH_QUEUE_AGE_SECONDS = 300
    deliver.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=2))

    assert readyz(client).content.decode() == "ready\n"


@pytest.mark.usefixtures("healthy")
def test_purges_given_up_are_named(client):
    now = timezone.now()
    PurgeFailure.objects.create(
        url="http://127.0.0.1:6081/", tags="article-1", first_failed_at=now, attempts=9,
        last_error="refused", gave_up_at=now,
    )  # fmt: skip

    response = readyz(client)

    assert response.status_code == 200
    assert "degraded: cache purges: 1 given up in the last day" in response.content.decode()
    assert "refused" not in response.content.decode()


@pytest.mark.usefixtures("live_worker")
def test_an_old_backup_is_named(client, settings):
    settings.BACKUP_DIR.mkdir(parents=True)
    record_good_backup(timezone.now() - timedelta(hours=27))

    response = readyz(client)

    assert response.status_code == 200
    assert "degraded: backups: the last good one is 27 hours old" in response.content.decode()


@pytest.mark.usefixtures("live_worker")
def test_no_backup_yet_is_named_in_production(client, settings):
    settings.DEBUG = False

    assert "degraded: backups: none made yet" in readyz(client).content.decode()


def test_editors_see_the_task_workers_in_the_admin(editor_client, live_worker):
    response = editor_client.get(reverse("admin:health_workerheartbeat_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert f'<td class="field-pid">{os.getpid()}</td>' in response.content.decode()


def test_a_worker_silent_for_a_day_is_forgotten_at_the_next_beat(db):
    long_ago = timezone.now() - timedelta(days=2)
    beat("gone", long_ago, now=long_ago)

    beat("here", timezone.now())

    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]
