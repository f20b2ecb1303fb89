"""One-click unsubscribe (RFC 8058) from the List-Unsubscribe header of invitations, digests and reminders.

The header's URL carries a signed token naming the person, the tenant and the list. A mail client's
one-click POST (body ``List-Unsubscribe=One-Click``, no cookies) acts at once and answers 200, never a
redirect; a person following the link gets a confirm page first (GET never changes anything), whose POST
carries its CSRF token. Unsubscribing is idempotent: the token may be used again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import TokenError
from warmpath.core.observability import logger, metrics
from warmpath.tokens import Claims, verify

from intake import web

router = Router()
LISTS = {
    "invitations": "invitations and reminders to join",
    "digests": "digests of open requests",
    "reminders": "reminders about introductions you were asked for",
}
ONE_CLICK = "List-Unsubscribe=One-Click"


def _claims(token: str) -> Claims:
    claims = verify(token, wiring.signing_keys(), purpose="unsubscribe", now=datetime.now(UTC))
    if claims.ref.get("list") not in LISTS:
        raise TokenError("This link is incomplete or was changed.")
    return claims


@router.get("/u/<token>", include_in_schema=False)
def confirm(token: str) -> Response[str]:
    claims = _claims(token)
    what = LISTS[claims.ref["list"]]
    return web.confirm_page(
        router.current_event,
        title="Stop these emails?",
        lines=[f"You will get no more {what} from this company through Warmpath."],
        action=f"/u/{token}",
        button="Unsubscribe",
    )


@router.post("/u/<token>", include_in_schema=False)
def unsubscribe(token: str) -> Response[str]:
    event = router.current_event
    body = event.decoded_body or ""
    one_click = ONE_CLICK in body or ('name="List-Unsubscribe"' in body and "One-Click" in body)  # either encoding
    if not one_click:
        web.check_csrf(web.read_form(event), web.form_binding(event))  # a person's click on the confirm page
    claims = _claims(token)
    repo = wiring.repository()
    member = repo.get_member(claims.tenant, claims.subject)
    if member is not None:
        match claims.ref["list"]:
            case "invitations":
                repo.opt_out(member)
            case "digests":
                repo.set_email_preferences(member, digest="never")
            case "reminders":
                repo.set_email_preferences(member, reminders=False)
    logger.info("unsubscribed", extra={"list": claims.ref["list"]})
    metrics.add_metric(name="Unsubscribed", unit="Count", value=1)
    return web.render("message.html", title="Unsubscribed", body="Done: you will not get these emails again.")
