"""Who may read the metrics: the operator's network, reaching this server directly."""

import ipaddress

from django.conf import settings

# Headers a proxy adds: a request carrying one came through Varnish or nginx,
# which is not the operator's scraper, whatever address it arrives from.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP", "HTTP_VIA")


def may_read_metrics(request):
    """True for a request from METRICS_ALLOWED_NETWORKS that no proxy relayed."""
    if any(header in request.META for header in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)
