"""Bulk invites as a job: the upload stores the file and opens a job; the job invites it a chunk at a time.

Why a job: a line costs a few writes and a queue message, so a file of a few thousand lines outlasts API
Gateway's 29 seconds. The page (or ``warmpath invite``) stores the file at ``invites/<job id>`` in the uploads
bucket, whose notification starts the job function -- the same shape as network imports.

Exactly one effect, whatever fails:
- The same bytes uploaded again by the same tenant within ``UPLOAD_WINDOW`` (a double click, a reload, the
  CLI run twice) go to the same job, unless that job failed; so does the same file while its job is still
  waiting or running, however long ago it was opened.
- Each chunk of ``CHUNK`` lines stores its new members with a *pending* invitation (``Member.invitation``,
  ``Member.invite_id`` = this job; each on condition it does not exist), then queues them, then records the
  chunk's report and the job's progress. A crash anywhere in a chunk is finished by the retry, which
  resumes at the first chunk without a report: members already pending are queued again rather than called
  "already a member".
- A queued invitation is ``{tenant, email, batch: <the job that stored the member>}``: the same content
  however often it is queued, so the sender (idempotent on content, and skipping an invitation marked sent)
  sends it once.
- A re-upload of a file an interrupted upload started finishes it: members still pending are queued again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warmpath.invites import InviteLine, InviteQueue, read_invites
from warmpath.models import InviteBatch, InviteJob, Member, utcnow
from warmpath.ranking import size_band, split_products

if TYPE_CHECKING:
    from warmpath.events import EventBus
    from warmpath.repository import Repository

INVITE_PREFIX = "invites/"  # uploads under this prefix of the uploads bucket start the invite job function
CHUNK = 100  # lines per step: a BatchGetItem of members (DynamoDB's limit), ten queue batches, one report item
LEASE = timedelta(minutes=2)  # renewed after every chunk (seconds apart): a job not renewed for this long was abandoned
UPLOAD_WINDOW = timedelta(minutes=10)
MAX_STORED_ROWS = 2_000  # report lines kept with the batch the admin's email and the page read
BATCH_ROWS_BUDGET = 250_000  # bytes of those lines (a DynamoDB item holds 400 KB)
QUEUE_ATTEMPTS = 3
NOT_QUEUED = "the invitation could not be queued; upload the file again to send it"
FINISHING = "finishing an earlier upload of this address"


def needs_file(job: InviteJob, now: datetime | None = None) -> bool:
    """Whether an upload should (again) store the job's file: the job waits for it, or its worker stopped
    (storing it again starts the job function, which resumes the job)."""
    if job.status == "waiting":
        return True
    return job.status == "running" and job.lease_until is not None and job.lease_until < (now or utcnow())


def open_invite_job(
    repo: Repository, tenant: str, admin_email: str, filename: str | None, data: bytes, now: datetime | None = None
) -> tuple[InviteJob, bool]:
    """Check the file and open its job; returns (job, created). Raises UnreadableFile for a file that cannot
    be used, before anything is stored. ``created`` is False for a repeat of an upload still in the window.
    """
    lines = read_invites(data)
    now = now or utcnow()
    job_id = secrets.token_hex(8)
    job = InviteJob(
        job_id=job_id,
        tenant=tenant,
        admin_email=admin_email,
        filename=(filename or "")[:200] or None,
        s3_key=f"{INVITE_PREFIX}{job_id}",
        lines=len(lines),
        created_at=now,
    )
    opened = repo.open_invite_job(job, hashlib.sha256(data).hexdigest(), now, UPLOAD_WINDOW)
    return opened, opened.job_id == job_id


def store_invite_file(bucket: str, job: InviteJob, data: bytes, client: Any = None) -> None:
    """Put the file where its job waits for it (the bucket's notification starts the job)."""
    if client is None:
        import boto3

        client = boto3.client("s3")
    client.put_object(Bucket=bucket, Key=job.s3_key, Body=data, ContentType="text/csv")


def run_invite_job(repo: Repository, queue: InviteQueue, bus: EventBus, job_id: str, data: bytes) -> str:
    """Invite a job's file chunk by chunk; returns the job's status. Safe to run again at any point."""
    from warmpath.contacts import UnreadableFile
    from warmpath.events import ConnectorsInvited

    job = repo.get_invite_job(job_id)
    if job.status in ("done", "failed") or not repo.start_invite_job(job, utcnow(), LEASE):
        return str(job.status)
    job.refresh()
    try:
        lines = read_invites(data)
    except UnreadableFile as error:
        repo.finish_invite_job(job, "failed", utcnow(), error=error.message)
        return "failed"
    try:
        for index in range(int(job.chunks_done or 0), (len(lines) + CHUNK - 1) // CHUNK):
            chunk = lines[index * CHUNK : (index + 1) * CHUNK]
            invite_chunk(repo, queue, job, chunk)
            processed = min(len(lines), (index + 1) * CHUNK)
            repo.record_invite_chunk(job, index, [line.as_row() for line in chunk], processed, utcnow() + LEASE)
    except Exception:
        repo.release_invite_job(job, utcnow())  # the retry (or a re-upload) resumes at once, not after the lease
        raise
    rows = repo.invite_job_rows(job_id)
    totals = counts(rows)
    repo.save_invite_batch(
        InviteBatch(
            batch_id=job_id,
            tenant=job.tenant,
            admin_email=job.admin_email,
            filename=job.filename,
            rows=_bounded(rows),
            counts=totals,
            created_at=job.created_at,
        )
    )
    bus.publish(ConnectorsInvited(tenant=job.tenant, batch_id=job_id))  # before "done": the report goes out
    repo.finish_invite_job(job, "done", utcnow(), counts=totals)
    return "done"


def invite_chunk(repo: Repository, queue: InviteQueue, job: InviteJob, lines: Sequence[InviteLine]) -> None:
    """Give each good line of one chunk its final status: stored and queued together, or why not."""
    good = [line for line in lines if line.status == "invited"]
    blocked = repo.suppressed([line.email for line in good])
    for line in good:
        if line.email in blocked:
            line.status, line.reason = "suppressed", "this address bounced or asked not to be emailed"
    candidates = [line for line in good if line.status == "invited"]
    existing = repo.get_members(job.tenant, [line.email for line in candidates])
    to_store = [line for line in candidates if line.email not in existing]
    taken = repo.store_invitations([_member(job, line) for line in to_store])
    if taken:
        existing.update(repo.get_members(job.tenant, sorted(taken)))
    to_queue: list[tuple[InviteLine, str]] = []
    for line in candidates:
        member = existing.get(line.email)
        if member is None:
            to_queue.append((line, job.job_id))
        elif member.invitation == "pending" and member.status in ("invited", "reminded"):
            if member.invite_id != job.job_id:
                line.reason = FINISHING
            to_queue.append((line, str(member.invite_id)))
        elif member.invite_id != job.job_id:
            line.status = "already a member"
            line.reason = f"{member.status} since {member.created_at:%d %b %Y}"
        # else: this job stored and sent it already (the job is being run again): still "invited"
    for line in _enqueue(queue, job.tenant, to_queue):
        line.status, line.reason = "not sent", NOT_QUEUED


def _enqueue(queue: InviteQueue, tenant: str, items: list[tuple[InviteLine, str]]) -> list[InviteLine]:
    """Queue each invitation, trying failed ones again; returns the lines that still could not be queued."""
    pending = items
    for _ in range(QUEUE_ATTEMPTS):
        if not pending:
            return []
        messages = [{"tenant": tenant, "email": line.email, "batch": invite_id} for line, invite_id in pending]
        failed = set(queue.enqueue(messages))
        pending = [item for i, item in enumerate(pending) if i in failed]
    return [line for line, _ in pending]


def _member(job: InviteJob, line: InviteLine) -> Member:
    return Member(
        tenant=job.tenant,
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
        invited_by=job.admin_email,
        invite_id=job.job_id,
        invitation="pending",
    )


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        status = str(row["status"])
        totals[status] = totals.get(status, 0) + 1
    return totals


def _bounded(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first report lines, as many as fit the batch item (at most MAX_STORED_ROWS)."""
    kept: list[dict[str, Any]] = []
    size = 0
    for row in rows[:MAX_STORED_ROWS]:
        size += len(json.dumps(row)) + 16
        if size > BATCH_ROWS_BUDGET:
            break
        kept.append(row)
    return kept


def describe_invite_job(job: InviteJob) -> dict[str, Any]:
    """A job as the CLI and the page show its progress."""
    return {
        "job_id": job.job_id,
        "status": job.status,
        "filename": job.filename,
        "lines": int(job.lines or 0),
        "processed": int(job.processed or 0),
        "counts": {str(k): int(v) for k, v in dict(job.counts.as_dict() if job.counts else {}).items()},
        "error": job.error,
    }
