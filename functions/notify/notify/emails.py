"""What notify sends for each event: who gets which email, with which signed links.

Tokens are minted here, never carried on the bus: an event says *who* and *what*, notify signs the link.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from warmpath import introductions
from warmpath.core.config import Settings
from warmpath.core.observability import logger
from warmpath.events import (
    AskAnswered,
    AskApproved,
    AskCreated,
    AskExpired,
    AskExpiryDue,
    AskReminderDue,
    ConnectorsInvited,
    EventBus,
    InboundTooLarge,
    IntroductionConverted,
    IntroductionSent,
    MatchingCompleted,
    MeetingCheckDue,
    NetworkImported,
    ReplyNeedsFollowUp,
    SignInRequested,
    TargetAnswered,
)
from warmpath.lifecycle import OPEN_ASK_STATUSES
from warmpath.mail import AllSuppressed, MailSender, OutgoingEmail
from warmpath.mail_settings import MailSettings
from warmpath.models import OUTCOMES, Ask, IntroRequest, Tenant
from warmpath.repository import Repository
from warmpath.schedules import schedule_event, schedule_name
from warmpath.tokens import Claims, SigningKeys, expiry, sign

from notify.render import EmailRenderer

SIGN_IN_TTL = timedelta(minutes=15)
RATING_TTL = timedelta(days=30)
RATING_INTERVAL = timedelta(days=30)
RATING_CHOICES = [("very_strong", "Very well"), ("strong", "Well"), ("average", "Somewhat"), ("weak", "Barely")]
PREFERENCES_TTL = timedelta(days=90)
TARGET_TTL = timedelta(days=14)
OUTCOME_TTL = timedelta(days=30)


@dataclass
class Notifier:
    repo: Repository
    sender: MailSender
    bus: EventBus
    renderer: EmailRenderer
    keys: SigningKeys
    settings: Settings
    now: datetime
    _tenants: dict[str, Tenant] = field(default_factory=dict)

    def _tenant(self, slug: str) -> Tenant:
        """Read once per invocation: one event can send several emails for the same tenant."""
        if slug not in self._tenants:
            self._tenants[slug] = self.repo.get_tenant(slug)
        return self._tenants[slug]

    def tenant_name(self, slug: str) -> str:
        return self._tenant(slug).name

    def mail_settings(self, slug: str) -> MailSettings:
        settings = self._tenant(slug).settings
        return MailSettings.or_defaults(settings.as_dict() if settings else None)

    def _send(
        self,
        template: str,
        *,
        to: list[str],
        tag: str,
        tenant: str | None = None,
        member: str | None = None,
        unsubscribe: str | None = None,
        sender_name: str | None = None,
        cc: list[str] | None = None,
        reply_to: list[str] | None = None,
        **context: object,
    ) -> str:
        """Render and send one email; "" when every recipient is suppressed (nothing sent).

        ``tenant`` brands it (logo, colour). ``member`` is the one recipient who is a member: their email
        gets a preferences link, and with ``unsubscribe`` (a list name) one-click List-Unsubscribe headers.
        """
        headers: dict[str, str] = {}
        if tenant is not None:
            brand = self.mail_settings(tenant).brand
            context = {"brand_colour": brand.colour, "brand_text_colour": brand.text_colour,
                       "logo_url": brand.logo_url or ""} | context  # fmt: skip
            if member is not None:
                context["preferences_url"] = self.preferences_url(tenant, member)
                context["offers_address"] = f"offers@{self.settings.inbound_domain}"
            if member is not None and unsubscribe is not None:
                url = self._unsubscribe_url(tenant, member, unsubscribe)
                context["unsubscribe_url"] = url
                # RFC 8058 one-click unsubscribe (mail clients POST "List-Unsubscribe=One-Click" to the URL).
                headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        rendered = self.renderer.render(template, **context)
        try:
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
                    headers=headers,
                    tags={"email": tag},
                )
            )
        except AllSuppressed:
            logger.info("email not sent: every recipient is suppressed", extra={"email": tag})
            return ""
        logger.info("email sent", extra={"email": tag, "message_id": message_id})
        return message_id

    def preferences_url(self, tenant: str, email: str) -> str:
        """The signed link to a member's email preferences (reusable until it expires; changing them needs
        the page's own form)."""
        claims = Claims(
            purpose="preferences", tenant=tenant, subject=email, expires_at=expiry(self.now, PREFERENCES_TTL)
        )
        return self._url(f"/p/{sign(claims, self.keys)}")

    def _unsubscribe_url(self, tenant: str, email: str, list_name: str) -> str:
        claims = Claims(purpose="unsubscribe", tenant=tenant, subject=email,
                        expires_at=expiry(self.now, PREFERENCES_TTL), ref={"list": list_name})  # fmt: skip
        return self._url(f"/u/{sign(claims, self.keys)}")

    def _days_until(self, deadline: datetime) -> int:
        """Whole days left until ``deadline``, as an email says it ("expire in 3 days"; never 0)."""
        return max(1, math.ceil((deadline - self.now).total_seconds() / 86400))

    def _url(self, path: str) -> str:
        return f"{self.settings.public_base_url}{path}"

    def _about(self, request: IntroRequest) -> dict[str, Any]:
        """What every email about a request may mention (templates take the fields they need)."""
        return {
            "tenant_name": self.tenant_name(request.tenant),
            "requester_name": request.requester_name,
            "requester_first_name": introductions.first_name(request.requester_name),
            "target_name": request.target_name,
            "target_first_name": introductions.first_name(request.target_name),
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
            tenant=event.tenant,
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
            tenant=request.tenant,
            member=request.requester_email,
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
            tenant=request.tenant,
            member=request.requester_email,
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
            tenant=request.tenant,
            member=connector_email,
            connector_name=connector_name,
            links=[(label, link(strength)) for strength, label in RATING_CHOICES],
            **self._about(request),
        )

    def send_ask(
        self, event: AskCreated | AskApproved | ReplyNeedsFollowUp | AskReminderDue, *, reminder: bool = False
    ) -> None:
        """Ask the connector (once their approver, if they have one, let the ask through).

        The first ask schedules its reminder and its expiry (tenant settings, from when it was asked).
        """
        request = self.repo.get_request(event.tenant, event.request_id)
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        if ask.status == "awaiting_approval":
            self.send_approval_request(request, ask)
            return
        if ask.status != "asked":
            logger.info("ask no longer open; not sent", extra={"status": ask.status})
            return
        timing = self.mail_settings(event.tenant)
        deadline = ask.asked_at + timedelta(days=timing.ask_expiry_days)
        expires_at = int(deadline.timestamp())
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
            "ask", event.tenant, ask.connector_email, deadline, ref=request.request_id
        )
        self._send(
            "ask",
            to=[ask.connector_email],
            tag="ask_reminder" if reminder else "ask",
            tenant=event.tenant,
            member=ask.connector_email,
            unsubscribe="reminders" if reminder else None,
            reply_to=[f"reply+{reply_id}@{self.settings.inbound_domain}"],
            connector_name=self._connector_name(ask),
            private=bool(ask.anonymous),
            follow_up=isinstance(event, ReplyNeedsFollowUp),
            reminder=reminder,
            accept_url=link("accept"),
            decline_url=link("decline"),
            days=self._days_until(deadline),
            **self._about(request),
        )
        if isinstance(event, AskCreated | AskApproved) and not reminder:
            self._schedule_ask_timers(ask, timing)

    def _schedule_ask_timers(self, ask: Ask, timing: MailSettings) -> None:
        """The reminder and the expiry of an ask (named by when it was asked: an approved ask starts again)."""
        asked = ask.asked_at.isoformat()
        key = (ask.tenant, ask.request_id, ask.connector_email, asked)
        if ask.status == "asked":
            self._schedule_reminder(ask, ask.asked_at + timedelta(days=timing.ask_reminder_days))
        expiry_due = AskExpiryDue(tenant=ask.tenant, request_id=ask.request_id,
                                  connector_email=ask.connector_email, asked_at=asked)  # fmt: skip
        schedule_event(
            schedule_name("ask", *key, "expiry"), ask.asked_at + timedelta(days=timing.ask_expiry_days), expiry_due
        )

    def _schedule_reminder(self, ask: Ask, due: datetime) -> None:
        reminder = AskReminderDue(tenant=ask.tenant, request_id=ask.request_id,
                                  connector_email=ask.connector_email, due=due.isoformat())  # fmt: skip
        key = (ask.tenant, ask.request_id, ask.connector_email, due.isoformat())
        schedule_event(schedule_name("ask", *key, "reminder"), due, reminder)

    def send_reminder(self, event: AskReminderDue) -> None:
        """Remind a connector of an unanswered ask, once; an auto-reply meanwhile moves the reminder later."""
        ask = self.repo.find_ask(event.tenant, event.request_id, event.connector_email)
        if ask is None or ask.status != "asked" or ask.reminded_at is not None:
            return
        member = self.repo.get_member(event.tenant, event.connector_email)
        if member is not None and not member.reminders:
            logger.info("reminder not sent: the connector turned reminders off")
            return
        if ask.reminder_after is not None and ask.reminder_after > self.now:
            self._schedule_reminder(ask, ask.reminder_after)
            logger.info("reminder postponed after an auto-reply")
            return
        self.send_ask(event, reminder=True)
        self.repo.mark_ask_reminded(ask, self.now)

    def send_expired(self, event: AskExpired) -> None:
        """Tell the requester an ask expired unanswered (and who is asked next, if anyone)."""
        self.send_declined(event, expired=True)

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
            tenant=request.tenant,
            member=request.requester_email,
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
        timing = self.mail_settings(request.tenant)
        deadline = ask.asked_at + timedelta(days=timing.ask_expiry_days)
        expires_at = int(deadline.timestamp())
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
            tenant=request.tenant,
            connector_name=member.name,
            approve_url=link("approve"),
            decline_url=link("decline"),
            days=self._days_until(deadline),
            **self._about(request),
        )
        self._schedule_ask_timers(ask, timing)  # an approver who never answers lets the ask expire too

    def send_thank_you(self, event: IntroductionConverted) -> None:
        """The connector's introduction converted: what it led to, and what they earned."""
        request = self.repo.get_request(event.tenant, event.request_id)
        member = self.repo.get_member(event.tenant, event.connector_email)
        deal = self.repo.get_deal(event.tenant, event.deal)
        fields = deal.fields.as_dict() if deal is not None else {}
        ledger = self.repo.ledger_of(event.tenant, event.connector_email)
        earned = [e for e in ledger if e.entry == "earned" and e.request_id == event.request_id]
        self._send(
            "thank_you",
            to=[event.connector_email],
            tag="thank_you",
            tenant=event.tenant,
            member=event.connector_email,
            connector_first_name=introductions.first_name(member.name if member else event.connector_email),
            deal_name=str(fields.get("name", "")),
            deal_amount=_money(fields.get("amount"), fields.get("currency")),
            rewards=[_reward_line(e) for e in earned],
            **self._about(request),
        )

    def send_too_large(self, event: InboundTooLarge) -> None:
        """A polite note to whoever sent a message too large to read: only to an authenticated sender that
        passed SES's checks (never backscatter to a forged address), at most once an hour per address."""
        from warmpath.inbound_mail import MAX_BYTES, Origin, trust_checks

        message = self.repo.get_inbound(event.message_id)
        sender = (message.sender or "").lower()
        verdicts = dict(message.verdicts.as_dict()) if hasattr(message.verdicts, "as_dict") else {}
        # The note goes to the envelope sender, so SPF must vouch for that very address (the message itself,
        # too large to read, is never opened).
        checks = trust_checks(verdicts, Origin((sender,), sender), sender) | {"spf": verdicts.get("spf") == "PASS"}
        if not sender or not all(checks.values()):
            logger.info("no note for a too-large message", extra={"checks": checks})
            return
        if not self.repo.claim_window(f"too-large#{sender}", timedelta(hours=1), self.now):
            return
        self._send(
            "too_large",
            to=[sender],
            tag="too_large",
            subject_line=message.subject or "(no subject)",
            size_mb=f"{event.size / 1_000_000:.1f}",
            limit_mb=f"{MAX_BYTES / 1_000_000:.0f}",
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
            tenant=event.tenant,
            member=batch.admin_email,
            tenant_name=self.tenant_name(event.tenant),
            admin_name=admin.name if admin else batch.admin_email,
            filename=batch.filename,
            counts=sorted((str(k), int(v)) for k, v in dict(batch.counts.as_dict()).items()),
            invited=int(dict(batch.counts.as_dict()).get("invited", 0)),
            problems=[{**r, "line": int(r["line"])} for r in problems],
            report_url=self._url("/admin/invites"),
        )

    def send_answer(self, event: AskAnswered) -> None:
        if event.answer == "declined":
            self.send_declined(event)
            return
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        request = self.repo.get_request(event.tenant, event.request_id)
        target_email = self._target_email(request, ask.connector_email)
        # Double opt-in: the target agrees first. Without their address the introduction goes to the
        # connector to forward, and forwarding it is the connector asking them.
        if self.mail_settings(event.tenant).double_opt_in and target_email and ask.target_answer != "yes":
            self.send_target_consent(request, ask, target_email)
            return
        self.send_introduction(event)

    def send_target_consent(self, request: IntroRequest, ask: Ask, target_email: str) -> None:
        """Ask the target "happy to connect?" once (a failed send lets a retry ask again)."""
        if not self.repo.mark_target_asked(ask, self.now):
            logger.info("the target was asked already", extra={"request_id": request.request_id})
            return
        expires_at = expiry(self.now, TARGET_TTL)
        jti = secrets.token_urlsafe(12)  # yes and no share one jti: the first used spends both
        connector_name = self._connector_name(ask)

        def link(answer: str) -> str:
            claims = Claims(purpose="target", tenant=request.tenant, subject=target_email, expires_at=expires_at,
                            ref={"request_id": request.request_id, "connector": ask.connector_email,
                                 "answer": answer}, jti=jti)  # fmt: skip
            return self._url(f"/t/{sign(claims, self.keys)}")

        try:
            self._send(
                "target_consent",
                to=[target_email],
                tag="target_consent",
                tenant=request.tenant,
                reply_to=[ask.connector_email],  # a question from the target goes to someone they know
                sender_name=f"{connector_name} via Warmpath",
                connector_name=connector_name,
                connector_first_name=introductions.first_name(connector_name),
                yes_url=link("yes"),
                no_url=link("no"),
                days=TARGET_TTL.days,
                **self._about(request),
            )
        except Exception:
            self.repo.release_target_ask(ask)
            raise

    def send_target_answer(self, event: TargetAnswered) -> None:
        """The target said yes (the introduction goes out) or no (the requester is told, and nothing more)."""
        if event.answer == "yes":
            self.send_introduction(event)
            return
        request = self.repo.get_request(event.tenant, event.request_id)
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        self._send(
            "target_declined",
            to=[request.requester_email],
            tag="target_declined",
            tenant=request.tenant,
            member=request.requester_email,
            connector_name=self._connector_name(ask),
            **self._about(request),
        )

    def send_introduction(self, event: AskAnswered | TargetAnswered) -> None:
        """Send the three-way introduction once: claim it, send, record it (a failed send releases the claim).

        The words are the connector's own if they wrote some, else written from the requester's reason.
        """
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        if not self.repo.claim_introduction(ask, self.now):
            logger.info("introduction already made, being made, or not agreed", extra={"status": ask.status})
            return
        request = self.repo.get_request(event.tenant, event.request_id)
        connector_name = self._connector_name(ask)  # accepting names an anonymous connector: they agreed
        target_email = self._target_email(request, ask.connector_email)
        to = [target_email] if target_email else [ask.connector_email]
        cc = [request.requester_email] + ([ask.connector_email] if target_email else [])
        text = ask.intro_text or introductions.default_text(request, self.tenant_name(request.tenant))
        try:
            self._send(
                "introduction",
                to=to,
                cc=cc,
                reply_to=[ask.connector_email],
                sender_name=f"{connector_name} via Warmpath",
                tag="introduction",
                tenant=request.tenant,
                target_known=bool(target_email),
                connector_name=connector_name,
                connector_first_name=introductions.first_name(connector_name),
                intro_text=text,
                intro_paragraphs=[p.split("\n") for p in introductions.paragraphs(text)],
                **self._about(request),
            )
        except Exception:
            self.repo.release_introduction(ask)
            raise
        if self.repo.mark_introduced(ask, self.now, request.requester_email):
            check = MeetingCheckDue(
                tenant=event.tenant, request_id=event.request_id, connector_email=ask.connector_email
            )
            due = self.now + timedelta(days=self.mail_settings(event.tenant).meeting_check_days)
            schedule_event(schedule_name("meet", event.tenant, event.request_id), due, check)
            self.bus.publish(
                IntroductionSent(tenant=event.tenant, request_id=event.request_id, connector_email=ask.connector_email)
            )

    def send_meeting_check(self, event: MeetingCheckDue) -> None:
        """A week after the introduction: "Did you meet?" to the requester, with one-click outcomes."""
        request = self.repo.get_request(event.tenant, event.request_id)
        if request.status != "introduced" or request.outcome:
            return
        ask = self.repo.get_ask(event.tenant, event.request_id, event.connector_email)
        expires_at = expiry(self.now, OUTCOME_TTL)
        jti = secrets.token_urlsafe(12)  # one answer, whichever link is used

        def link(outcome: str) -> str:
            claims = Claims(purpose="outcome", tenant=request.tenant, subject=request.requester_email,
                            expires_at=expires_at, ref={"request_id": request.request_id, "outcome": outcome},
                            jti=jti)  # fmt: skip
            return self._url(f"/o/{sign(claims, self.keys)}")

        self._send(
            "meeting_check",
            to=[request.requester_email],
            tag="meeting_check",
            tenant=request.tenant,
            member=request.requester_email,
            connector_name=self._connector_name(ask),
            introduced_on=(ask.introduced_at or self.now).strftime("%-d %B"),
            outcome_urls={outcome: link(outcome) for outcome in OUTCOMES},
            **self._about(request),
        )

    def send_declined(self, event: AskAnswered | AskExpired, *, expired: bool = False) -> None:
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
            tag="ask_expired" if expired else "ask_declined",
            tenant=request.tenant,
            member=request.requester_email,
            connector_name=declined.connector_name if declined else "The connector",
            remaining=len(remaining),
            next_name=remaining[0].connector_name if remaining else "",
            asking_next=(now_asked or queued or [""])[0],
            expired=expired,
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


def _money(amount: object, currency: object) -> str:
    try:
        value = float(str(amount))
    except ValueError:
        return ""
    return f"{value:,.0f} {currency or ''}".strip()


def _reward_line(entry: Any) -> str:
    """One ledger line in words: "250 USD (cash) for the closed deal"."""
    why = {"introduction": "the introduction", "meeting_held": "the meeting", "closed_won": "the closed deal"}
    what = (
        "recognition"
        if entry.reward_kind == "recognition"
        else f"{_money(entry.amount, entry.currency)} ({entry.reward_kind})"
    )
    return f"{what} for {why.get(entry.trigger, entry.trigger)}"
