"""One rule for the client's address, with limits that a forwarded header cannot switch off.

The attack: with DJANGO_USE_X_FORWARDED_FOR=1, an X-Forwarded-For whose last
entry was not an address gave no client address at all, so the rate limit
let everything through, the flood check looked only at the email and no IP
was stored. IPv6 clients could rotate addresses inside their /64.
"""

import subprocess

import pytest
from django.test import RequestFactory

from comments.models import Comment
from guard.clientaddr import client_address, client_limit_address, limit_address
from tests.comments.helpers import post_comment
from tests.factories import comment_data
from tests.servers import PYTHON, ROOT, clean_env

PROXY = "10.0.0.1"

# (hops, X-Forwarded-For or None, the client's address)
CASES = [
    (0, None, PROXY),
    (0, "192.0.2.1", PROXY),  # no trusted proxy: the header is anyone's
    (1, "192.0.2.1", "192.0.2.1"),
    (1, "198.51.100.9, 192.0.2.1", "192.0.2.1"),  # the left entry was the client's own claim
    (1, "192.0.2.1:5555", "192.0.2.1"),
    (1, "[2001:db8::1]:443", "2001:db8::1"),
    (1, "::ffff:192.0.2.1", "192.0.2.1"),
    (1, " 2001:DB8::1 ", "2001:db8::1"),
    (2, "192.0.2.1, 10.0.0.2", "192.0.2.1"),
    (2, "203.0.113.5, 192.0.2.1, 10.0.0.2", "192.0.2.1"),
    # Malformed, missing or too short: REMOTE_ADDR, never no address.
    (1, "", PROXY),
    (1, "unknown", PROXY),
    (1, "192.0.2.1, not-an-address", PROXY),
    (1, "192.0.2.1,", PROXY),
    (1, "\x00", PROXY),
    (1, "999.1.1.1", PROXY),
    (1, "1" * 5000, PROXY),
    (2, "192.0.2.1", PROXY),
]


@pytest.mark.parametrize(("hops", "forwarded", "expected"), CASES)
def test_client_address_trusts_exactly_the_configured_hops(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **meta)) == expected


def test_unreadable_remote_addr_is_still_an_address(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    request = RequestFactory().get("/", REMOTE_ADDR="")
    assert client_address(request) == "0.0.0.0"


def test_limits_count_an_ipv6_client_by_its_64_and_an_ipv4_client_alone():
    assert limit_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::"
    assert limit_address("2001:db8:1:3::1") == "2001:db8:1:3::"
    assert limit_address("192.0.2.77") == "192.0.2.77"
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::99")
    assert client_limit_address(request) == "2001:db8:1:2::"


@pytest.mark.parametrize(
    ("variables", "hops"),
    [
        ({}, 0),
        ({"DJANGO_USE_X_FORWARDED_FOR": "1"}, 1),
        ({"DJANGO_TRUSTED_PROXY_HOPS": "2"}, 2),
        ({"DJANGO_USE_X_FORWARDED_FOR": "1", "DJANGO_TRUSTED_PROXY_HOPS": "0"}, 0),
    ],
)
def test_use_x_forwarded_for_means_one_trusted_hop(variables, hops):
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.TRUSTED_PROXY_HOPS)"
    result = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=clean_env(**variables),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.stdout.strip() == str(hops), result.stderr


# --- The attack, over HTTP to the real database -----------------------------------


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_HOPS = 1


@pytest.mark.usefixtures("one_rate_window")
def test_junk_forwarded_header_does_not_lift_the_rate_limit(
    client, seed_article, settings, behind_one_proxy
):
    settings.COMMENT_RATE_PER_MINUTE = 2
    statuses = [
        post_comment(
            client, comment_data(seed_article), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=junk
        ).status_code
        for junk in ("unknown", "x", "192.0.2.1, garbage", "")
    ]
    assert statuses == [302, 302, 429, 429]


def test_junk_forwarded_header_still_stores_an_address_and_meets_the_flood_check(
    client, seed_article, settings, behind_one_proxy
):
    settings.COMMENT_FLOOD_SECONDS = 15
    first = comment_data(seed_article, email="one@example.org")
    assert (
        post_comment(client, first, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="junk").status_code
        == 302
    )
    assert Comment.objects.get().ip_address == PROXY
    second = comment_data(seed_article, email="two@example.org")
    response = post_comment(client, second, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="more junk")
    assert response.status_code == 429


@pytest.mark.usefixtures("one_rate_window")
def test_forwarded_address_is_what_is_stored_and_limited(
    client, seed_article, settings, behind_one_proxy
):
    settings.COMMENT_RATE_PER_MINUTE = 1
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.50, 192.0.2.10"}
    assert post_comment(client, comment_data(seed_article), **headers).status_code == 302
    assert Comment.objects.get().ip_address == "192.0.2.10"
    # Changing the part the client writes itself changes nothing.
    headers["HTTP_X_FORWARDED_FOR"] = "203.0.113.51, 192.0.2.10"
    assert post_comment(client, comment_data(seed_article), **headers).status_code == 429
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.11"}
    assert post_comment(client, comment_data(seed_article), **other).status_code == 302


@pytest.mark.usefixtures("one_rate_window")
def test_rotating_ipv6_addresses_inside_a_64_meets_the_rate_limit(client, seed_article, settings):
    settings.COMMENT_RATE_PER_MINUTE = 3
    statuses = [
        post_comment(
            client, comment_data(seed_article), REMOTE_ADDR=f"2001:db8:5:6::{n:x}"
        ).status_code
        for n in range(1, 6)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    neighbour = post_comment(client, comment_data(seed_article), REMOTE_ADDR="2001:db8:5:7::1")
    assert neighbour.status_code == 302
