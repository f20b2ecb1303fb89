"""Reading ``infra/template.yaml``: the functions, routes, event rules and table the local stack and tests use.

Nothing about routes, rules or tables is written twice: the local front door, the local event bus and the
test fixtures all take them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation short-form tags (!Ref, !Sub, ...) as plain data."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in the template: /requests/{request_id}
    function: str

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(f"^{regex}$")


@dataclass(frozen=True)
class Rule:
    function: str
    name: str
    pattern: dict[str, Any]
    on_default_bus: bool = False  # AWS services (SES feedback) publish to the account's default bus


@dataclass(frozen=True)
class S3Trigger:
    function: str
    name: str
    bucket: str  # the bucket's logical id
    prefix: str


@dataclass(frozen=True)
class SqsTrigger:
    function: str
    name: str
    queue: str  # the queue's logical id


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class Template:
    raw: dict[str, Any]
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    s3_triggers: list[S3Trigger] = field(default_factory=list)
    sqs_triggers: list[SqsTrigger] = field(default_factory=list)

    def resource(self, logical_id: str) -> dict[str, Any]:
        return self.raw["Resources"][logical_id]  # type: ignore[no-any-return]

    def table_definition(self, logical_id: str = "Table") -> dict[str, Any]:
        """CreateTable arguments from the table's Properties (what DynamoDB itself takes)."""
        props = self.resource(logical_id)["Properties"]
        return {
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "GlobalSecondaryIndexes": props.get("GlobalSecondaryIndexes", []),
            "BillingMode": props["BillingMode"],
        }

    def ttl_attribute(self, logical_id: str = "Table") -> str | None:
        spec = self.resource(logical_id)["Properties"].get("TimeToLiveSpecification") or {}
        return spec.get("AttributeName") if spec.get("Enabled") else None

    def match_route(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method.upper():
                continue
            found = route.pattern.match(path)
            if found:
                return route, found.groupdict()
        return None


ROUTES_METADATA = "Warmpath::Routes"


def table_routes(raw: dict[str, Any]) -> list[Route]:
    """The routes a proxied function serves, from the template's ``Metadata: {Warmpath::Routes: ...}`` table.

    API Gateway sends such a function everything (``ANY /`` and ``ANY /{proxy+}``) and its resolver routes;
    the table says what the resolver serves, so locally anything else is a 404 before any function runs.
    """
    table = (raw.get("Metadata") or {}).get(ROUTES_METADATA) or {}
    routes = []
    for function, entries in table.items():
        if function not in raw["Resources"]:
            raise ValueError(f"{ROUTES_METADATA} names {function}, which is not a resource")
        for entry in entries:
            method, path = entry.split(" ", 1)
            routes.append(Route(method.upper(), path, function))
    return routes


@lru_cache(maxsize=1)
def load_template(path: Path = TEMPLATE) -> Template:
    raw = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    functions: dict[str, FunctionSpec] = {}
    routes: list[Route] = []
    rules: list[Rule] = []
    s3_triggers: list[S3Trigger] = []
    sqs_triggers: list[SqsTrigger] = []
    for logical_id, resource in raw["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        functions[logical_id] = FunctionSpec(
            logical_id=logical_id,
            code_uri=(path.parent / props["CodeUri"]).resolve(),
            handler=props["Handler"],
        )
        for event_name, event in (props.get("Events") or {}).items():
            if event["Type"] == "Api":
                if "+}" not in event["Properties"]["Path"] and event["Properties"]["Method"].upper() != "ANY":
                    routes.append(Route(event["Properties"]["Method"].upper(), event["Properties"]["Path"], logical_id))
            elif event["Type"] == "EventBridgeRule":
                properties = event["Properties"]
                rules.append(
                    Rule(
                        logical_id,
                        f"{logical_id}-{event_name}",
                        properties["Pattern"],
                        "EventBusName" not in properties,
                    )
                )
            elif event["Type"] == "S3":
                rules_ = event["Properties"].get("Filter", {}).get("S3Key", {}).get("Rules", [])
                prefix = next((r["Value"] for r in rules_ if r["Name"] == "prefix"), "")
                bucket = event["Properties"]["Bucket"]["Ref"]
                s3_triggers.append(S3Trigger(logical_id, f"{logical_id}-{event_name}", bucket, prefix))
            elif event["Type"] == "SQS":
                queue = event["Properties"]["Queue"]["Fn::GetAtt"].split(".")[0]
                sqs_triggers.append(SqsTrigger(logical_id, f"{logical_id}-{event_name}", queue))
    routes.extend(table_routes(raw))
    # Literal segments beat parameters (/requests/new before /requests/{request_id}), as in API Gateway.
    routes.sort(key=lambda r: (r.path.count("{"), -len(r.path)))
    return Template(
        raw=raw, functions=functions, routes=routes, rules=rules, s3_triggers=s3_triggers, sqs_triggers=sqs_triggers
    )
