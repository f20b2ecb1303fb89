"""Network import worker: an upload landed in the uploads bucket (``imports/<job id>``); import it.

The job was created by whoever started the import (the CLI, the web page, an emailed attachment). This
reads the file, parses it (warmpath.contacts), writes the network in chunks (warmpath.network) recording
the job's progress after each, records the report and announces ``NetworkImported`` (notify emails the
report). Every job ends, "done" or "failed" with a reason, and is announced either way:

- the job is leased to the invocation that takes it (``Repository.claim_import_job``) for the function's
  remaining time plus ``LEASE_MARGIN``; a duplicate delivery while the lease holds changes nothing, and a
  finished job is announced again (notify sends one email per announcement's content);
- Lambda retries a failed or timed-out invocation (twice, ``MaximumRetryAttempts`` in the template) with the
  same request id, after the failed one ended: the retry takes the job over at once and resumes after the
  last chunk written (of the same file: its SHA-256 is kept; a replaced upload starts over); an expired lease
  is taken over by any delivery;
- a file that cannot be read fails the job at once (parsing is deterministic: a retry cannot help); an error
  while writing is retried, and on the last attempt (``MAX_ATTEMPTS``) fails the job, as does an attempt
  that would run out of time (the last one stops before a chunk it has no time left for).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.config import IMPORT_PREFIX
from warmpath.core.observability import logger, metrics, tracer

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from warmpath.models import ImportJob
    from warmpath.network import ChunkDone

MAX_REPORTED_SKIPS = 1_000
MAX_ATTEMPTS = 3  # the first invocation and Lambda's two retries
LEASE_MARGIN = timedelta(seconds=60)
DEFAULT_SECONDS = 300.0  # the function's timeout in the template, when there is no Lambda context to ask
TIME_MARGIN = 10.0  # seconds kept in hand after the slowest chunk's time, on the last attempt


@dataclass(frozen=True)
class Invocation:
    """The Lambda invocation running an import: its request id (kept across Lambda's retries) and its clock."""

    request_id: str
    remaining_seconds: Callable[[], float]

    @classmethod
    def of(cls, context: LambdaContext | None) -> Invocation:
        if context is None:
            return cls("local", lambda: DEFAULT_SECONDS)
        return cls(context.aws_request_id, lambda: context.get_remaining_time_in_millis() / 1000)


class _Superseded(Exception):
    """Another invocation took the job over (this one's lease expired); stop without touching it."""


class _OutOfTime(Exception):
    pass


def run_import(job_id: str, data: bytes | Callable[[], bytes], invocation: Invocation | None = None) -> str:
    """Import one uploaded file into its job's network; returns the job's status when this invocation stops."""
    from warmpath.contacts import UnreadableFile, parse_contacts
    from warmpath.core.errors import NotFound
    from warmpath.events import NetworkImported
    from warmpath.models import ImportJob, SkippedLine
    from warmpath.network import ChunkDone, import_in_chunks

    invocation = invocation or Invocation.of(None)
    repo, bus = wiring.repository(), wiring.event_bus()
    try:
        job = repo.get_import_job(job_id)
    except NotFound:
        logger.warning("upload without an import job", extra={"job_id": job_id})
        return "missing"

    def announce(status: str) -> None:
        bus.publish(
            NetworkImported(tenant=job.tenant or "-", job_id=job_id, connector_email=job.connector_email, status=status)  # type: ignore[arg-type]
        )

    if job.status in ("done", "failed"):
        announce(job.status)
        return str(job.status)
    now = datetime.now(UTC)
    lease = timedelta(seconds=invocation.remaining_seconds()) + LEASE_MARGIN
    if not repo.claim_import_job(job, invocation.request_id, now, lease):
        logger.info("import already taken", extra={"job_id": job_id, "status": job.status})
        return str(repo.get_import_job(job_id).status)
    attempt = int(job.attempts)

    def fail(reason: str) -> str:
        if repo.update_claimed_import_job(
            job,
            attempt,
            [
                ImportJob.status.set("failed"),
                ImportJob.error.set(reason),
                ImportJob.finished_at.set(datetime.now(UTC)),
            ],
        ):
            logger.info("network import failed", extra={"job_id": job_id, "attempt": attempt})
            announce("failed")
            return "failed"
        return "running"

    def retry_or_fail(message: str) -> str:
        """After an error that a retry may not meet again: let Lambda retry, unless this is the last attempt."""
        logger.exception(message, extra={"job_id": job_id, "attempt": attempt})
        if attempt >= MAX_ATTEMPTS:
            return fail(_interrupted(job, attempt))
        # Hand the job straight to Lambda's retry (same request id) or any other delivery, then let Lambda retry.
        repo.update_claimed_import_job(job, attempt, [ImportJob.lease_until.set(datetime.now(UTC))])
        raise

    if attempt > MAX_ATTEMPTS:
        return fail(_interrupted(job, attempt - 1))
    try:
        raw = data() if callable(data) else data
    except Exception as error:
        if _is_missing(error):
            return fail("The uploaded file is no longer there (uploads are kept for 7 days). Upload it again.")
        return retry_or_fail("import file could not be read")
    try:
        parsed = parse_contacts(raw)
    except UnreadableFile as error:
        return fail(error.message)
    except Exception:  # parsing is deterministic: a retry meets the same bug, and the job must still end
        logger.exception("import file could not be parsed", extra={"job_id": job_id})
        return fail("Something went wrong on our side while reading this file. Try again later.")

    def record(chunk: ChunkDone) -> None:
        actions: list[Action] = [
            ImportJob.chunks_done.set(chunk.chunks),
            ImportJob.imported.set(chunk.imported),
            ImportJob.merged.set(chunk.merged),
            *([ImportJob.org_keys.add(set(chunk.org_keys))] if chunk.org_keys else []),
        ]
        if not repo.update_claimed_import_job(job, attempt, actions):
            raise _Superseded
        slowest[0] = max(slowest[0], _clock() - started[0])
        started[0] = _clock()

    slowest, started = [0.0], [_clock()]

    def before_chunk(index: int) -> None:
        # Only the last attempt stops itself: an earlier one that runs out of time is retried and resumes.
        if attempt >= MAX_ATTEMPTS and invocation.remaining_seconds() < 1.5 * slowest[0] + TIME_MARGIN:
            raise _OutOfTime

    digest = hashlib.sha256(raw).hexdigest()
    resume = ChunkDone(int(job.chunks_done or 0), int(job.imported or 0), int(job.merged or 0), frozenset())
    started_over = job.digest is not None and job.digest != digest  # the upload was replaced: this file is new
    if started_over or job.digest is None:
        resume = ChunkDone(0, 0, 0, frozenset())
    try:
        if not repo.update_claimed_import_job(
            job,
            attempt,
            [
                ImportJob.format.set(parsed.format),
                ImportJob.total.set(len(parsed.contacts)),
                ImportJob.digest.set(digest),
                *([ImportJob.chunks_done.set(0)] if started_over else []),
            ],
        ):
            raise _Superseded
        imported, merged = import_in_chunks(
            repo,
            job.connector_email,
            parsed,
            record,
            mark=f"{job_id}:{digest[:16]}",
            resume=resume,
            before_chunk=before_chunk,
        )
        finished = repo.update_claimed_import_job(
            job,
            attempt,
            [
                ImportJob.status.set("done"),
                ImportJob.skipped.set(
                    [SkippedLine(line=s.line, reason=s.reason) for s in parsed.skipped[:MAX_REPORTED_SKIPS]]
                ),
                ImportJob.skipped_count.set(len(parsed.skipped)),
                ImportJob.finished_at.set(datetime.now(UTC)),
            ],
        )
    except _Superseded:
        logger.info("import taken over by another invocation", extra={"job_id": job_id, "attempt": attempt})
        return "running"
    except _OutOfTime:
        return fail(
            f"The file is too big to import in the time allowed. {_progress(job)} "
            "Split the file into smaller ones and upload them one at a time."
        )
    except Exception:
        return retry_or_fail("network import interrupted")
    if not finished:
        return "running"
    logger.info("network imported", extra={"job_id": job_id, "imported": imported, "merged": merged})
    announce("done")
    return "done"


def _clock() -> float:
    import time

    return time.monotonic()


def _progress(job: ImportJob) -> str:
    done = int(job.imported or 0) + int(job.merged or 0)
    if not done:
        return "Nothing was added."
    return (
        f"{done:,} of its {int(job.total or 0):,} contacts were added; uploading the same file again adds the rest "
        "and nothing twice."
    )


def _interrupted(job: ImportJob, attempts: int) -> str:
    return f"The import was interrupted {attempts} times by an error on our side. {_progress(job)}"


def _is_missing(error: Exception) -> bool:
    """The upload is gone (expired, deleted): no retry brings it back."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code in ("NoSuchKey", "404", "NotFound")


def _read(bucket: str, key: str) -> Callable[[], bytes]:
    def read() -> bytes:
        import boto3

        return bytes(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())

    return read


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_source(data_class=S3Event)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    results: dict[str, str] = {}
    for record in event.records:
        key = unquote_plus(record.s3.get_object.key)
        if not key.startswith(IMPORT_PREFIX):
            continue
        job_id = key.removeprefix(IMPORT_PREFIX)
        results[job_id] = run_import(job_id, _read(record.s3.bucket.name, key), Invocation.of(context))
        metrics.add_metric(name="NetworkImport", unit="Count", value=1)
    return {"jobs": results}
