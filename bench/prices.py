"""AWS list prices the cost bench uses: us-east-1, on-demand, USD, free tiers ignored.

One table, one date. Every figure names the page it comes from. "checked": the figure was read in a stored copy
of that page or a page quoting it; "assumed": the best known list price on PRICES_DATE, no current copy of the
page being readable offline (this machine has no access to AWS). Change a figure here and every line follows.
"""

from __future__ import annotations

PRICES_DATE = "2026-12-02"
REGION = "us-east-1"

# name: (USD, per what, source, status)
PRICES: dict[str, tuple[float, str, str, str]] = {
    # DynamoDB on-demand (Standard table class), since the 2024-11-01 cut of 50 %.
    "dynamodb.read_request_unit": (0.125e-6, "RRU", "https://aws.amazon.com/dynamodb/pricing/on-demand/", "checked"),
    "dynamodb.write_request_unit": (0.625e-6, "WRU", "https://aws.amazon.com/dynamodb/pricing/on-demand/", "checked"),
    "dynamodb.storage_gb_month": (0.25, "GB-month", "https://aws.amazon.com/dynamodb/pricing/on-demand/", "assumed"),
    "dynamodb.pitr_gb_month": (0.20, "GB-month", "https://aws.amazon.com/dynamodb/pricing/on-demand/", "assumed"),
    # Lambda, arm64 (first 6 billion GB-s tier), billed per 1 ms.
    "lambda.arm64_gb_second": (0.0000133334, "GB-s", "https://aws.amazon.com/lambda/pricing/", "checked"),
    "lambda.request": (0.20e-6, "invocation", "https://aws.amazon.com/lambda/pricing/", "checked"),
    # EventBridge custom events, per 64 KB chunk of an entry.
    "eventbridge.custom_event": (1.00e-6, "64 KB chunk", "https://aws.amazon.com/eventbridge/pricing/", "assumed"),
    # EventBridge Scheduler: per invocation (creating, updating and deleting schedules is not charged).
    "scheduler.invocation": (1.00e-6, "invocation", "https://aws.amazon.com/eventbridge/pricing/", "assumed"),
    # SES: per message per recipient, attachments per GB; receiving per message and per 256 KB chunk.
    "ses.message": (0.10e-3, "recipient", "https://aws.amazon.com/ses/pricing/", "assumed"),
    "ses.attachment_gb": (0.12, "GB", "https://aws.amazon.com/ses/pricing/", "assumed"),
    "ses.received_message": (0.10e-3, "message", "https://aws.amazon.com/ses/pricing/", "assumed"),
    "ses.received_chunk": (0.09e-3, "256 KB chunk", "https://aws.amazon.com/ses/pricing/", "assumed"),
    # API Gateway REST API, first 333 million requests a month.
    "apigateway.rest_request": (3.50e-6, "request", "https://aws.amazon.com/api-gateway/pricing/", "assumed"),
    # S3 Standard.
    "s3.put_class": (0.005e-3, "PUT, COPY, POST, LIST", "https://aws.amazon.com/s3/pricing/", "assumed"),
    "s3.get_class": (0.0004e-3, "GET, HEAD, other", "https://aws.amazon.com/s3/pricing/", "assumed"),
    "s3.storage_gb_month": (0.023, "GB-month", "https://aws.amazon.com/s3/pricing/", "assumed"),
    # SQS standard queues, per 64 KB chunk of a request.
    "sqs.request": (0.40e-6, "64 KB chunk", "https://aws.amazon.com/sqs/pricing/", "assumed"),
    # SSM Parameter Store standard parameters and standard throughput are free; a SecureString is decrypted
    # with KMS on every GetParameter(WithDecryption), a KMS request.
    "ssm.standard_request": (0.0, "API call", "https://aws.amazon.com/systems-manager/pricing/", "assumed"),
    "kms.request": (0.03e-4, "request", "https://aws.amazon.com/kms/pricing/", "assumed"),
    # CloudWatch: Logs ingestion (Standard class) and storage, custom metrics, standard alarms.
    "logs.ingestion_gb": (0.50, "GB", "https://aws.amazon.com/cloudwatch/pricing/", "assumed"),
    "logs.storage_gb_month": (0.03, "GB-month", "https://aws.amazon.com/cloudwatch/pricing/", "assumed"),
    "cloudwatch.metric_month": (0.30, "metric-month", "https://aws.amazon.com/cloudwatch/pricing/", "assumed"),
    "cloudwatch.alarm_month": (0.10, "alarm-month", "https://aws.amazon.com/cloudwatch/pricing/", "assumed"),
    # X-Ray: traces recorded (Tracing: Active in the template's Globals).
    "xray.trace": (5.00e-6, "trace recorded", "https://aws.amazon.com/xray/pricing/", "assumed"),
}


def price(name: str) -> float:
    return PRICES[name][0]


def table_note() -> str:
    return f"{REGION} on-demand list prices of {PRICES_DATE} (bench/prices.py), free tiers ignored"
