"""Bulk invites: reading an admin's CSV of connectors and deciding, line by line, who gets invited.

Header names are matched loosely ("E-mail", "Email address", "Connector Type", "type" ...) and extra
columns are ignored. Every line gets a status -- invited, already a member, duplicate in file, invalid
email, suppressed -- with a reason; good lines go through whatever the others do.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from warmpath.contacts import UnreadableFile, decode
from warmpath.identity import normalise_email
from warmpath.models import CONNECTOR_TYPES, Member
from warmpath.ranking import size_band, split_products

if TYPE_CHECKING:
    from warmpath.events import EventBus
    from warmpath.models import InviteBatch
    from warmpath.repository import Repository

# Column -> the header spellings people use for it (compared lower-case, punctuation as spaces).
COLUMNS = {
    "email": ("email", "e mail", "email address", "e mail address", "work email", "mail"),
    "name": ("name", "full name", "connector", "connector name", "contact name"),
    "connector_type": ("connector type", "type", "relationship", "role", "kind"),
    "title": ("title", "job title", "position"),
    "location": ("location", "city", "region", "country"),
    "approver_email": ("approver", "approver email", "approver e mail", "assistant email", "approved by"),
    "note": ("note", "personal note", "message", "notes"),
    # A customer connector's profile, used to pick references (optional; the CRM can fill it later).
    "industry": ("industry", "sector", "vertical"),
    "company_size": ("company size", "employees", "size", "headcount"),
    "products": ("products", "product", "products used", "product used"),
}
TYPE_ALIASES = {
    "board member": "board_member", "board": "board_member", "director": "board_member",
    "investor": "investor", "angel": "investor", "advisor": "advisor", "adviser": "advisor",
    "executive": "executive", "exec": "executive", "employee": "employee", "staff": "employee",
    "customer": "customer", "client": "customer", "channel partner": "channel_partner", "partner": "channel_partner",
    "reseller": "channel_partner", "vc partner": "vc_partner", "vc": "vc_partner",
    "friend family": "friend_family", "friends family": "friend_family", "friend": "friend_family",
    "family": "friend_family", "friends and family": "friend_family", "other": "other",
}  # fmt: skip


@dataclass
class InviteLine:
    line: int
    email: str
    name: str = ""
    connector_type: str = "other"
    title: str | None = None
    location: str | None = None
    approver_email: str | None = None
    note: str | None = None
    industry: str | None = None
    company_size: str | None = None
    products: str | None = None
    status: str = "invited"
    reason: str = ""

    def as_row(self) -> dict[str, object]:
        return {"line": self.line, "email": self.email, "status": self.status, "reason": self.reason}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def connector_type(value: str) -> str | None:
    key = _key(value).replace(" and ", " ")
    if not key:
        return "other"
    if key.replace(" ", "_") in CONNECTOR_TYPES:
        return key.replace(" ", "_")
    return TYPE_ALIASES.get(key)


def read_invites(data: bytes) -> list[InviteLine]:
    """Every data line of an invite CSV, validated (invalid email, invalid type, duplicate in file)."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    columns: dict[str, int] | None = None
    lines: list[InviteLine] = []
    seen: dict[str, int] = {}
    start = 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if columns is None:
            columns = _columns(record)
            continue
        invite = _read_line(line, record, columns)
        lines.append(invite)
        if invite.status != "invited":
            continue
        if invite.email in seen:
            invite.status, invite.reason = "duplicate in file", f"same email as line {seen[invite.email]}"
        else:
            seen[invite.email] = line
    if columns is None:
        raise UnreadableFile("The file is empty. Upload a CSV with a header row and one connector per line.")
    return lines


def _columns(header: list[str]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    columns = {name: keys.index(alias) for name, aliases in COLUMNS.items() for alias in aliases if alias in keys}
    if "email" not in columns:
        raise UnreadableFile(
            "The first row must name the columns, with at least an email column "
            "(email, name, connector type, title, location, approver email, personal note)."
        )
    return columns


def _read_line(line: int, record: list[str], columns: dict[str, int]) -> InviteLine:
    def cell(name: str) -> str:
        index = columns.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    invite = InviteLine(
        line=line,
        email=cell("email"),
        name=cell("name"),
        title=cell("title") or None,
        location=cell("location") or None,
        note=cell("note") or None,
        industry=cell("industry") or None,
        company_size=cell("company_size") or None,
        products=cell("products") or None,
    )
    try:
        invite.email = normalise_email(invite.email)
    except ValueError as error:
        invite.status, invite.reason = "invalid email", str(error)
        return invite
    kind = connector_type(cell("connector_type"))
    if kind is None:
        invite.status = "invalid type"
        invite.reason = f"'{cell('connector_type')}' is not a connector type (one of: {', '.join(CONNECTOR_TYPES)})"
        return invite
    invite.connector_type = kind
    approver = cell("approver_email")
    if approver:
        try:
            invite.approver_email = normalise_email(approver)
        except ValueError:
            invite.status, invite.reason = "invalid email", f"the approver '{approver}' is not an email address"
            return invite
    if not invite.name:
        invite.name = invite.email.split("@")[0].replace(".", " ").title()
    return invite


class InviteQueue(Protocol):
    """Port: hands invitations to the sender (SQS in AWS and locally); raises when it cannot."""

    def enqueue(self, messages: Sequence[dict[str, str]]) -> list[int]:
        """Queue the messages; returns the indexes that could not be queued."""
        ...


class SqsInviteQueue:
    def __init__(self, queue_url: str, client: Any = None) -> None:
        self.queue_url = queue_url
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("sqs")
        return self._client

    def enqueue(self, messages: Sequence[dict[str, str]]) -> list[int]:
        failed: list[int] = []
        for start in range(0, len(messages), 10):
            entries = [
                {"Id": str(start + i), "MessageBody": json.dumps(m)} for i, m in enumerate(messages[start : start + 10])
            ]
            response = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            failed += [int(f["Id"]) for f in response.get("Failed", [])]
        return failed


def invite_connectors(
    repo: Repository, queue: InviteQueue, tenant: str, admin_email: str, lines: list[InviteLine], now: datetime
) -> list[InviteLine]:
    """Invite every good line once; each line ends with its status and reason. Nothing is half-done.

    A member is stored as invited, then the invitation is queued; if queuing fails the member is removed
    again and the line says to try again -- so a re-upload invites them, and nobody is invited twice.
    """
    good = [line for line in lines if line.status == "invited"]
    blocked = repo.suppressed([line.email for line in good])
    for line in good:
        if line.email in blocked:
            line.status, line.reason = "suppressed", "this address bounced or asked not to be emailed"
    stored: list[InviteLine] = []
    for line in [g for g in good if g.status == "invited"]:
        member = Member(
            tenant=tenant,
            email=line.email,
            name=line.name,
            roles={"connector"},
            status="invited",
            connector_type=line.connector_type,
            title=line.title,
            location=line.location,
            approver_email=line.approver_email,
            invite_note=line.note,
            industry=line.industry,
            company_size=size_band(line.company_size),
            products=set(split_products(line.products)) or None,
            invited_by=admin_email,
        )
        if repo.add_member(member):
            stored.append(line)
            continue
        existing = repo.get_member(tenant, line.email)
        line.status = "already a member"
        line.reason = f"{existing.status} since {existing.created_at:%d %b %Y}" if existing else "already a member"
    batch = now.strftime("%Y%m%d%H%M%S")
    failed = set(queue.enqueue([{"tenant": tenant, "email": s.email, "batch": batch} for s in stored]))
    for index in sorted(failed):
        line = stored[index]
        repo.remove_member(tenant, line.email)
        line.status, line.reason = "not sent", "the invitation could not be queued; upload the file again"
    return lines


def counts(lines: Sequence[InviteLine]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.status] = totals.get(line.status, 0) + 1
    return totals


MAX_STORED_ROWS = 2_000


def run_bulk_invite(
    repo: Repository,
    queue: InviteQueue,
    bus: EventBus,
    tenant: str,
    admin_email: str,
    data: bytes,
    filename: str | None,
) -> tuple[InviteBatch, list[InviteLine]]:
    """Read, validate and invite a CSV of connectors; store the report and announce it (the admin gets it by email)."""
    import secrets

    from warmpath.events import ConnectorsInvited
    from warmpath.models import InviteBatch, utcnow

    now = utcnow()
    lines = invite_connectors(repo, queue, tenant, admin_email, read_invites(data), now)
    batch = InviteBatch(
        batch_id=secrets.token_hex(6),
        tenant=tenant,
        admin_email=admin_email,
        filename=filename,
        rows=[line.as_row() for line in lines[:MAX_STORED_ROWS]],
        counts=counts(lines),
        created_at=now,
    )
    repo.save_invite_batch(batch)
    bus.publish(ConnectorsInvited(tenant=tenant, batch_id=batch.batch_id))
    return batch, lines
