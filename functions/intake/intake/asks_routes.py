"""A connector's asks and offers in one place (``/me/asks``), for those who prefer a page to their inbox.

Open asks carry the same Accept and Decline links the ask email does (purpose "ask", signed for this
connector, expiring with the ask), freshly signed for the page: the ask itself can be answered only once,
whichever link or reply comes first. The page never changes anything by itself -- the links open the usual
confirm page, and only its POST acts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring

from intake import web

router = Router()
LISTED = 50
STATUS_WORDS = {
    "asked": "waiting for your answer",
    "accepted": "you accepted",
    "declined": "you declined",
    "expired": "expired unanswered",
    "withdrawn": "withdrawn",
}


@router.get("/me/asks", include_in_schema=False)
def my_asks() -> Response[str]:
    from warmpath.mail_settings import MailSettings

    found = web.require_connector(
        router.current_event, "This page is for connectors: it lists the introductions you were asked for."
    )
    repo = wiring.repository()
    tenant, email = found.member.tenant, found.member.email
    # Asks before or stopped by their approver never reached them: the approver decides whether they are asked.
    asks = [a for a in repo.asks_of(tenant, email, limit=LISTED)
            if a.status != "awaiting_approval" and not a.declined_by_approver]  # fmt: skip
    offers = repo.offers_of(tenant, email, limit=LISTED)
    requests = repo.get_requests(tenant, [a.request_id for a in asks] + [o.request_id for o in offers if o.request_id])
    expiry = timedelta(days=MailSettings.or_defaults(repo.tenant_settings(tenant)).ask_expiry_days)
    now = datetime.now(UTC)
    rows = []
    for ask in asks:
        request = requests.get(ask.request_id)
        if request is None:
            continue
        deadline = ask.asked_at + expiry
        is_open = ask.status == "asked" and deadline > now
        rows.append(
            {
                "request": request,
                "ask": ask,
                "status": STATUS_WORDS.get(ask.status, ask.status.replace("_", " ")),
                "status_class": ask.status,
                "links": _answer_links(tenant, email, ask.request_id, deadline) if is_open else None,
                "deadline": deadline,
            }
        )
    return web.member_page(
        found,
        "my_asks.html",
        rows=rows,
        offers=[{"offer": o, "request": requests.get(o.request_id or "")} for o in offers],
    )


def _answer_links(tenant: str, email: str, request_id: str, deadline: datetime) -> dict[str, str]:
    import secrets

    from warmpath.tokens import Claims, sign

    jti = secrets.token_urlsafe(12)  # one jti for both: whichever is used first spends the other

    def link(answer: str) -> str:
        claims = Claims(purpose="ask", tenant=tenant, subject=email, expires_at=int(deadline.timestamp()),
                        ref={"request_id": request_id, "answer": answer}, jti=jti)  # fmt: skip
        return f"/a/{sign(claims, wiring.signing_keys())}"

    return {"accept": link("accept"), "decline": link("decline")}
