"""The address a login attempt comes from, for throttling (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind a reverse proxy every request arrives from the proxy's address, so throttling on it would lock
a username out for everyone. The client's own address is then in ``X-Forwarded-For`` — but anyone can
send that header, so it is believed only when the connection itself comes from a proxy listed in
``TRUSTED_PROXIES``. The header is read from the right, skipping trusted proxies: the first other
address is the one the nearest trusted proxy saw connecting, which the client cannot forge (anything
further left is whatever the client wrote). This is anchored on ``REMOTE_ADDR`` rather than on the
header's contents, which is why it is a few lines here rather than django-ipware's trusted-prefix
match on the header.
"""

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:  # settings import this module: keep it free of request machinery at import time
    from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies_parse(raw: str) -> list[Network]:
    """Return the networks of a comma-separated list of addresses or CIDR ranges; ValueError names a bad one."""
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request: "HttpRequest") -> str:
    """Return the client's address: ``X-Forwarded-For`` only when the connection comes from a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    peer = _address(remote)
    if peer is None or not _is_trusted(peer):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # garbage written by the client: stop at the last address a proxy vouched for
        if not _is_trusted(address):
            return str(address)
        peer = address
    return str(peer)
