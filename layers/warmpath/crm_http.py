"""HTTP to the CRMs' APIs (write-back), and nowhere else: the guard against server-side request forgery.

A write-back call carries the tenant's bearer token to an address an admin typed, so:

- **when configured** (``instance_url``): https only, no user or password, no port but 443, no path, query or
  fragment, and the host must be the provider's own -- Salesforce ``*.salesforce.com`` (``*.my.salesforce.com``,
  sandboxes ``*.sandbox.my.salesforce.com``, classic instances), HubSpot ``api.hubapi.com`` only. No IP
  literal, no other name, however it resolves, is ever accepted;
- **at call time** (``GuardedHttp``): the URL is checked against the allow-list again (a connection stored
  before the check existed is refused too), the host is resolved through the ``Resolver`` port, and the call
  is refused if *any* address is not public (private, loopback, link-local, shared, reserved, multicast,
  unspecified; IPv4 inside IPv6 -- mapped, 6to4, Teredo, NAT64 -- is judged by its IPv4). The connection is
  made to the address that was checked, with TLS verified for the host name, so a second DNS answer cannot
  swap it; ``http.client`` follows no redirects, and a 3xx is a failure like any other non-2xx;
- **failures** say what happened (status, refused host) and never carry the response body or the token.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

SALESFORCE_SUFFIX = ".salesforce.com"
HUBSPOT_API_HOST = "api.hubapi.com"
TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 64 * 1024
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class WritebackFailed(RuntimeError):
    """The CRM refused the activity, or the call was not made (the message says why; never a body or token)."""


def allowed_host(provider: str, host: str) -> bool:
    """The provider's own API host (see the module's list)."""
    if provider == "hubspot":
        return host == HUBSPOT_API_HOST
    if provider != "salesforce" or not host.endswith(SALESFORCE_SUFFIX) or len(host) > 253:
        return False
    labels = host.split(".")
    return len(labels) >= 3 and all(_LABEL.fullmatch(label) for label in labels)


def instance_url(provider: str, url: str) -> str:
    """The API address as ``https://<host>``; ValueError says what is wrong with it."""
    if not url.isascii() or not url.isprintable() or " " in url:
        raise ValueError("the instance URL must be a plain https address, https://<your domain>.my.salesforce.com")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "https":
        raise ValueError("the instance URL must start with https://")
    if "@" in parts.netloc:
        raise ValueError("the instance URL must not carry a user name or password")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port not in (None, 443):
        raise ValueError("the instance URL must use the standard https port (443)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or url.strip().endswith(("?", "#")):
        raise ValueError("the instance URL is the address of the org only, with no path or query")
    host = (parts.hostname or "").lower()
    if not allowed_host(provider, host):
        where = f"{HUBSPOT_API_HOST}" if provider == "hubspot" else "a Salesforce address (*.my.salesforce.com)"
        raise ValueError(f"the instance URL must be {where}")
    return f"https://{host}"


# -- at call time --------------------------------------------------------------------------------------

Resolver = Callable[[str], list[str]]


def system_resolver(host: str) -> list[str]:
    import socket

    try:
        found = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in found})


def public_address(address: str) -> bool:
    """A globally routable unicast address (IPv4 carried inside IPv6 judged as the IPv4 it carries)."""
    try:
        ip: Any = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return public_address(str(embedded))
    blocked = (ip.is_private, ip.is_loopback, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    return bool(ip.is_global) and not any(blocked)


class Connection(Protocol):
    def request(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> None: ...

    def getresponse(self) -> Any: ...

    def close(self) -> None: ...


def pinned_https(host: str, address: str, timeout: float) -> Connection:
    """An HTTPS connection to ``address`` that verifies the certificate of ``host``."""
    import http.client
    import socket
    import ssl

    class Pinned(http.client.HTTPSConnection):
        def connect(self) -> None:
            raw = socket.create_connection((address, 443), timeout)
            self.sock = ssl.create_default_context().wrap_socket(raw, server_hostname=host)

    return Pinned(host, 443, timeout=timeout)


class GuardedHttp:
    """The ``Http`` port of ``warmpath.crm_writeback``: POSTs only to the providers' hosts at public addresses."""

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        connect: Callable[[str, str, float], Connection] = pinned_https,
    ) -> None:
        self.resolver, self.connect = resolver, connect

    def post(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme != "https" or "@" in parts.netloc or port not in (None, 443):
            raise WritebackFailed("CRM APIs are called over https, on port 443, with no credentials in the URL")
        if not (allowed_host("salesforce", host) or allowed_host("hubspot", host)):
            raise WritebackFailed(f"{host or 'that address'} is not a CRM API host; nothing was sent")
        addresses = self.resolver(host)
        if not addresses:
            raise WritebackFailed(f"{host} did not resolve; nothing was sent")
        if not all(public_address(a) for a in addresses):
            raise WritebackFailed(f"{host} resolves to a private or reserved address; nothing was sent")
        import http.client

        connection = self.connect(host, addresses[0], TIMEOUT_SECONDS)
        try:
            connection.request("POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body, headers)
            response = connection.getresponse()
            return int(response.status), response.read(MAX_RESPONSE_BYTES)
        except (OSError, http.client.HTTPException) as error:
            raise WritebackFailed(f"the call to {host} failed ({type(error).__name__})") from None
        finally:
            connection.close()
