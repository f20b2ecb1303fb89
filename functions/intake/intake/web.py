"""What every page and form shares: rendering, cookies, sessions, CSRF and form parsing.

Cookies: ``wp_session`` (the signed-in session, HttpOnly, SameSite=Lax, Secure unless the host is
localhost/127.0.0.1) and ``wp_anon`` (a random id for visitors not signed in, so forms they see can
carry a CSRF token too).

CSRF: every state-changing form carries ``csrf_token`` = HMAC(signing key, "csrf|" + the cookie it is
bound to). JSON endpoints are not forms: they accept only ``Content-Type: application/json``, which a
cross-site page cannot send without a CORS preflight that we never grant.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from warmpath import wiring
from warmpath.core.errors import Forbidden, InvalidInput, WarmpathError

from intake.service import SESSION_TTL, SIGN_IN_ROLES

if TYPE_CHECKING:
    import jinja2
    from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
    from warmpath.models import Member

HTML = "text/html; charset=utf-8"
SESSION_COOKIE = "wp_session"
ANON_COOKIE = "wp_anon"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
TEMPLATES = Path(__file__).parent / "templates"


class SignInRequired(WarmpathError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__("Please sign in first.")


class CsrfFailed(WarmpathError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__("This form has expired or came from another site. Reload the page and try again.")


MAX_JSON_DEPTH = 32  # no body we read nests more than three levels; a deeper one is an attack on the parser
JSON_METHODS = ("POST", "PUT", "PATCH")


def body_refusal(event: dict[str, Any]) -> tuple[int, str] | None:
    """Why a request's body cannot be read, decided before any route sees it (None when it can be):

    - 415 for a JSON API call (``/api/*`` with a body-carrying method) that is not ``application/json``:
      a cross-site form cannot send that type without a preflight we never grant, so it is the CSRF
      defence of the JSON API;
    - 400 for a JSON body that is not JSON, not UTF-8, or nested deeper than ``MAX_JSON_DEPTH`` (a deeply
      nested array would otherwise exhaust the parser's recursion and crash the function).
    """
    import json

    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

    proxy = APIGatewayProxyEvent(event)
    method = (proxy.http_method or "").upper()
    content_type = (proxy.headers.get("content-type") or "").split(";")[0].strip().lower()
    is_json = content_type == "application/json" or content_type.endswith("+json")
    if (proxy.path or "").startswith("/api/") and method in JSON_METHODS and not is_json:
        return 415, "Send the body as JSON, with the header Content-Type: application/json."
    if not is_json or not proxy.body:
        return None
    try:
        value = json.loads(proxy.decoded_body or "")
    except RecursionError:
        return 400, f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return 400, "The body is not valid JSON: send one JSON object, encoded as UTF-8."
    if _json_depth(value) > MAX_JSON_DEPTH:
        return 400, f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
    return None


def _json_depth(value: Any) -> int:
    """How deeply ``value`` nests (walked without recursion, stopping once past the limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_JSON_DEPTH:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


@lru_cache(maxsize=1)
def _pages() -> jinja2.Environment:
    import jinja2  # only pages need it; the JSON API never pays for it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, *, status: int = 200, cookies: list[Cookie] | None = None, **context: Any) -> Response[str]:
    context.setdefault("user", None)
    context.setdefault("csrf_token", "")
    body = _pages().get_template(template).render(**context)
    return Response(status_code=status, content_type=HTML, body=body, cookies=cookies or [])


def confirm_page(
    event: BaseProxyEvent,
    *,
    title: str,
    lines: list[str],
    action: str,
    button: str,
    fields: dict[str, str] | None = None,
    text_field: tuple[str, str, str] | None = None,
    status: int = 200,
    error: str = "",
) -> Response[str]:
    """The one-button page every emailed link opens: the GET shows it, only its POST acts.

    ``text_field`` (name, label, value) adds one editable text box, for example the introduction's words.
    """
    binding, cookies = page_binding(event)
    return render(
        "confirm.html",
        cookies=cookies,
        csrf_token=csrf_token(binding),
        title=title,
        lines=lines,
        action=action,
        fields=fields or {},
        text_field=text_field,
        button=button,
        status=status,
        error=error,
    )


def redirect(location: str, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(status_code=303, headers={"Location": location}, body="", cookies=cookies or [])


class Form(dict[str, str]):
    """A submitted form: the first value of each field, and ``all(name)`` for fields sent several times."""

    def __init__(self, values: dict[str, list[str]]) -> None:
        super().__init__({k: v[0] for k, v in values.items()})
        self._values = values

    def all(self, name: str) -> list[str]:
        return list(self._values.get(name, []))


def read_form(event: BaseProxyEvent) -> Form:
    """Parse an urlencoded form body, refusing other content types."""
    content_type = (event.headers.get("content-type") or "").lower()
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise InvalidInput("Send this form as application/x-www-form-urlencoded.")
    try:
        body = event.decoded_body or ""
    except (UnicodeDecodeError, binascii.Error):
        raise InvalidInput("This form could not be read: send it as UTF-8.") from None
    return Form(parse_qs(body, keep_blank_values=True))


def cookies_of(event: BaseProxyEvent) -> dict[str, str]:
    """The request's cookies, parsed leniently: one odd cookie set by another app must not hide ours."""
    found: dict[str, str] = {}
    for name, value in event.headers.items():
        if name.lower() != "cookie":
            continue
        for part in value.split(";"):
            key, sep, content = part.strip().partition("=")
            if sep and key and key not in found:
                found[key] = content.strip().strip('"')
    return found


def _is_local(event: BaseProxyEvent) -> bool:
    host = (event.headers.get("host") or "").lower()
    return host.rsplit(":", 1)[0] in LOCAL_HOSTS if not host.startswith("[") else host.startswith("[::1]")


def make_cookie(event: BaseProxyEvent, name: str, value: str, max_age: int | None) -> Cookie:
    return Cookie(
        name=name,
        value=value,
        path="/",
        secure=not _is_local(event),
        http_only=True,
        same_site=SameSite.LAX_MODE,
        max_age=max_age,
    )


# -- sessions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    session_id: str
    member: Member


def signed_in(event: BaseProxyEvent) -> SignedIn | None:
    """The signed-in member, if the session cookie names a live session of someone still a member."""
    session_id = cookies_of(event).get(SESSION_COOKIE)
    if not session_id:
        return None
    repo = wiring.repository()
    session = repo.get_session(session_id, datetime.now(UTC))
    if session is None:
        return None
    member = repo.get_member(session.tenant, session.email)
    if member is None or not member.roles & SIGN_IN_ROLES:
        return None
    return SignedIn(session_id=session_id, member=member)


def landing_page(member: Member) -> str:
    """Where a member goes after signing in: requests for those who ask, their network for connectors."""
    return "/requests" if member.roles & {"requester", "admin"} else "/network"


def require_requester(event: BaseProxyEvent) -> SignedIn:
    """A signed-in member who may ask for introductions (requesters and admins)."""
    found = require_signed_in(event)
    if not found.member.roles & {"requester", "admin"}:
        raise Forbidden("Only requesters and admins can see introduction requests.")
    return found


def require_admin(event: BaseProxyEvent, what: str) -> SignedIn:
    """A signed-in admin; anyone else gets a 403 saying what only admins can do."""
    found = require_signed_in(event)
    if "admin" not in found.member.roles:
        raise Forbidden(f"Only admins can {what}.")
    return found


def require_connector(event: BaseProxyEvent, why: str) -> SignedIn:
    """A signed-in connector; anyone else gets a 403 saying what the page is for."""
    found = require_signed_in(event)
    if "connector" not in found.member.roles:
        raise Forbidden(why)
    return found


def member_page(found: SignedIn, template: str, *, status: int = 200, **context: Any) -> Response[str]:
    """A page for a signed-in member: their name in the bar, their tenant's name and a CSRF token for its forms."""
    context.setdefault("tenant_name", wiring.repository().get_tenant(found.member.tenant).name)
    return render(template, status=status, user=found.member, csrf_token=csrf_token(found.session_id), **context)


def require_signed_in(event: BaseProxyEvent) -> SignedIn:
    found = signed_in(event)
    if found is None:
        raise SignInRequired()
    return found


def session_cookie(event: BaseProxyEvent, session_id: str) -> Cookie:
    return make_cookie(event, SESSION_COOKIE, session_id, int(SESSION_TTL.total_seconds()))


def expired_session_cookie(event: BaseProxyEvent) -> Cookie:
    return make_cookie(event, SESSION_COOKIE, "", 0)


# -- CSRF ----------------------------------------------------------------------------------------


def csrf_token(binding: str) -> str:
    keys = wiring.signing_keys()
    return _csrf_for(keys.keys[keys.current], binding)


def _csrf_for(key: bytes, binding: str) -> str:
    return hmac.new(key, f"csrf|{binding}".encode(), hashlib.sha256).hexdigest()


def check_csrf(form: dict[str, str], binding: str | None) -> None:
    supplied = form.get("csrf_token", "")
    if not binding or not supplied:
        raise CsrfFailed()
    # Any live key is accepted so a key rotation does not break forms already on screen. Compared as bytes:
    # a token with non-ASCII characters is simply wrong, never a crash.
    given = supplied.encode("utf-8", "surrogatepass")
    keys = wiring.signing_keys().keys.values()
    if not any(hmac.compare_digest(_csrf_for(k, binding).encode(), given) for k in keys):
        raise CsrfFailed()


def page_binding(event: BaseProxyEvent) -> tuple[str, list[Cookie]]:
    """What the forms on a page bind their CSRF token to, and the cookies the page must set.

    A live session binds to itself. Otherwise the anonymous id (created when missing), and a stale session
    cookie -- say, after the local stack restarted -- is expired so the browser stops sending it.
    """
    cookies = cookies_of(event)
    if cookies.get(SESSION_COOKIE) and signed_in(event):
        return cookies[SESSION_COOKIE], []
    to_set = [expired_session_cookie(event)] if SESSION_COOKIE in cookies else []
    anonymous = cookies.get(ANON_COOKIE)
    if not anonymous:
        anonymous = secrets.token_urlsafe(18)
        to_set.append(make_cookie(event, ANON_COOKIE, anonymous, None))
    return anonymous, to_set


def form_binding(event: BaseProxyEvent) -> str | None:
    """The binding a posted form was rendered with (the mirror of ``page_binding``)."""
    cookies = cookies_of(event)
    if cookies.get(SESSION_COOKIE) and signed_in(event):
        return cookies[SESSION_COOKIE]
    return cookies.get(ANON_COOKIE)
