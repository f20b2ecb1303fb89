"""Showing Salesforce's endpoint URL once, right after the settings page connected it (post/redirect/get).

The POST that connects Salesforce redirects with the generated endpoint key in a short-lived cookie
(``wp_crm_endpoint``: HttpOnly, path ``/admin/settings``, five minutes), bound by an HMAC to the session and
tenant so no other browser or session can use it. The next GET of the settings page shows the endpoint URL if
the key is still the stored one, and expires the cookie: a reload, another browser or a later visit never
shows it again, and no GET changes stored state.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from warmpath import wiring

from intake import web

if TYPE_CHECKING:
    from aws_lambda_powertools.shared.cookies import Cookie
    from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

ENDPOINT_COOKIE = "wp_crm_endpoint"


def _mac(found: web.SignedIn, key: str) -> str:
    signing = wiring.signing_keys()
    message = f"crm-endpoint|{found.session_id}|{found.member.tenant}|{key}".encode()
    return hmac.new(signing.keys[signing.current], message, hashlib.sha256).hexdigest()


def endpoint_cookie(event: BaseProxyEvent, found: web.SignedIn, key: str, max_age: int) -> Cookie:
    """The cookie handing ``key`` to the next page (an empty key with max_age 0 expires it)."""
    cookie = web.make_cookie(event, ENDPOINT_COOKIE, f"{key}.{_mac(found, key)}" if key else "", max_age)
    cookie.path = "/admin/settings"
    return cookie


def shown_endpoint_key(event: BaseProxyEvent, found: web.SignedIn) -> str | None:
    """The endpoint key this browser was handed by the connect it just made, if any."""
    key, _, mac = web.cookies_of(event).get(ENDPOINT_COOKIE, "").rpartition(".")
    if not key or not hmac.compare_digest(_mac(found, key).encode(), mac.encode(errors="replace")):
        return None
    return key
