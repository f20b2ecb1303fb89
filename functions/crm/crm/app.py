"""CRM function: webhooks in (``POST /crm/{tenant}/salesforce|hubspot|webhook``).

Each delivery is verified with the tenant's own secret (SSM SecureString ``<CRM_SECRETS_PREFIX>/<tenant>/
<provider>``, set by ``warmpath crm configure``), read (``warmpath.crm``), stored and acted on
(``crm.service``), and only then acknowledged -- Salesforce's SOAP ``Ack`` true included, so a failure makes
the CRM retry, and the retry is applied once. A bad signature, endpoint key or organisation gets 401 and
nothing is stored; a delivery we cannot read gets 400 saying what is wrong (413 past ``MAX_BODY_BYTES``).

Salesforce's endpoint key travels in the query string (``?key=``), so nothing here may log the event:
``log_event=False`` and ``debug=False`` are fixed in code, where ``POWERTOOLS_LOGGER_LOG_EVENT`` or
``POWERTOOLS_DEV`` cannot turn them on.
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
from warmpath.core.observability import logger, metrics, tracer
from warmpath.crm import tenant_config

app = APIGatewayRestResolver(debug=False)  # debug prints every event, query string (the key) included
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
BAD_KEY = (
    "the endpoint key (?key=) is missing or wrong, or Salesforce is not connected for this tenant: copy the "
    "endpoint URL shown when Salesforce was connected into the Outbound Message"
)
MAX_BODY_BYTES = 1024 * 1024  # a batch of 100 Outbound Message notifications or HubSpot events is far smaller


class BodyTooLarge(ValueError):
    pass


def _body() -> str:
    """The body as text; CrmInputError when it is not UTF-8 (or not base64 when it says it is)."""
    import binascii

    from warmpath.crm import CrmInputError

    event = app.current_event
    raw = event.get("body") or ""
    if not isinstance(raw, str) or len(raw) > MAX_BODY_BYTES * 4 // 3 + 4:
        raise BodyTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KB")
    try:
        data = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else raw.encode()
        if len(data) > MAX_BODY_BYTES:
            raise BodyTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KB")
        return data.decode("utf-8")
    except (binascii.Error, UnicodeError):
        raise CrmInputError("the body is not UTF-8 text") from None


def _json(status: int, **body: Any) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


def _soap_fault(status: int, message: str) -> Response[str]:
    from xml.sax.saxutils import escape

    return Response(status_code=status, content_type="text/xml; charset=utf-8", body=SOAP_FAULT.format(escape(message)))


def _store(tenant: str, provider: str, changes: list[Any]) -> dict[str, Any]:
    from crm.service import process

    outcome = process(wiring.repository(), wiring.event_bus(), tenant, provider, changes)
    metrics.add_metric(name="CrmChangesApplied", unit="Count", value=outcome.applied)
    dropped = [{"delivery": c.delivery_id, "field": name, "reason": why} for c in changes for name, why in c.dropped]
    for each in dropped:  # the field's name and why, never its value
        logger.warning("crm field dropped", extra={"provider": provider, "field": each["field"],
                                                   "reason": each["reason"]})  # fmt: skip
    logger.info("crm delivery stored", extra={"provider": provider, "applied": outcome.applied,
                                              "unchanged": outcome.unchanged})  # fmt: skip
    return {"applied": outcome.applied, "unchanged": outcome.unchanged, **({"dropped": dropped} if dropped else {})}


def salesforce_key_matches(config: dict[str, Any], supplied: str) -> bool:
    """The delivery carries the connection's endpoint key. A connection stored without one (connected before
    keys existed) refuses every delivery until it is connected again."""
    from warmpath.crm import same_secret
    from warmpath.tenant_settings import has_endpoint_key

    return has_endpoint_key(config) and same_secret(str(config["secret"]), supplied)


@app.post("/crm/<tenant>/salesforce")
def salesforce(tenant: str) -> Response[str]:
    from warmpath.crm import CrmInputError, parse_salesforce, same_salesforce_org

    config = tenant_config(tenant, "salesforce")
    key = (app.current_event.query_string_parameters or {}).get("key") or ""
    if config is None or not salesforce_key_matches(config, key):
        logger.warning("salesforce delivery without the endpoint key refused")
        return _soap_fault(401, BAD_KEY)
    try:
        message = parse_salesforce(_body().encode())
    except BodyTooLarge as problem:
        return _soap_fault(413, str(problem))
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

    try:
        body, config = _body(), tenant_config(tenant, provider)
        if config is None:
            raise SignatureError(NOT_CONFIGURED)
        verify(config, body)
        changes = parse(body)
    except BodyTooLarge as problem:
        return _json(413, message=str(problem))
    except SignatureError as problem:
        return _json(401, message=str(problem))
    except CrmInputError as problem:
        return _json(400, message=str(problem))
    return _json(200, **_store(tenant, provider, changes))


@app.post("/crm/<tenant>/hubspot")
def hubspot(tenant: str) -> Response[str]:
    from warmpath.core.config import get_settings
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


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
