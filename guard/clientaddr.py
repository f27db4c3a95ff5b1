"""Who is asking: the one rule for the client's address, used by every limit.

The comments, the rate limit, the flood check and django-axes
(AXES_CLIENT_IP_CALLABLE) all call `client_address`, so an address that one
of them trusts is the address all of them use.

Behind TRUSTED_PROXY_HOPS reverse proxies, each proxy appends the address it
received the connection from to X-Forwarded-For; the client is the entry the
outermost trusted proxy appended, that many places from the end. Anything
further left was written by the client and is not believed. A header that is
missing, too short or not an address falls back to REMOTE_ADDR: a client that
sends garbage is then counted as the proxy, never as nobody.
"""

import ipaddress

from django.conf import settings

# What to count a request as when even REMOTE_ADDR is unreadable (a Unix socket).
UNKNOWN_ADDRESS = "0.0.0.0"
# IPv6 clients usually get a whole /64; limits count the network, not the address.
IPV6_LIMIT_PREFIX = 64


def parse_address(value):
    """An IP address from a header entry ("203.0.113.7", "[2001:db8::1]:443"), or None.

    IPv4-mapped IPv6 addresses are given as the IPv4 address they carry.
    """
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]  # IPv4 with a port
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def trusted_hops():
    return max(0, getattr(settings, "TRUSTED_PROXY_HOPS", 0))


def client_ip(request):
    """The client's address as an ipaddress object, by the rule in this module's docstring."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    hops = trusted_hops()
    if hops:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= hops:
            forwarded = parse_address(entries[-hops])
            if forwarded is not None:
                return forwarded
    return remote if remote is not None else ipaddress.ip_address(UNKNOWN_ADDRESS)


def client_address(request):
    """The client's address as a string: what comments store."""
    return str(client_ip(request))


def limit_address(address):
    """The address limits count: the IPv4 address itself, or the first address of the /64.

    A string, so that it can be stored where an IP address goes (axes'
    records): "2001:db8:1:2::" stands for every address in 2001:db8:1:2::/64.
    """
    if isinstance(address, str):
        address = parse_address(address)
        if address is None:
            return UNKNOWN_ADDRESS
    if address.version == 6:
        network = ipaddress.ip_network(f"{address}/{IPV6_LIMIT_PREFIX}", strict=False)
        return str(network.network_address)
    return str(address)


def client_limit_address(request):
    """The client's address as limits count it; django-axes locks (username, this) pairs."""
    return limit_address(client_ip(request))


def client_description(username, ip_address, user_agent, path_info, request):
    """How django-axes names a client in its log lines: by nothing personal.

    The admin's access logs keep the details, for as long as the retention
    period allows.
    """
    return f"a client on {path_info}"
