"""The deploy checks in tools/warmpath_template catch what would fail a first deploy (or its retry).

Each check is shown a deliberately bad translated template, so it is known to fail when it should; the real
template's translation is checked too when the translator is installed (``make template`` installs it).
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from warmpath_template import checks
from warmpath_template.checkov_run import command, load_skips

ROOT = Path(__file__).resolve().parents[2]
TRANSLATOR_PYTHON = ROOT / ".venv-tools" / "translator" / "bin" / "python"


def _function(variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Handler": "app.handler", "Environment": {"Variables": variables or {"STAGE": "prod"}}},
    }


def _api_permission(function: str, path: str) -> dict[str, Any]:
    """What SAM writes for one Api event: lambda:InvokeFunction for API Gateway on one method and path."""
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": function},
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {
                "Fn::Sub": [
                    "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}" + path,
                    {"__ApiId__": {"Ref": "Api"}, "__Stage__": "*"},
                ]
            },
        },
    }


def _good() -> dict[str, Any]:
    return {
        "Parameters": {"Stage": {"Type": "String", "Default": "prod"}},
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {}},
            "IntakeFunction": _function(),
            "IntakeRootPermission": _api_permission("IntakeFunction", "/*/"),
            "IntakeProxyPermission": _api_permission("IntakeFunction", "/*/*"),
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "RetainExceptOnCreate",
                "Properties": {"TableName": {"Fn::Sub": "warmpath-${Stage}"}},
            },
        },
    }


def test_a_good_template_passes_and_reports_its_figures() -> None:
    report = checks.check(_good())

    assert report.problems == []
    assert report.figures["resources"] == 5
    assert report.figures["biggest_policy"]["function"] == "IntakeFunction"
    assert 0 < report.figures["biggest_policy"]["bytes"] < 2000
    assert report.figures["biggest_environment"]["function"] == "IntakeFunction"


def test_one_permission_per_route_overflows_the_functions_resource_policy() -> None:
    """Given 63 Api events' permissions on one function (the template before the proxy), then it fails."""
    template = _good()
    for i in range(63):
        template["Resources"][f"IntakeRoute{i}Permission"] = _api_permission("IntakeFunction", f"/GET/route/{i}/x")

    problems = checks.check(template).problems

    assert len(problems) == 1
    assert "IntakeFunction's resource policy" in problems[0]
    assert checks.policy_sizes(template)["IntakeFunction"] > checks.POLICY_LIMIT


def test_permissions_by_getatt_count_for_their_function() -> None:
    template = _good()
    permission = _api_permission("IntakeFunction", "/*/*")
    permission["Properties"]["FunctionName"] = {"Fn::GetAtt": ["IntakeFunction", "Arn"]}
    template["Resources"]["Other"] = permission

    sizes = checks.policy_sizes(template)

    assert set(sizes) == {"IntakeFunction"}
    assert sizes["IntakeFunction"] > checks.policy_sizes(_good())["IntakeFunction"]


def test_five_hundred_resources_fail() -> None:
    template = _good()
    for i in range(500 - len(template["Resources"])):
        template["Resources"][f"Queue{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {}}

    problems = checks.check(template).problems

    assert problems == ["500 resources: CloudFormation allows fewer than 500"]


def test_an_environment_over_4_kb_fails() -> None:
    template = _good()
    template["Resources"]["IntakeFunction"] = _function({f"VAR_{i}": "x" * 100 for i in range(40)})

    problems = checks.check(template).problems

    assert len(problems) == 1
    assert problems[0].startswith("IntakeFunction's environment is about")


def test_environment_sizes_count_rendered_intrinsics_not_their_short_form() -> None:
    """A !GetAtt of a queue's ARN is about 90 characters in AWS, not the few of its template form."""
    template = _good()
    template["Resources"]["Queue"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    template["Resources"]["IntakeFunction"] = _function({"Q": {"Fn::GetAtt": ["Queue", "Arn"]}})

    assert checks.environment_sizes(template)["IntakeFunction"] > 60


@pytest.mark.parametrize("policy", ["Retain", "Snapshot"])
def test_a_retained_resource_with_a_fixed_name_blocks_the_retry(policy: str) -> None:
    """Given the table as it was (DeletionPolicy Retain, TableName fixed), then a failed create leaves it behind."""
    template = _good()
    template["Resources"]["Table"]["DeletionPolicy"] = policy

    problems = checks.check(template).problems

    assert len(problems) == 1
    assert problems[0].startswith("Table (AWS::DynamoDB::Table, TableName")


def test_a_retained_resource_with_a_generated_name_is_fine() -> None:
    template = _good()
    template["Resources"]["Bucket"] = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {}}

    assert checks.check(template).problems == []


def test_main_exits_1_on_a_problem_and_0_without(tmp_path: Path) -> None:
    bad = copy.deepcopy(_good())
    bad["Resources"]["Table"]["DeletionPolicy"] = "Retain"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    (tmp_path / "good.json").write_text(json.dumps(_good()))

    assert checks.main(["checks", str(tmp_path / "bad.json")]) == 1
    assert checks.main(["checks", str(tmp_path / "good.json")]) == 0


def test_every_checkov_skip_has_a_reason() -> None:
    skips = load_skips()

    assert skips, "infra/checkov-skips.yaml is empty: then say so, and drop the --skip-check"
    assert all(len(reason) >= 40 for reason in skips.values())
    assert command("checkov", "t.json", skips)[-1] == ",".join(sorted(skips))


def test_a_skip_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "skips.yaml"
    path.write_text("CKV_AWS_18: because\n")

    with pytest.raises(ValueError, match="needs its reason"):
        load_skips(path)

    path.write_text("not_a_check: " + "a reason long enough to pass the length test, surely\n")
    with pytest.raises(ValueError, match="not a checkov AWS check id"):
        load_skips(path)


@pytest.mark.skipif(not TRANSLATOR_PYTHON.exists(), reason="make template installs the translator")
def test_the_translated_template_passes_every_check(tmp_path: Path) -> None:
    """Given infra/template.yaml translated by aws-sam-translator, then no check finds a problem."""
    target = tmp_path / "translated.json"
    subprocess.run(
        [
            str(TRANSLATOR_PYTHON),
            str(ROOT / "tools/warmpath_template/translate.py"),
            str(ROOT / "infra/template.yaml"),
            str(target),
        ],
        check=True,
        capture_output=True,
    )
    translated = json.loads(target.read_text())

    report = checks.check(translated)

    assert report.problems == []
    permissions = [
        r
        for r in translated["Resources"].values()
        if r["Type"] == "AWS::Lambda::Permission" and r["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    assert len(permissions) == 5  # the proxy's two, the three CRM webhooks
    stages = [k for k, r in translated["Resources"].items() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert stages == ["ApiStage"]  # OpenApiVersion: no implicit "Stage" stage
