"""Translate infra/template.yaml to plain CloudFormation with aws-sam-translator, offline, as a deploy would.

Run with the translator's own environment (``.venv-tools/translator``, made by ``make template``): it pins a
pydantic that clashes with the project's. Uses only the standard library and samtranslator.

    .venv-tools/translator/bin/python tools/warmpath_template/translate.py infra/template.yaml out.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# Values for the parameters without a default (any valid value translates the same) and the pseudo
# parameters a deploy would supply. Nothing here reaches AWS.
SAMPLE_PARAMETERS = {
    "PublicBaseUrl": "https://app.warmpath.example",
    "SenderAddress": "intros@warmpath.example",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "warmpath-prod",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/warmpath-prod/0",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
}


class OfflineManagedPolicies:
    """SAM asks IAM for the ARNs of the AWS managed policies it attaches; these are the ones it uses."""

    def load(self) -> dict[str, str]:
        names = {
            "AWSLambdaBasicExecutionRole": "service-role/AWSLambdaBasicExecutionRole",
            "AWSXrayWriteOnlyAccess": "AWSXrayWriteOnlyAccess",
            "AWSXRayDaemonWriteAccess": "AWSXRayDaemonWriteAccess",
            "AWSLambdaSQSQueueExecutionRole": "service-role/AWSLambdaSQSQueueExecutionRole",
        }
        return {name: f"arn:aws:iam::aws:policy/{path}" for name, path in names.items()}


def translate(template_path: Path) -> dict[str, Any]:
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    os.environ.setdefault("AWS_DEFAULT_REGION", str(SAMPLE_PARAMETERS["AWS::Region"]))  # no AWS call is made
    sam = yaml_parse(template_path.read_text())
    # What `sam package` does before CloudFormation sees the template: local code becomes an S3 object.
    for logical_id, resource in sam["Resources"].items():
        properties = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str) and not properties[key].startswith("s3://"):
                properties[key] = f"s3://warmpath-artifacts/{logical_id}.zip"
    return transform(sam, dict(SAMPLE_PARAMETERS), OfflineManagedPolicies())  # type: ignore[arg-type]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = Path(argv[1]), Path(argv[2])
    translated = translate(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(translated, indent=1, sort_keys=True) + "\n")
    print(f"translated {source} -> {target}: {len(translated['Resources'])} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
