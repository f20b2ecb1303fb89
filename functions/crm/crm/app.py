"""CRM function: inbound CRM webhooks.

Only the route exists in this release: it answers 501 with a clear message so a CRM configured too
early gets an honest error rather than a silent success. Salesforce, HubSpot and generic signed webhooks,
attribution and write-back are tracked as their own issue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath.observability import logger, metrics, tracer

app = APIGatewayRestResolver()


@app.post("/crm/<tenant>/webhook")
def generic_webhook(tenant: str) -> Response:
    logger.info("crm webhook refused: not available yet", extra={"tenant": tenant})
    return Response(
        status_code=501,
        content_type="application/json",
        body={"message": "CRM webhooks are not available yet; nothing was stored. Do not retry."},
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
