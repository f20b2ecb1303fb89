"""Bulk invite worker: an admin's CSV landed in the uploads bucket (``invites/<job id>``); invite it.

The job was opened by the upload (the page or ``warmpath invite``); ``warmpath.invite_jobs`` does the work a
chunk at a time and can be run again at any point. A redelivered S3 event finds the job taken or finished
and changes nothing; a retry after a crash (the asynchronous invocation's retries) resumes the job once its
lease has lapsed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.errors import NotFound
from warmpath.core.observability import logger, metrics, tracer


def _read(bucket: str, key: str) -> bytes:
    import boto3

    return bytes(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_source(data_class=S3Event)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    from warmpath.invite_jobs import INVITE_PREFIX, run_invite_job

    results: dict[str, str] = {}
    for record in event.records:
        key = unquote_plus(record.s3.get_object.key)
        if not key.startswith(INVITE_PREFIX):
            continue
        job_id = key.removeprefix(INVITE_PREFIX)
        try:
            results[job_id] = run_invite_job(
                wiring.repository(),
                wiring.invite_queue(),
                wiring.event_bus(),
                job_id,
                _read(record.s3.bucket.name, key),
            )
        except NotFound:  # an object no upload opened a job for: nothing to do, and nothing to retry
            logger.warning("no invite job for this upload", extra={"job_id": job_id[:40]})
            results[job_id[:40]] = "unknown"
            continue
        logger.info("invite job ran", extra={"job_id": job_id, "status": results[job_id]})
        metrics.add_metric(name="InviteJob", unit="Count", value=1)
    return {"jobs": results}
