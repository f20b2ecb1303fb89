"""Network import worker: an upload landed in the uploads bucket (``imports/<job id>``); import it.

The job was created by whoever started the import (the CLI, later the web page and emailed attachments).
This reads the file, parses it (warmpath.contacts), writes the network in chunks (warmpath.network)
updating the job's progress after each, records the report and announces ``NetworkImported``. A
redelivered S3 event finds the job already taken and changes nothing (a finished job is announced again).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.config import IMPORT_PREFIX
from warmpath.observability import logger, metrics, tracer

MAX_REPORTED_SKIPS = 1_000


def run_import(job_id: str, data: bytes) -> str:
    """Import one uploaded file into its job's network; returns the job's final status."""
    from warmpath.contacts import UnreadableFile, parse_contacts
    from warmpath.events import NetworkImported
    from warmpath.models import ImportJob, SkippedLine
    from warmpath.network import import_in_chunks

    repo, bus = wiring.repository(), wiring.event_bus()
    job = repo.get_import_job(job_id)

    def announce(status: str) -> None:
        bus.publish(
            NetworkImported(tenant=job.tenant or "-", job_id=job_id, connector_email=job.connector_email, status=status)  # type: ignore[arg-type]
        )

    if not repo.start_import_job(job):
        logger.info("import already taken", extra={"job_id": job_id, "status": job.status})
        if job.status in ("done", "failed"):
            announce(job.status)
        return job.status
    try:
        parsed = parse_contacts(data)
    except UnreadableFile as error:
        job.update(
            actions=[
                ImportJob.status.set("failed"),
                ImportJob.error.set(error.message),
                ImportJob.finished_at.set(datetime.now(UTC)),
            ]
        )
        announce("failed")
        return "failed"
    job.update(actions=[ImportJob.format.set(parsed.format), ImportJob.total.set(len(parsed.contacts))])
    touched: set[str] = set()
    imported, merged = import_in_chunks(
        repo,
        job.connector_email,
        parsed,
        on_progress=lambda i, m: job.update(actions=[ImportJob.imported.set(i), ImportJob.merged.set(m)]),
        touched=touched,
    )
    job.update(
        actions=[
            ImportJob.status.set("done"),
            *([ImportJob.org_keys.set(touched)] if touched else []),
            ImportJob.skipped.set(
                [SkippedLine(line=s.line, reason=s.reason) for s in parsed.skipped[:MAX_REPORTED_SKIPS]]
            ),
            ImportJob.skipped_count.set(len(parsed.skipped)),
            ImportJob.finished_at.set(datetime.now(UTC)),
        ]
    )
    logger.info("network imported", extra={"job_id": job_id, "imported": imported, "merged": merged})
    announce("done")
    return "done"


def _read(bucket: str, key: str) -> bytes:
    import boto3

    return bytes(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


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
        results[job_id] = run_import(job_id, _read(record.s3.bucket.name, key))
        metrics.add_metric(name="NetworkImport", unit="Count", value=1)
    return {"jobs": results}
