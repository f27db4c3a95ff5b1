"""/metrics through the test client: who may read it, and what it shows."""

import ipaddress

import pytest
from django.test import TestCase
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from comments.models import Comment
from outbox.sending import send
from tests.factories import make_comment

OPERATOR = {"REMOTE_ADDR": "127.0.0.1"}


def scrape(client, **meta):
    response = client.get(reverse("health:metrics"), **{**OPERATOR, **meta})
    assert response.status_code == 200
    return response.content.decode()


def sample(text, name, **labels):
    """The value of one sample of the page (0 when it is not there)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": "203.0.113.9"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=203.0.113.9"},
    ],
    ids=["another-network", "through-a-proxy", "forwarded"],
)
def test_metrics_are_refused_to_anyone_but_the_operators_network(client, db, meta):
    response = client.get(reverse("health:metrics"), **meta)

    assert response.status_code == 404
    assert b"immunoblog" not in response.content


def test_the_operators_network_is_a_setting(client, db, settings):
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.1.0.0/16")]

    assert client.get(reverse("health:metrics"), REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(reverse("health:metrics"), REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_are_never_cached(client, db):
    response = client.get(reverse("health:metrics"), **OPERATOR)

    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/plain; version=")


def test_requests_are_counted_by_route_name_never_by_path(client, seed_article):
    before = scrape(client)
    client.get(seed_article.get_absolute_url())
    client.get("/no-such-page/secret-token-123/")

    after = scrape(client)

    labels = {"route": "articles:detail", "method": "GET", "status": "200"}
    assert sample(after, "immunoblog_requests_total", **labels) == (
        sample(before, "immunoblog_requests_total", **labels) + 1
    )
    assert sample(after, "immunoblog_requests_total", route="unmatched", status="404") >= 1
    assert seed_article.slug not in after
    assert "secret-token-123" not in after


def test_page_cache_hits_are_counted(client, seed_article):
    url = seed_article.get_absolute_url()
    client.get(url)
    before = scrape(client)

    client.get(url)

    after = scrape(client)
    hits = "immunoblog_page_cache_requests_total"
    assert sample(after, hits, result="hit") == sample(before, hits, result="hit") + 1


def test_the_site_state_is_in_the_metrics(client, seed_article, recent_backup, live_worker):
    make_comment(seed_article, status=Comment.Status.PENDING)
    make_comment(seed_article, status=Comment.Status.PENDING)

    text = scrape(client)

    assert sample(text, "immunoblog_database_up") == 1
    assert sample(text, "immunoblog_shared_cache_up") == 1
    assert sample(text, "immunoblog_comments_held") == 2
    assert sample(text, "immunoblog_task_queue_depth") == 0
    assert 0 <= sample(text, "immunoblog_worker_heartbeat_age_seconds") < 5
    assert sample(text, "immunoblog_last_good_backup_timestamp_seconds") > 0


def test_mail_sent_and_failed_are_counted(client, db, run_tasks, settings, mailoutbox):
    before = scrape(client)
    with TestCase.captureOnCommitCallbacks(execute=True):
        send("test", "reader@example.org", "Hello", "Text")
    run_tasks()
    settings.EMAIL_BACKEND = "tests.health.failing_mail.Backend"
    with TestCase.captureOnCommitCallbacks(execute=True):
        send("test", "reader@example.org", "Hello again", "Text")
    run_tasks()

    after = scrape(client)
    for name in ("immunoblog_mail_sent_total", "immunoblog_mail_failed_total"):
        assert sample(after, name) == sample(before, name) + 1
