"""Deploy checks on the translated template (plain CloudFormation, from ``translate.py``): what would make a
first ``sam deploy`` fail, or a failed one impossible to retry, found without an AWS account.

- every function's resource-based policy (one statement per ``AWS::Lambda::Permission``) under Lambda's
  20 KB limit; SAM writes one permission per ``Api`` event, so 63 routes as events overflowed it;
- fewer than CloudFormation's 500 resources;
- every function's environment under Lambda's 4 KB (names and values, after Globals);
- no resource that keeps a fixed name when a failed create rolls back (``DeletionPolicy: Retain`` with a
  name): the retry would fail on "already exists". ``RetainExceptOnCreate`` is deleted on a failed create.

Intrinsics are rendered as values of a real deploy's length (ARNs, generated names), so the sizes are
estimates on the long side. ``python tools/warmpath_template/checks.py .aws-sam/translated.json`` prints the
figures and exits 1 on any problem.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

POLICY_LIMIT = 20 * 1024
ENVIRONMENT_LIMIT = 4 * 1024
RESOURCE_LIMIT = 500

STACK = "warmpath-prod"
REGION = "us-east-1"
ACCOUNT = "123456789012"
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::StackName": STACK,
    "AWS::URLSuffix": "amazonaws.com",
}
# Properties that give a resource a fixed physical name (CloudFormation generates one when they are absent).
NAME_PROPERTIES = (
    "BucketName",
    "FunctionName",
    "LogGroupName",
    "Name",
    "QueueName",
    "RoleName",
    "RuleSetName",
    "TableName",
    "TopicName",
)
SURVIVES_FAILED_CREATE = ("Retain", "Snapshot")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def _physical_name(logical_id: str, resource_type: str) -> str:
    """A generated name as CloudFormation makes them: stack-LogicalId-RANDOM, for a generated ARN's length."""
    if resource_type == "AWS::SQS::Queue":
        return f"{STACK}-{logical_id}-AbCdEfGhIjKl"
    return f"{STACK}-{logical_id}-AbCdEfGhIjKl"[:64]


def _arn(logical_id: str, resource_type: str) -> str:
    service = resource_type.split("::")[1].lower()
    name = _physical_name(logical_id, resource_type)
    if resource_type == "AWS::Lambda::Function":
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    if resource_type == "AWS::SQS::Queue":
        return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
    if resource_type == "AWS::IAM::Role":
        return f"arn:aws:iam::{ACCOUNT}:role/{name}"
    if resource_type == "AWS::Events::EventBus":
        return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}"
    if resource_type == "AWS::Events::Rule":
        return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}"
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{name}"


class Renderer:
    """Turns intrinsic functions into plausible strings of a real deploy's length."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.resources: dict[str, Any] = template.get("Resources") or {}
        self.parameters: dict[str, Any] = template.get("Parameters") or {}

    def ref(self, name: str) -> str:
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            default = self.parameters[name].get("Default")
            return str(default) if default not in (None, "") else f"value-of-{name}-" + "x" * 24
        resource = self.resources.get(name)
        if resource is None:
            return name
        if resource["Type"] == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{_physical_name(name, resource['Type'])}"
        if resource["Type"] in ("AWS::Lambda::LayerVersion",):
            return _arn(name, resource["Type"]) + ":1"
        properties = resource.get("Properties") or {}
        for key in NAME_PROPERTIES:
            if key in properties:
                return self.render(properties[key])
        return _physical_name(name, resource["Type"])

    def get_att(self, name: str, attribute: str) -> str:
        resource = self.resources.get(name)
        if resource is None:
            return f"{name}.{attribute}"
        if attribute.endswith("Arn"):
            return _arn(name, resource["Type"])
        return self.ref(name)

    def render(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.render(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                name, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(name, attribute)
            if key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                return re.sub(r"\$\{([^}!]+)\}", lambda m: self._sub_variable(m.group(1), variables), text)
            if key == "Fn::Join":
                return str(arg[0]).join(str(self.render(v)) for v in arg[1])
            if key == "Fn::Select":
                items = self.render(arg[1])
                return items[int(arg[0])] if isinstance(items, list) else items
            if key == "Fn::Split":
                return str(self.render(arg[1])).split(arg[0])
            if key == "Fn::If":
                return self.render(arg[1])  # the longer branch, in this template
        return {k: self.render(v) for k, v in value.items()}

    def _sub_variable(self, name: str, variables: dict[str, Any]) -> str:
        if name in variables:
            return str(self.render(variables[name]))
        if "." in name:
            resource, attribute = name.split(".", 1)
            return self.get_att(resource, attribute)
        return self.ref(name)


def _resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return {k: r for k, r in (template.get("Resources") or {}).items() if r.get("Type") == resource_type}


def _target(function_name: Any) -> str | None:
    """The logical id of the function a permission names (by Ref or GetAtt), or None for a literal name."""
    if isinstance(function_name, dict):
        if "Ref" in function_name:
            return str(function_name["Ref"])
        if "Fn::GetAtt" in function_name:
            arg = function_name["Fn::GetAtt"]
            return str(arg[0] if isinstance(arg, list) else arg.split(".")[0])
    return None


def policy_sizes(template: dict[str, Any]) -> dict[str, int]:
    """Bytes of each function's resource-based policy, as Lambda stores it: one statement per permission."""
    render = Renderer(template)
    statements: dict[str, list[dict[str, Any]]] = {}
    for logical_id, permission in _resources_of_type(template, "AWS::Lambda::Permission").items():
        properties = permission.get("Properties") or {}
        function = _target(properties.get("FunctionName")) or str(properties.get("FunctionName"))
        condition: dict[str, Any] = {}
        if "SourceArn" in properties:
            condition["ArnLike"] = {"AWS:SourceArn": render.render(properties["SourceArn"])}
        if "SourceAccount" in properties:
            condition["StringEquals"] = {"AWS:SourceAccount": render.render(properties["SourceAccount"])}
        statement: dict[str, Any] = {
            "Sid": _physical_name(logical_id, "AWS::Lambda::Permission"),
            "Effect": "Allow",
            "Principal": {"Service": render.render(properties.get("Principal"))},
            "Action": render.render(properties.get("Action")),
            "Resource": render.get_att(function, "Arn"),
        }
        if condition:
            statement["Condition"] = condition
        statements.setdefault(function, []).append(statement)
    return {
        function: len(json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": items}))
        for function, items in statements.items()
    }


def environment_sizes(template: dict[str, Any]) -> dict[str, int]:
    """Bytes of each function's environment variables (names and values), as Lambda counts them."""
    render = Renderer(template)
    sizes = {}
    for logical_id, function in _resources_of_type(template, "AWS::Lambda::Function").items():
        variables = ((function.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
        sizes[logical_id] = len(json.dumps({k: str(render.render(v)) for k, v in variables.items()}))
    return sizes


def retained_fixed_names(template: dict[str, Any]) -> list[str]:
    """Resources a failed create leaves behind under a fixed name: a retry fails on "already exists"."""
    found = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("DeletionPolicy") not in SURVIVES_FAILED_CREATE:
            continue
        names = [key for key in NAME_PROPERTIES if key in (resource.get("Properties") or {})]
        if names:
            found.append(f"{logical_id} ({resource['Type']}, {names[0]}, DeletionPolicy {resource['DeletionPolicy']})")
    return found


def check(template: dict[str, Any]) -> Report:
    report = Report()
    resources = len(template.get("Resources") or {})
    report.figures["resources"] = resources
    if resources >= RESOURCE_LIMIT:
        report.problems.append(f"{resources} resources: CloudFormation allows fewer than {RESOURCE_LIMIT}")

    policies = policy_sizes(template)
    if policies:
        biggest = max(policies, key=lambda f: policies[f])
        report.figures["biggest_policy"] = {"function": biggest, "bytes": policies[biggest]}
    for function, size in sorted(policies.items()):
        if size >= POLICY_LIMIT:
            report.problems.append(
                f"{function}'s resource policy is about {size} bytes: Lambda allows {POLICY_LIMIT} "
                "(one statement per AWS::Lambda::Permission; route through one proxy event instead)"
            )

    environments = environment_sizes(template)
    if environments:
        biggest = max(environments, key=lambda f: environments[f])
        report.figures["biggest_environment"] = {"function": biggest, "bytes": environments[biggest]}
    for function, size in sorted(environments.items()):
        if size >= ENVIRONMENT_LIMIT:
            report.problems.append(f"{function}'s environment is about {size} bytes: Lambda allows {ENVIRONMENT_LIMIT}")

    for found in retained_fixed_names(template):
        report.problems.append(
            f"{found} survives a failed create under a fixed name, so the retry fails: "
            "use RetainExceptOnCreate or drop the name"
        )
    return report


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    report = check(json.loads(Path(argv[1]).read_text()))
    print(json.dumps(report.figures, sort_keys=True))
    for problem in report.problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
