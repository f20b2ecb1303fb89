"""Inbound mail: SES stores the raw message in S3, then invokes this handler with the receipt.

Each message is recorded once, with SES's spam, virus, SPF, DKIM and DMARC verdicts and where the raw
MIME lives, and announced with ``InboundMailReceived``. A message sent to a reply address
(``reply+<id>@<inbound domain>``) is then read for what that address expects:

- an invitation's reply with a contacts file attached starts a network import;
- an ask's reply is understood (``warmpath.inbound_mail.conclude``): when every check passes, a yes or a
  no (or "I don't know them well", a no) answers the ask exactly once, as the links would; a question is
  forwarded to the requester and an unclear reply gets the connector one-click links (``ReplyNeedsFollowUp``);
  an auto-reply is never an answer (it postpones the ask's reminder). An accepting reply may carry the
  connector's own words for the introduction in the paragraphs after "yes". A reply that fails a check is
  recorded and nothing is sent back.

A message to the offers address (``offers@<inbound domain>``) from a connector is an offer to introduce
(``route_offer``). Every path is idempotent, so a redelivered message changes nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import SESEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.observability import logger, metrics, tracer

INBOUND_PREFIX = "inbound/"
UNROUTED_TENANT = "-"


def record_receipt(event: SESEvent) -> list[str]:
    """Store each received message once; returns the ids recorded for the first time."""
    from warmpath.events import InboundMailReceived
    from warmpath.models import InboundMessage

    repo, bus = wiring.repository(), wiring.event_bus()
    recorded: list[str] = []
    for record in event.records:
        mail, receipt = record.ses.mail, record.ses.receipt
        message = InboundMessage(
            message_id=mail.message_id,
            sender=mail.source,
            recipients=list(receipt.recipients),
            # Powertools' accessor raises on a message without a Subject header; such mail still counts.
            subject=mail.common_headers.get("subject"),
            s3_key=f"{INBOUND_PREFIX}{mail.message_id}",
            verdicts={
                "spam": receipt.spam_verdict.status,
                "virus": receipt.virus_verdict.status,
                "spf": receipt.spf_verdict.status,
                "dkim": receipt.dkim_verdict.status,
                "dmarc": receipt.dmarc_verdict.status,
            },
        )
        if repo.record_inbound(message):
            recorded.append(mail.message_id)
            route_reply(message)
        else:
            logger.info("inbound message already recorded; announcing again", extra={"message_id": mail.message_id})
            # Answering an ask is idempotent and re-announced: a retry recovers a lost announcement.
            route_reply(message, redelivery=True)
        # Announced on every delivery: a retry after a failed announcement must not lose it.
        bus.publish(InboundMailReceived(tenant=UNROUTED_TENANT, message_id=mail.message_id))
    return recorded


OFFERS_MAILBOX = "offers"  # offers@<inbound domain>: "I know the CTO of Globex"
OPEN_FOR_OFFERS = ("no_path", "paths_found", "declined")
MAX_OFFER_TEXT = 1000
CONTACT_FILES = (".csv", ".vcf", ".vcard")
CONTACT_TYPES = ("text/csv", "text/vcard", "text/x-vcard", "application/vnd.ms-excel")


def trusted(message: Any, mime: Any, expected: str) -> bool:
    """Act on a reply only if SES's verdicts pass and it comes, authenticated, from the address we wrote to."""
    from warmpath.inbound_mail import origin_of, trust_checks

    return all(trust_checks(_verdicts(message), origin_of(mime, message.sender or ""), expected).values())


def _verdicts(message: Any) -> dict[str, str]:
    return dict(message.verdicts.as_dict()) if hasattr(message.verdicts, "as_dict") else dict(message.verdicts)


def route_reply(message: Any, redelivery: bool = False) -> str | None:
    """Act on a reply to one of our emails: an invitation's (a contacts file starts a network import) or an
    ask's (the answer). On a redelivery only the idempotent ask path runs (an import would start twice).

    Returns the import job id or the intent acted on; None when the message is not such a reply.
    """
    from datetime import UTC, datetime
    from email import message_from_bytes, policy

    import boto3
    from warmpath.core.config import get_settings
    from warmpath.network import new_import_job

    settings, repo = get_settings(), wiring.repository()
    if f"{OFFERS_MAILBOX}@{settings.inbound_domain}" in [r.lower() for r in message.recipients]:
        if too_large(message, settings.inbound_bucket, redelivery):
            return None
        raw = boto3.client("s3").get_object(Bucket=settings.inbound_bucket, Key=message.s3_key)["Body"].read()
        offers = route_offer(message, raw)
        return f"{len(offers)} offer(s)" if offers else None
    reply_ids = [
        r.split("@")[0].removeprefix("reply+")
        for r in message.recipients
        if r.lower().endswith("@" + settings.inbound_domain) and r.startswith("reply+")
    ]
    address = next((a for a in (repo.reply_address(i, datetime.now(UTC)) for i in reply_ids) if a), None)
    if address is None or address.purpose not in ("network_import", "ask"):
        return None
    if redelivery and address.purpose != "ask":
        return None
    # A reply is read only under the size limit; a contacts file may be larger (SES caps mail at 40 MB).
    if address.purpose == "ask" and too_large(message, settings.inbound_bucket, redelivery):
        return None
    raw = boto3.client("s3").get_object(Bucket=settings.inbound_bucket, Key=message.s3_key)["Body"].read()
    if address.purpose == "ask":
        return answer_by_reply(message, raw, address, reply_ids[0])
    mime = message_from_bytes(raw, policy=policy.default)
    if not trusted(message, mime, address.email):
        logger.warning("untrusted reply ignored", extra={"message_id": message.message_id})
        return None
    for part in mime.iter_attachments():  # type: ignore[attr-defined]
        filename = part.get_filename() or ""
        if filename.lower().endswith(CONTACT_FILES) or part.get_content_type() in CONTACT_TYPES:
            job = new_import_job(
                repo, address.email, requested_by=address.email, tenant=address.tenant, filename=filename
            )
            body = part.get_payload(decode=True) or b""
            boto3.client("s3").put_object(Bucket=settings.uploads_bucket, Key=job.s3_key, Body=body)
            logger.info("import started from an emailed file", extra={"job_id": job.job_id})
            return str(job.job_id)
    return None


def too_large(message: Any, bucket: str, redelivery: bool) -> bool:
    """Whether the message is over the size limit (read from S3's metadata, never downloaded); the first
    delivery announces it, so its sender gets a polite note (``InboundTooLarge``)."""
    import boto3
    from warmpath.events import InboundTooLarge
    from warmpath.inbound_mail import MAX_BYTES

    size = int(boto3.client("s3").head_object(Bucket=bucket, Key=message.s3_key)["ContentLength"])
    if size <= MAX_BYTES:
        return False
    logger.warning("inbound message too large; not read", extra={"size": size, "message_id": message.message_id})
    if not redelivery:
        wiring.event_bus().publish(InboundTooLarge(tenant=UNROUTED_TENANT, message_id=message.message_id, size=size))
    return True


def route_offer(message: Any, raw: bytes) -> list[str]:
    """An email to the offers address from a connector: an offer, routed to the account's owner.

    The sender must be a joined connector (and pass SES's checks, like any reply we act on). In each
    company they help, an open request whose target or organisation the text names gets the offer (at most
    three); if none is named, the company's admin gets it as a lead. Returns the offer ids made.
    """
    from warmpath.events import OfferMadeByEmail
    from warmpath.identity import organisation_key
    from warmpath.inbound_mail import conclude, origin_of, read_mime
    from warmpath.models import Offer

    repo, bus = wiring.repository(), wiring.event_bus()
    # The connector is whoever the From header names (checked below to be authenticated and alone).
    sender = origin_of(read_mime(raw), message.sender or "").sender
    helping = [m for m in repo.memberships_of(sender) if m.status == "joined" and "connector" in m.roles]
    found = conclude(
        raw,
        verdicts=_verdicts(message),
        expected_sender=sender,
        reply_id=None,
        token_valid=bool(helping),
        envelope_from=message.sender or "",
    )
    repo.note_reading(message.message_id, intent="offer", visible_text=found.visible_text[:4000], checks=found.checks)
    if not found.actionable or not found.visible_text.strip():
        logger.info("offer not taken", extra={"checks": found.checks})
        return []
    text = found.visible_text.strip()[:MAX_OFFER_TEXT]
    made: list[str] = []
    for member in helping:
        open_requests = [
            r
            for r in repo.list_requests(member.tenant, limit=200)
            if r.status in OPEN_FOR_OFFERS and r.requester_email != member.email
        ]
        named = [r for r in open_requests if _names(text, r.target_company) or _names(text, r.target_name)][:3]
        targets: list[Any] = named or [None]  # None: a lead for the admin, no request named
        for request in targets:
            about = (request.request_id, member.email) if request else (message.message_id,)
            org_key = organisation_key(request.target_company) if request else None
            owner = repo.account_owner(member.tenant, org_key)
            if owner is None:
                continue
            offer = Offer(
                tenant=member.tenant,
                offer_id=Offer.id_for(member.tenant, *about),
                connector_email=member.email,
                connector_name=member.name,
                request_id=request.request_id if request else None,
                organisation=request.target_company if request else None,
                text=text,
                owner_email=owner,
            )
            repo.create_offer(offer)
            bus.publish(OfferMadeByEmail(tenant=member.tenant, offer_id=offer.offer_id))
            made.append(offer.offer_id)
    return made


def _names(text: str, name: str) -> bool:
    """Whether ``text`` mentions ``name`` as whole words (case-insensitive; names under 3 letters never match)."""
    import re

    name = " ".join(name.split())
    return len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def answer_by_reply(message: Any, raw: bytes, address: Any, reply_id: str) -> str | None:
    """Read a reply to an ask and act on it if every check passes; returns the intent acted on, if any."""
    from datetime import UTC, datetime, timedelta

    from warmpath import introductions
    from warmpath.core.errors import NotFound
    from warmpath.events import AskAnsweredByEmail, ReplyNeedsFollowUp
    from warmpath.inbound_mail import conclude
    from warmpath.mail_settings import MailSettings

    repo, bus = wiring.repository(), wiring.event_bus()
    verdicts = _verdicts(message)
    try:
        ask = repo.get_ask(address.tenant, address.ref or "", address.email)
    except NotFound:
        ask = None
    found = conclude(
        raw,
        verdicts=verdicts,
        expected_sender=address.email,
        reply_id=reply_id,
        # The address is unexpired (looked up so) and its ask exists; whether the ask is still open is the
        # answer's own condition, so a redelivery re-announces the answer it recorded.
        token_valid=ask is not None,
        envelope_from=message.sender or "",
    )
    repo.note_reading(
        message.message_id,
        intent=found.intent,
        visible_text=found.visible_text[:4000],
        request_id=address.ref,
        checks=found.checks,
    )
    logger.info("reply to an ask read", extra={"intent": found.intent, "checks": found.checks})
    trusted_sender = all(passed for check, passed in found.checks.items() if check != "not_auto_reply")
    if found.intent == "auto_reply" and trusted_sender and ask is not None and ask.status == "asked":
        # Never an answer; an out-of-office moves the reminder later, so it does not land in a full inbox.
        settings = MailSettings.from_tenant(repo.tenant_settings(ask.tenant))
        repo.postpone_reminder(ask, datetime.now(UTC) + timedelta(days=settings.ask_reminder_days))
        return None
    if not found.actionable or ask is None:
        return None
    if found.intent in ("accept", "decline", "dont_know"):
        answer = "accepted" if found.intent == "accept" else "declined"
        own_text = introductions.from_reply(found.visible_text) if answer == "accepted" else None
        outcome = repo.answer_ask(
            ask, answer, jti=f"reply-{reply_id}", token_expires_at=int(address.ttl or 0), intro_text=own_text
        )
        if outcome.ask.status == answer:
            bus.publish(
                AskAnsweredByEmail(
                    tenant=ask.tenant,
                    request_id=ask.request_id,
                    connector_email=ask.connector_email,
                    answer=answer,  # type: ignore[arg-type]
                )
            )
        return found.intent
    if found.intent in ("question", "unclear"):
        bus.publish(
            ReplyNeedsFollowUp(
                tenant=ask.tenant,
                request_id=ask.request_id,
                connector_email=ask.connector_email,
                message_id=message.message_id,
                intent=found.intent,  # type: ignore[arg-type]
            )
        )
        return found.intent
    return None  # an auto-reply (handled above): never an answer


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_source(data_class=SESEvent)
def lambda_handler(event: SESEvent, context: LambdaContext) -> dict[str, Any]:
    recorded = record_receipt(event)
    metrics.add_metric(name="InboundMailReceived", unit="Count", value=len(recorded))
    return {"recorded": recorded}
