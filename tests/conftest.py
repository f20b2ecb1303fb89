"""Shared test fixtures: real AWS event shapes from ../shared/fixtures, and AWS mocked with moto.

The table is created from ``infra/template.yaml``'s own definition, so tests and infrastructure cannot
drift apart.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from hypothesis import HealthCheck, settings
from moto import mock_aws
from warmpath import wiring
from warmpath.events import EventContract
from warmpath.tokens import SigningKeys
from warmpath_local.stack import LocalContext, LocalStack, local_environment
from warmpath_local.template import load_template

# Property-based tests: a fixed seed and bounded examples, so `make test` stays well inside CI's time and a
# failure replays. HYPOTHESIS_PROFILE=deep explores more (never in CI).
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = Path(os.environ.get("WARMPATH_FIXTURES", ROOT.parent / "shared" / "fixtures"))
AWS_EVENTS = SHARED_FIXTURES / "aws_events"
APP_HOST = "app.warmpath.test"


def load_fixture(relative: str) -> Any:
    """A third-party fixture from ../shared/fixtures (see SOURCES.md there for where each came from)."""
    return json.loads((SHARED_FIXTURES / relative).read_text())


class CapturingBus:
    """An EventBus port that remembers what was published (instead of EventBridge)."""

    def __init__(self) -> None:
        self.published: list[EventContract] = []

    def publish(self, *events: EventContract) -> None:
        self.published.extend(events)

    def of_type(self, contract: type[EventContract]) -> list[Any]:
        return [e for e in self.published if isinstance(e, contract)]

    def clear(self) -> None:
        self.published.clear()


@dataclass
class AwsWorld:
    """What the ``aws`` fixture set up: moto-backed AWS, a signing key and a capturing event bus."""

    env: dict[str, str]
    bus: CapturingBus
    keys: SigningKeys

    def client(self, service: str) -> Any:
        return aws_client(service)

    def sent_emails(self) -> list[dict[str, Any]]:
        from warmpath_local.mailbox import sent_messages

        return sent_messages()


_CLIENTS: dict[str, Any] = {}


def aws_client(service: str) -> Any:
    """A boto3 client kept for the whole run (moto intercepts it whenever a mock is active)."""
    if service not in _CLIENTS:
        _CLIENTS[service] = boto3.client(service, region_name="us-east-1")
    return _CLIENTS[service]


def reset_function_state() -> None:
    import sys

    wiring.reset(keep_connection=True)
    for name in ("notify.app", "notify.invites", "crm.events", "crm.analytics"):
        module = sys.modules.get(name)
        if module is not None:
            module.reset_idempotency()  # type: ignore[attr-defined]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsWorld]:
    """Moto-backed AWS with the template's table, an SSM signing key, a verified SES domain and a bus."""
    env = local_environment(endpoint_url="", front_door_url=f"https://{APP_HOST}")
    env.pop("AWS_ENDPOINT_URL")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    template = load_template()
    with mock_aws():
        aws_client("dynamodb").create_table(TableName=env["TABLE_NAME"], **template.table_definition())
        keys_document = SigningKeys.new_document()
        aws_client("ssm").put_parameter(
            Name=env["SIGNING_KEYS_PARAMETER"], Type="SecureString", Value=json.dumps(keys_document)
        )
        aws_client("sesv2").create_email_identity(EmailIdentity=env["SENDER_ADDRESS"].split("@")[1])
        for bucket in (env["UPLOADS_BUCKET"], env["INBOUND_BUCKET"]):
            aws_client("s3").create_bucket(Bucket=bucket)
        queue_url = aws_client("sqs").create_queue(QueueName="warmpath-test-invites")["QueueUrl"]
        queue_arn = aws_client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        for name, value in (
            ("INVITE_QUEUE_URL", queue_url),
            ("INVITE_QUEUE_ARN", queue_arn["Attributes"]["QueueArn"]),
            ("SCHEDULER_ROLE_ARN", "arn:aws:iam::123456789012:role/test-scheduler"),
        ):
            monkeypatch.setenv(name, value)
            env[name] = value
        reset_function_state()
        bus = CapturingBus()
        wiring.override(event_bus=bus)
        yield AwsWorld(env=env, bus=bus, keys=SigningKeys.from_document(keys_document))
    reset_function_state()


# -- API Gateway events --------------------------------------------------------------------------------------


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    set_cookie_headers: list[str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """A local stack of the module's own, on a free port, for tests that talk to it over HTTP (e2e, browser)."""
    local = LocalStack(port=0)
    local.start()
    try:
        yield local
    finally:
        local.stop()


def api_event(
    method: str,
    path: str,
    *,
    form: dict[str, str] | None = None,
    json_body: Any = None,
    raw_body: str | None = None,
    content_type: str | None = None,
    cookies: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    host: str = APP_HOST,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST API proxy event, built on the real Powertools fixture, for a route declared in the template."""
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/apiGatewayProxyEvent.json"))
    found = load_template().match_route(method, path)
    resource, params = (found[0].path, found[1]) if found else (path, {})
    headers = {"Host": host, "User-Agent": "pytest", **(headers or {})}
    body: str | None = raw_body
    if form is not None:
        body, content_type = urlencode(form), "application/x-www-form-urlencoded"
    elif json_body is not None:
        body, content_type = json.dumps(json_body), content_type or "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    event.update(
        resource=resource,
        path=path,
        httpMethod=method,
        headers=headers,
        multiValueHeaders={k: [v] for k, v in headers.items()},
        queryStringParameters=query or None,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
        pathParameters=params or None,
        body=body,
        isBase64Encoded=False,
    )
    event["requestContext"].update(resourcePath=resource, httpMethod=method, path=path)
    return event


def call_intake(method: str, path: str, **kwargs: Any) -> HttpResult:
    from intake.app import lambda_handler

    result = lambda_handler(api_event(method, path, **kwargs), LocalContext(function_name="IntakeFunction"))
    headers = {k: v for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.setdefault(name, values[-1])
    set_cookies = list((result.get("multiValueHeaders") or {}).get("Set-Cookie", []))
    jar: SimpleCookie = SimpleCookie()
    for header in set_cookies:
        jar.load(header)
    return HttpResult(
        status=result["statusCode"],
        headers=headers,
        cookies={k: m.value for k, m in jar.items()},
        set_cookie_headers=set_cookies,
        body=result.get("body") or "",
    )


def eventbridge_event(
    contract: EventContract, event_id: str = "6a7e8feb-b491-4cf7-a9f1-bf3703467718"
) -> dict[str, Any]:
    """An EventBridge event, on the real fixture's envelope, carrying a Warmpath contract."""
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/eventBridgeEvent.json"))
    event.update(
        id=event_id,
        source=contract.SOURCE,
        **{"detail-type": contract.DETAIL_TYPE},
        detail=contract.model_dump(mode="json"),
    )
    return event


def call_function(module: str, event: dict[str, Any]) -> Any:
    import importlib

    handler = importlib.import_module(module).lambda_handler
    return handler(event, LocalContext(function_name=module.split(".")[0]))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Handlers read their Powertools settings (service, metrics namespace) when first imported, so a test
    module that imports one at collection, before the ``aws`` fixture sets the environment, breaks the
    metrics of every later test. Import handlers inside tests."""
    import sys

    if "warmpath.core.observability" in sys.modules:
        raise pytest.UsageError("A test module imported a function's handler at collection: import it in the test.")
