"""Intake function: every HTTP route of the product (pages, JSON API, sign-in, signed action links).

Routes are declared in the routers and, one for one, in ``infra/template.yaml``; a test checks that the
two lists agree. Domain errors become HTTP answers here and nowhere else.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath.core.errors import WarmpathError
from warmpath.core.observability import logger, metrics, tracer

from intake import (
    action_routes,
    admin_routes,
    analytics_routes,
    api_routes,
    approval_routes,
    asks_routes,
    auth_routes,
    contribution_routes,
    followup_routes,
    invite_routes,
    network_routes,
    offer_routes,
    preference_routes,
    rating_routes,
    request_routes,
    unsubscribe_routes,
    web,
)
from intake.deferred_validation import DeferredValidationResolver

# Validated as with enable_validation=True; pydantic and the API's models load on the first request instead of
# at import (intake.deferred_validation).
app = DeferredValidationResolver(models="intake.schemas")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Tokens travel in URLs (/a/<token>, /auth/magic?token=): never leak them through Referer.
    "Referrer-Policy": "no-referrer",
}


ROUTERS = (
    auth_routes,
    request_routes,
    api_routes,
    action_routes,
    approval_routes,
    network_routes,
    invite_routes,
    rating_routes,
    unsubscribe_routes,
    followup_routes,
    preference_routes,
    offer_routes,
    analytics_routes,
    contribution_routes,
    admin_routes,
    asks_routes,
)
for module in ROUTERS:
    app.include_router(module.router)


def _wants_json() -> bool:
    """API paths, JSON bodies and clients that ask for JSON get JSON errors; browsers get a page."""
    event = app.current_event
    content_type = (event.headers.get("content-type") or "").lower()
    accept = (event.headers.get("accept") or "").lower()
    return (
        event.path.startswith("/api/")
        or content_type.startswith("application/json")
        or ("application/json" in accept and "text/html" not in accept)
    )


@app.get("/api/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(
        status_code=200,
        content_type="application/json",
        body=app.get_openapi_json_schema(title="Warmpath API", version="1", description="Warm introductions."),
    )


@app.exception_handler(WarmpathError)
def domain_error(error: WarmpathError) -> Response:
    if isinstance(error, web.SignInRequired) and not _wants_json():
        return web.redirect("/")
    if _wants_json():
        return Response(status_code=error.status_code, content_type="application/json", body={"message": error.message})
    return web.render("message.html", status=error.status_code, title=_title(error.status_code), body=error.message)


@app.exception_handler(RequestValidationError)
def invalid_request(error: RequestValidationError) -> Response[str]:
    """422 with every problem's location and a message saying what to fix (Powertools omits the message)."""
    detail = [
        {
            "loc": list(e.get("loc", ())),
            "type": e.get("type", "value_error"),
            "msg": str(e.get("msg", "is not valid")).removeprefix("Value error, "),
        }
        for e in error.errors()
    ]
    summary = "; ".join(f"{'.'.join(str(p) for p in d['loc'][1:]) or 'body'}: {d['msg']}" for d in detail)
    return Response(
        status_code=422,
        content_type="application/json",
        body=json.dumps({"message": f"Please fix: {summary}", "detail": detail}),
    )


@app.not_found
def not_found(_: Exception) -> Response:
    message = f"Nothing lives at {app.current_event.http_method} {app.current_event.path}."
    if _wants_json():
        return Response(status_code=404, content_type="application/json", body={"message": message})
    return web.render("message.html", status=404, title="Page not found", body=message)


def _title(status: int) -> str:
    return {
        400: "That didn't work",
        401: "Please sign in",
        403: "Not allowed",
        404: "Not found",
        409: "Nothing changed",
        410: "Link expired",
    }.get(status, "Something went wrong")


# Never log the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: it carries session cookies and signed links.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    refused = web.body_refusal(event)
    response: dict[str, Any]
    if refused:
        status, message = refused
        body = json.dumps({"message": message})
        response = {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": body}
    else:
        response = app.resolve(event, context)
    # Added here rather than in a middleware so error pages and 404s carry them too.
    headers = response.get("headers") or {}
    already = {name.lower() for name in [*headers, *(response.get("multiValueHeaders") or {})]}
    for name, value in {**SECURITY_HEADERS, "Cache-Control": "no-store"}.items():
        if name.lower() not in already:
            headers[name] = value
    response["headers"] = headers
    return response
