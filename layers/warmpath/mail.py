"""Outgoing email: the message shape, MIME building and the SES adapter.

Every message is sent as raw MIME through SESv2 so we control every header (From display name, Cc,
Reply-To, List-Unsubscribe) and always include a plain-text alternative beside the HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, Protocol


@dataclass(frozen=True)
class OutgoingEmail:
    sender_name: str
    sender_address: str
    to: list[str]
    subject: str
    text: str
    html: str
    cc: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def recipients(self) -> list[str]:
        return list(dict.fromkeys([*self.to, *self.cc]))


def _one_line(text: str) -> str:
    """Header text on one line: whatever reached here, a line break must never start a new header."""
    return " ".join(text.split())


def build_mime(message: OutgoingEmail) -> bytes:
    mime = EmailMessage()
    mime["From"] = formataddr((_one_line(message.sender_name), message.sender_address))
    mime["To"] = ", ".join(message.to)
    if message.cc:
        mime["Cc"] = ", ".join(message.cc)
    if message.reply_to:
        mime["Reply-To"] = ", ".join(message.reply_to)
    mime["Subject"] = _one_line(message.subject)
    mime["Message-ID"] = make_msgid(domain=Address(addr_spec=message.sender_address).domain)
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime.as_bytes()


class MailSender(Protocol):
    """Port: sends one email, returns the provider's message id."""

    def send(self, message: OutgoingEmail) -> str: ...


class SesMailSender:
    def __init__(self, configuration_set: str = "", client: Any = None) -> None:
        self.configuration_set = configuration_set
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            # No retries by botocore: it would resend after a read timeout, when the message may have gone.
            # warmpath.mail_pacing retries what SES refused (and so did not send), and nothing else.
            self._client = boto3.client("sesv2", config=Config(retries={"total_max_attempts": 1}))
        return self._client

    def send(self, message: OutgoingEmail) -> str:
        request: dict[str, Any] = {
            "FromEmailAddress": message.sender_address,
            "Destination": {"ToAddresses": message.to, "CcAddresses": message.cc},
            "Content": {"Raw": {"Data": build_mime(message)}},
        }
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        if message.tags:
            request["EmailTags"] = [{"Name": k, "Value": v} for k, v in message.tags.items()]
        return str(self.client.send_email(**request)["MessageId"])


class AllSuppressed(Exception):
    """Every recipient of a message is on the suppression list: nothing was sent."""


class SuppressionListSender:
    """Sends through ``inner`` to the recipients not on the suppression list (bounces, complaints).

    Every email goes through here (``wiring.mail_sender``). A suppressed address is dropped from To and
    Cc; when nobody is left the message is not sent and ``AllSuppressed`` is raised for the caller to log.
    """

    def __init__(self, inner: MailSender, suppressed: Callable[[Sequence[str]], set[str]]) -> None:
        self.inner = inner
        self.suppressed = suppressed

    def send(self, message: OutgoingEmail) -> str:
        blocked = {e.lower() for e in self.suppressed([r.lower() for r in message.recipients()])}
        if not blocked:
            return self.inner.send(message)
        to = [r for r in message.to if r.lower() not in blocked]
        cc = [r for r in message.cc if r.lower() not in blocked]
        if not to and not cc:
            raise AllSuppressed(f"all {len(message.recipients())} recipient(s) are suppressed")
        return self.inner.send(replace(message, to=to or cc[:1], cc=cc if to else cc[1:]))
