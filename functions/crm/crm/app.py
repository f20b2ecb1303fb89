"""CRM function: webhooks in (``POST /crm/{tenant}/salesforce|hubspot|webhook``).

Each delivery is verified with the tenant's own secret (SSM SecureString ``<CRM_SECRETS_PREFIX>/<tenant>/
<provider>``, set by ``warmpath crm configure``), read (``warmpath.crm``), stored and acted on
(``crm.service``), and only then acknowledged -- Salesforce's SOAP ``Ack`` true included, so a failure makes
the CRM retry, and the retry is applied once. A bad signature or organisation gets 401 and nothing is
stored; a delivery we cannot read gets 400 saying what is wrong.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.crm import tenant_config
from warmpath.observability import logger, metrics, tracer

app = APIGatewayRestResolver()
PROVIDERS = ("salesforce", "hubspot", "webhook")
SOAP_ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    ' <soapenv:Body>\n  <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">\n'
    "   <Ack>true</Ack>\n  </notificationsResponse>\n </soapenv:Body>\n</soapenv:Envelope>\n"
)
SOAP_FAULT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">\n'
    " <soapenv:Body>\n  <soapenv:Fault>\n   <faultcode>soapenv:Client</faultcode>\n"
    "   <faultstring>{}</faultstring>\n   <detail />\n  </soapenv:Fault>\n </soapenv:Body>\n</soapenv:Envelope>\n"
)
NOT_CONFIGURED = "the signature is not valid, or this CRM is not configured for this tenant"


def _body() -> str:
    event = app.current_event
    raw = event.get("body") or ""
    return base64.b64decode(raw).decode("utf-8") if event.get("isBase64Encoded") else raw


def _json(status: int, **body: Any) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


def _soap_fault(status: int, message: str) -> Response[str]:
    from xml.sax.saxutils import escape

    return Response(status_code=status, content_type="text/xml; charset=utf-8", body=SOAP_FAULT.format(escape(message)))


def _store(tenant: str, provider: str, changes: list[Any]) -> dict[str, Any]:
    from crm.service import process

    outcome = process(wiring.repository(), wiring.event_bus(), tenant, provider, changes)
    metrics.add_metric(name="CrmChangesApplied", unit="Count", value=outcome.applied)
    logger.info("crm delivery stored", extra={"provider": provider, "applied": outcome.applied,
                                              "unchanged": outcome.unchanged})  # fmt: skip
    return {"applied": outcome.applied, "unchanged": outcome.unchanged}


@app.post("/crm/<tenant>/salesforce")
def salesforce(tenant: str) -> Response[str]:
    import hmac

    from warmpath.crm import CrmInputError, parse_salesforce, same_salesforce_org

    config = tenant_config(tenant, "salesforce")
    key = (app.current_event.query_string_parameters or {}).get("key", "")
    if config is None or (config.get("secret") and not hmac.compare_digest(str(config["secret"]), key)):
        return _soap_fault(401, NOT_CONFIGURED)
    try:
        message = parse_salesforce(_body().encode())
    except CrmInputError as problem:
        return _soap_fault(400, str(problem))
    if not same_salesforce_org(str(config.get("org_id", "")), message.organization_id):
        logger.warning("salesforce delivery from another organisation refused")
        return _soap_fault(401, "this message comes from a Salesforce organisation this tenant did not configure")
    _store(tenant, "salesforce", message.changes)
    return Response(status_code=200, content_type="text/xml; charset=utf-8", body=SOAP_ACK)


def _signed_json(
    tenant: str, provider: str, verify: Callable[[dict[str, Any], str], None], parse: Callable[[str], list[Any]]
) -> Response[str]:
    """Verify a JSON delivery with the tenant's secret, read it, store it: 401, 400 or 200 with counts."""
    from warmpath.crm import CrmInputError, SignatureError

    body, config = _body(), tenant_config(tenant, provider)
    try:
        if config is None:
            raise SignatureError(NOT_CONFIGURED)
        verify(config, body)
        changes = parse(body)
    except SignatureError as problem:
        return _json(401, message=str(problem))
    except CrmInputError as problem:
        return _json(400, message=str(problem))
    return _json(200, **_store(tenant, provider, changes))


@app.post("/crm/<tenant>/hubspot")
def hubspot(tenant: str) -> Response[str]:
    from warmpath.config import get_settings
    from warmpath.crm import parse_hubspot, verify_hubspot

    event = app.current_event
    query = event.get("multiValueQueryStringParameters") or {}
    uri = get_settings().public_base_url + event.path
    if query:
        uri += "?" + "&".join(f"{k}={v}" for k, values in query.items() for v in values)

    def verify(config: dict[str, Any], body: str) -> None:
        verify_hubspot(
            str(config.get("secret", "")),
            event.http_method,
            uri,
            body,
            event.headers.get("x-hubspot-request-timestamp", ""),
            event.headers.get("x-hubspot-signature-v3", ""),
            datetime.now(UTC),
        )

    return _signed_json(tenant, "hubspot", verify, parse_hubspot)


@app.post("/crm/<tenant>/webhook")
def generic_webhook(tenant: str) -> Response[str]:
    from warmpath.crm import parse_generic, verify_generic

    headers = app.current_event.headers

    def verify(config: dict[str, Any], body: str) -> None:
        verify_generic(
            str(config.get("secret", "")),
            headers.get("x-warmpath-timestamp", ""),
            body,
            headers.get("x-warmpath-signature", ""),
            datetime.now(UTC),
        )

    return _signed_json(tenant, "webhook", verify, parse_generic)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
