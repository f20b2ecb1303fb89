"""What notify sends for each event: who gets which email, with which signed links.

Tokens are minted here, never carried on the bus: an event says *who* and *what*, notify signs the link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from warmpath.config import Settings
from warmpath.events import (
    AskAnswered,
    AskApproved,
    AskCreated,
    ConnectorsInvited,
    EventBus,
    IntroductionSent,
    MatchingCompleted,
    NetworkImported,
    ReplyNeedsFollowUp,
    SignInRequested,
)
from warmpath.lifecycle import OPEN_ASK_STATUSES
from warmpath.mail import MailSender, OutgoingEmail
from warmpath.models import Ask, IntroRequest
from warmpath.observability import logger
from warmpath.repository import Repository
from warmpath.tokens import Claims, SigningKeys, expiry, sign

from notify.render import EmailRenderer

SIGN_IN_TTL = timedelta(minutes=15)
RATING_TTL = timedelta(days=30)
RATING_INTERVAL = timedelta(days=30)
RATING_CHOICES = [("very_strong", "Very well"), ("strong", "Well"), ("average", "Somewhat"), ("weak", "Barely")]
ASK_TTL = timedelta(days=7)


@dataclass
class Notifier:
    repo: Repository
    sender: MailSender
    bus: EventBus
    renderer: EmailRenderer
    keys: SigningKeys
    settings: Settings
    now: datetime
    _tenant_names: dict[str, str] = field(default_factory=dict)

    def tenant_name(self, slug: str) -> str:
        """Read once per invocation: one event can send several emails for the same tenant."""
        if slug not in self._tenant_names:
            self._tenant_names[slug] = self.repo.get_tenant(slug).name
        return self._tenant_names[slug]

    def _send(
        self,
        template: str,
        *,
        to: list[str],
        tag: str,
        sender_name: str | None = None,
        cc: list[str] | None = None,
        reply_to: list[str] | None = None,
        **context: object,
    ) -> str:
        rendered = self.renderer.render(template, **context)
        message_id = self.sender.send(
            OutgoingEmail(
                sender_name=sender_name or self.settings.sender_name,
                sender_address=self.settings.sender_address,
                to=to,
                cc=cc or [],
                reply_to=reply_to or [],
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                tags={"email": tag},
            )
        )
        logger.info("email sent", extra={"email": tag, "message_id": message_id})
        return message_id

    def _url(self, path: str) -> str:
        return f"{self.settings.public_base_url}{path}"

    def _about(self, request: IntroRequest) -> dict[str, Any]:
        """What every email about a request may mention (templates take the fields they need)."""
        return {
            "tenant_name": self.tenant_name(request.tenant),
            "requester_name": request.requester_name,
            "requester_first_name": _first_name(request.requester_name),
            "target_name": request.target_name,
            "target_first_name": _first_name(request.target_name),
            "target_title": request.target_title,
            "target_company": request.target_company,
            "reason": request.reason,
            "kind": request.request_kind,
            "request_url": self._url(f"/requests/{request.request_id}"),
        }

    def send_sign_in(self, event: SignInRequested) -> None:
        member = self.repo.get_member(event.tenant, event.email)
        if member is None:
            logger.warning("sign-in for a non-member ignored", extra={"tenant": event.tenant})
            return
        claims = Claims(
            purpose="sign_in",
            tenant=event.tenant,
            subject=member.email,
            expires_at=expiry(self.now, SIGN_IN_TTL),
        )
        self._send(
            "sign_in",
            to=[member.email],
            tag="sign_in",
            name=member.name,
            tenant_name=self.tenant_name(event.tenant),
            minutes=int(SIGN_IN_TTL.total_seconds() // 60),
            sign_in_url=self._url(f"/auth/magic?token={sign(claims, self.keys)}"),
        )

    def send_paths(self, event: MatchingCompleted) -> None:
        request = self.repo.get_request(event.tenant, event.request_id)
        if event.joined_request_id:
            self.send_joined(request, event.joined_request_id)
            return
        self._send(
            "paths_found",
            to=[request.requester_email],
            tag="paths_found",
            paths=[p.as_dict() for p in request.paths if not p.unavailable],  # the page shows the others
            new_paths=event.new_paths,
            **self._about(request),
        )
        for path in request.paths:
            if path.strength == "unknown" and path.person_id and not path.anonymous:
                self.send_rating(request, path.connector_email, path.connector_name, path.person_id)

    def send_joined(self, request: IntroRequest, first_id: str) -> None:
        """Tell a requester their request joined a colleague's open request for the same person."""
        first = self.repo.get_request(request.tenant, first_id)
        about = self._about(request) | {"target_name": first.target_name, "target_company": first.target_company}
        self._send(
            "request_joined",
            to=[request.requester_email],
            tag="request_joined",
            first_requester_name=first.requester_name,
            same_requester=first.requester_email == request.requester_email,
            first_status=first.status,
            first_url=self._url(f"/requests/{first_id}"),
            **about,
        )

    def send_rating(self, request: IntroRequest, connector_email: str, connector_name: str, person_id: str) -> None:
        """Ask a connector how well they know someone an open request needs (at most once a month per tie)."""
        if not self.repo.claim_window(f"rate#{connector_email}#{person_id}", RATING_INTERVAL, self.now):
            return
        expires_at = expiry(self.now, RATING_TTL)
        jti = secrets.token_urlsafe(12)  # one answer per email, whichever link is used

        def link(strength: str) -> str:
            claims = Claims(purpose="rate", tenant=request.tenant, subject=connector_email, expires_at=expires_at,
                            ref={"person_id": person_id, "strength": strength}, jti=jti)  # fmt: skip
            return self._url(f"/r/{sign(claims, self.keys)}")

        self._send(
            "rate_tie",
            to=[connector_email],
            tag="rate_tie",
            connector_name=connector_name,
            links=[(label, link(strength)) for strength, label in RATING_CHOICES],
            **self._about(request),
        )

    def send_ask(self, event: AskCreated | AskApproved | ReplyNeedsFollowUp) -> None:
        """Ask the connector (once their approver, if they have one, let the ask through)."""
        request = self.repo.get_request(event.tenant, event.request_id)
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        if ask.status == "awaiting_approval":
            self.send_approval_request(request, ask)
            return
        if ask.status != "asked":
            logger.info("ask no longer open; not sent", extra={"status": ask.status})
            return
        expires_at = expiry(self.now, ASK_TTL)
        # Accept and decline share one jti: whichever is used first spends both.
        jti = secrets.token_urlsafe(12)

        def link(answer: str) -> str:
            claims = Claims(
                purpose="ask",
                tenant=event.tenant,
                subject=ask.connector_email,
                expires_at=expires_at,
                ref={"request_id": request.request_id, "answer": answer},
                jti=jti,
            )
            return self._url(f"/a/{sign(claims, self.keys)}")

        # A reply answers too: Reply-To carries an address that says which ask, for whom, until when.
        reply_id = self.repo.create_reply_address(
            "ask", event.tenant, ask.connector_email, self.now + ASK_TTL, ref=request.request_id
        )
        self._send(
            "ask",
            to=[ask.connector_email],
            tag="ask",
            reply_to=[f"reply+{reply_id}@{self.settings.inbound_domain}"],
            connector_name=self._connector_name(ask),
            private=bool(ask.anonymous),
            follow_up=isinstance(event, ReplyNeedsFollowUp),
            accept_url=link("accept"),
            decline_url=link("decline"),
            days=ASK_TTL.days,
            **self._about(request),
        )

    def send_follow_up(self, event: ReplyNeedsFollowUp) -> None:
        """After a reply we would not act on: a question goes to the requester; unclear gets one-click links."""
        if event.intent == "unclear":
            self.send_ask(event)
            return
        request = self.repo.get_request(event.tenant, event.request_id)
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        message = self.repo.get_inbound(event.message_id)
        self._send(
            "reply_question",
            to=[request.requester_email],
            tag="reply_question",
            reply_to=[ask.connector_email] if not ask.anonymous else None,
            connector_name=ask.connector_name,
            question=message.visible_text or "",
            **self._about(request),
        )

    def _connector_name(self, ask: Ask) -> str:
        """The connector's own name (an anonymous ask carries a placeholder, for what the requester sees)."""
        if not ask.anonymous:
            return ask.connector_name
        member = self.repo.get_member(ask.tenant, ask.connector_email)
        return member.name if member is not None else ask.connector_name

    def send_approval_request(self, request: IntroRequest, ask: Ask) -> None:
        """The connector's approver (an assistant, or the CEO for a board member) decides whether they are asked."""
        member = self.repo.get_member(request.tenant, ask.connector_email)
        if member is None or not member.approver_email:
            logger.warning("approval needed but no approver", extra={"request_id": request.request_id})
            return
        expires_at = expiry(self.now, ASK_TTL)
        jti = secrets.token_urlsafe(12)  # approve and decline share one jti: the first used spends both

        def link(decision: str) -> str:
            claims = Claims(
                purpose="approve",
                tenant=request.tenant,
                subject=member.approver_email or "",
                expires_at=expires_at,
                ref={"request_id": request.request_id, "connector": ask.connector_email, "decision": decision},
                jti=jti,
            )
            return self._url(f"/approve/{sign(claims, self.keys)}")

        self._send(
            "approval_request",
            to=[member.approver_email],
            tag="approval_request",
            connector_name=member.name,
            approve_url=link("approve"),
            decline_url=link("decline"),
            days=ASK_TTL.days,
            **self._about(request),
        )

    def send_import_report(self, event: NetworkImported) -> None:
        """Tell the connector (and whoever started the import for them) what their import did."""
        job = self.repo.get_import_job(event.job_id)
        recipients = list(dict.fromkeys(r for r in (job.connector_email, job.requested_by) if "@" in r))
        skipped = [{"line": int(s.line), "reason": s.reason} for s in (job.skipped or [])[:20]]
        self._send(
            "network_imported",
            to=recipients,
            tag="network_imported",
            tenant_name=self.tenant_name(job.tenant) if job.tenant else "Warmpath",
            status=job.status,
            filename=job.filename,
            imported=int(job.imported or 0),
            merged=int(job.merged or 0),
            skipped_count=int(job.skipped_count or 0),
            skipped=skipped,
            error=job.error or "",
        )

    def send_invite_report(self, event: ConnectorsInvited) -> None:
        batch = self.repo.get_invite_batch(event.tenant, event.batch_id)
        admin = self.repo.get_member(event.tenant, batch.admin_email)
        rows = [dict(r.as_dict()) if hasattr(r, "as_dict") else dict(r) for r in batch.rows or []]
        problems = [r for r in rows if r.get("status") != "invited"][:50]
        self._send(
            "invite_report",
            to=[batch.admin_email],
            tag="invite_report",
            tenant_name=self.tenant_name(event.tenant),
            admin_name=admin.name if admin else batch.admin_email,
            filename=batch.filename,
            counts=sorted((str(k), int(v)) for k, v in dict(batch.counts.as_dict()).items()),
            invited=int(dict(batch.counts.as_dict()).get("invited", 0)),
            problems=[{**r, "line": int(r["line"])} for r in problems],
            report_url=self._url("/admin/invites"),
        )

    def send_answer(self, event: AskAnswered) -> None:
        if event.answer == "accepted":
            self.send_introduction(event)
        else:
            self.send_declined(event)

    def send_introduction(self, event: AskAnswered) -> None:
        """Send the three-way introduction once: claim it, send, record it (a failed send releases the claim)."""
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        if not self.repo.claim_introduction(ask, self.now):
            logger.info("introduction already made, being made, or not accepted", extra={"status": ask.status})
            return
        request = self.repo.get_request(event.tenant, event.request_id)
        connector_name = self._connector_name(ask)  # accepting names an anonymous connector: they agreed
        target_email = self._target_email(request, ask.connector_email)
        to = [target_email] if target_email else [ask.connector_email]
        cc = [request.requester_email] + ([ask.connector_email] if target_email else [])
        try:
            self._send(
                "introduction",
                to=to,
                cc=cc,
                reply_to=[ask.connector_email],
                sender_name=f"{connector_name} via Warmpath",
                tag="introduction",
                target_known=bool(target_email),
                connector_name=connector_name,
                connector_first_name=_first_name(connector_name),
                **self._about(request),
            )
        except Exception:
            self.repo.release_introduction(ask)
            raise
        if self.repo.mark_introduced(ask, self.now, request.requester_email):
            self.bus.publish(
                IntroductionSent(tenant=event.tenant, request_id=event.request_id, connector_email=ask.connector_email)
            )

    def send_declined(self, event: AskAnswered) -> None:
        bundle = self.repo.get_request_bundle(event.tenant, event.request_id)
        request = bundle.request
        asked = {a.connector_email for a in bundle.asks}
        remaining = [p for p in request.paths if p.connector_email not in asked and not p.unavailable]
        declined = bundle.ask_for(event.connector_email)
        # On the requester's list, the next connector is asked automatically (by matching, maybe already).
        by_id = {p.path_id: p for p in request.paths}
        now_asked = [a.connector_name for a in bundle.asks if a.status in OPEN_ASK_STATUSES]
        queued = [by_id[str(q)].connector_name for q in request.queue or [] if str(q) in by_id]
        self._send(
            "ask_declined",
            to=[request.requester_email],
            tag="ask_declined",
            connector_name=declined.connector_name if declined else "The connector",
            remaining=len(remaining),
            next_name=remaining[0].connector_name if remaining else "",
            asking_next=(now_asked or queued or [""])[0],
            **self._about(request),
        )

    def _target_email(self, request: IntroRequest, connector_email: str) -> str | None:
        """The target's address: the requester's, else the one in the accepting connector's own network.

        Never an address from anyone else's network: that would leak one connector's contacts to a
        requester through another connector's introduction.
        """
        if request.target_email:
            return request.target_email
        for person_id in self.repo.find_person_ids(email=None, linkedin_url=request.target_linkedin_url):
            tie = self.repo.tie(connector_email, person_id)
            if tie is not None and tie.person_email:
                return tie.person_email
        return None


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name
