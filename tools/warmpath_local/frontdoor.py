"""The local HTTP front door: requests in, API Gateway REST proxy events out, to the routed function.

Routes come from the template (explicit ``Api`` events, and the ``Warmpath::Routes`` table of what the
proxied intake function serves). Unknown routes get a 404 here, as the resolver or API Gateway answers.
``/_dev/...`` is the dev mailbox, which exists only locally.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from warmpath_local import mailbox

if TYPE_CHECKING:
    from warmpath_local.stack import LocalStack

log = logging.getLogger("warmpath_local")


def to_proxy_event(request: Request, resource: str, path_parameters: dict[str, str]) -> dict[str, Any]:
    """An API Gateway REST API (v1) Lambda proxy event for ``request``."""
    raw = request.get_data()
    try:
        body: str | None = raw.decode("utf-8") if raw else None
        is_base64 = False
    except UnicodeDecodeError:
        body, is_base64 = base64.b64encode(raw).decode(), True
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        multi_headers.setdefault(name, []).append(value)
    multi_query = {k: request.args.getlist(k) for k in request.args}
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "resourcePath": resource,
            "httpMethod": request.method,
            "path": request.path,
            "stage": "local",
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "domainName": request.host,
            "identity": {
                "sourceIp": request.remote_addr or "127.0.0.1",
                "userAgent": request.user_agent.string,
            },
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def from_proxy_result(result: dict[str, Any]) -> Response:
    headers = Headers()
    for name, value in (result.get("headers") or {}).items():
        headers.add(name, value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        if name in (result.get("headers") or {}):
            headers.remove(name)
        for value in values:
            headers.add(name, value)
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    return Response(data, status=int(result.get("statusCode", 502)), headers=headers)


SECRET_QUERY = re.compile(r"([?&](?:key|token)=)[^&\s\"']*", re.IGNORECASE)


def redact_query(text: str) -> str:
    """A log line with secrets in query strings blanked: Salesforce's endpoint key travels as ``?key=``."""
    return SECRET_QUERY.sub(r"\1[redacted]", text)


class RedactingRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, logging every line (requests, errors) with query-string secrets blanked."""

    def log(self, type: str, message: str, *args: Any) -> None:
        super().log(type, "%s", redact_query(message % args if args else message))


class PooledServer(BaseWSGIServer):
    """Werkzeug's server, answering from a fixed pool of threads.

    A new thread per request (werkzeug's ``threaded=True``) would give every request a fresh PynamoDB
    botocore session (they are per thread), which costs ~0.2 s each.
    """

    def __init__(self, host: str, port: int, app: Any, workers: int = 8) -> None:
        super().__init__(host, port, app, handler=RedactingRequestHandler)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="front-door")

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self._serve, request, client_address)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


class FrontDoor:
    """The WSGI application the local server runs."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_dev/"):
            return mailbox.handle(self.stack, request)
        found = self.stack.template.match_route(request.method, request.path)
        if found is None:
            return Response(
                json.dumps({"message": f"Nothing lives at {request.method} {request.path}."}),
                status=404,
                content_type="application/json",
            )
        route, params = found
        try:
            result = self.stack.functions.invoke(route.function, to_proxy_event(request, route.path, params))
        except Exception:
            # API Gateway answers 502 when the function fails; the traceback goes to the console.
            log.exception("function %s failed on %s %s", route.function, request.method, request.path)
            return Response(
                json.dumps({"message": "Internal server error"}), status=502, content_type="application/json"
            )
        return from_proxy_result(result)
