"""`make check-deploy`: after a deploy, the report says what is in place and, for what is missing, how to fix it.

The deployed account is moto: a CloudFormation stack with the template's outputs, the SSM parameter, SES identities
and the receipt rule set, each removed in turn.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import pytest_socket
from moto import mock_aws
from warmpath.tokens import SigningKeys
from warmpath_deploy.__main__ import main
from warmpath_deploy.check import MAIL_RECEIVING_REGIONS, REQUIRED_OUTPUTS, Report, check_deploy, fetch_status
from warmpath_local.template import load_template

REGION = "eu-west-1"
STAGE = "prod"
STACK = "warmpath-prod"
PARAMETER = "/warmpath/prod/signing-keys"
PUBLIC_URL = "https://app.warmpath.example"
OUTPUTS = {
    "ApiUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
    "PublicUrl": PUBLIC_URL,
    "TableName": "warmpath-prod",
    "EventBusName": "warmpath-prod",
    "InboundBucketName": "warmpath-inbound-123456789012-prod",
    "UploadsBucketName": "warmpath-uploads-123456789012-prod",
    "SigningKeysParameter": PARAMETER,
    "SenderAddress": "intros@warmpath.example",
    "InboundDomain": "reply.warmpath.example",
    "ConfigurationSetName": "warmpath-prod",
    "ReceiptRuleSetName": "warmpath-prod",
    "CustomDomainTarget": "d-abc123.execute-api.eu-west-1.amazonaws.com",
}


class RecordingFetch:
    """The injected HTTP GET: answers ``status`` and remembers every URL asked for."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.urls: list[str] = []

    def __call__(self, url: str) -> int:
        self.urls.append(url)
        return self.status


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def deploy_stack(session: boto3.Session, outputs: dict[str, str] = OUTPUTS, stack: str = STACK) -> None:
    template = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()},
    }
    session.client("cloudformation").create_stack(StackName=stack, TemplateBody=json.dumps(template))


def put_signing_keys(session: boto3.Session, value: str | None = None, kind: str = "SecureString") -> None:
    value = value if value is not None else json.dumps(SigningKeys.new_document())
    session.client("ssm").put_parameter(Name=PARAMETER, Type=kind, Value=value, Overwrite=True)


def verify_ses(session: boto3.Session, *identities: str) -> None:
    ses = session.client("ses")
    for identity in identities:
        ses.verify_domain_identity(Domain=identity)


def create_rule_set(session: boto3.Session, active: bool = True) -> None:
    ses = session.client("ses")
    ses.create_receipt_rule_set(RuleSetName="warmpath-prod")
    if active:
        ses.set_active_receipt_rule_set(RuleSetName="warmpath-prod")


@pytest.fixture
def deployed(aws: boto3.Session) -> boto3.Session:
    """Everything a working deploy has (what moto can hold)."""
    deploy_stack(aws)
    put_signing_keys(aws)
    verify_ses(aws, "warmpath.example", "reply.warmpath.example")
    create_rule_set(aws)
    return aws


def by_name(report: Report) -> dict[str, Any]:
    return {check.name: check for check in report.checks}


def test_a_complete_deploy_reports_nothing_missing(deployed: boto3.Session) -> None:
    fetch = RecordingFetch(200)

    report = check_deploy(STAGE, session=deployed, fetch=fetch)

    checks = by_name(report)
    assert report.ok, report.render()
    for name in ("stack", "outputs", "signing keys", "receipt rule set", "sender identity", "sender DKIM",
                 "inbound identity", "health"):  # fmt: skip
        assert checks[name].status == "ok", checks[name]
    # moto does not implement sesv2 GetAccount: the sandbox status is unknown, which is not "missing"
    assert checks["SES production access"].status == "unknown"
    assert fetch.urls == [f"{PUBLIC_URL}/health"]  # the stack's own URL, and nothing else
    assert "Nothing is missing." in report.render()


def test_no_stack_says_to_build_and_deploy_and_checks_nothing_else(aws: boto3.Session) -> None:
    fetch = RecordingFetch()

    report = check_deploy(STAGE, session=aws, fetch=fetch)

    assert not report.ok
    assert [c.name for c in report.checks] == ["stack"]
    assert report.checks[0].detail == f"{STACK} does not exist"
    assert report.checks[0].fix == "make build && make deploy STAGE=prod"
    assert fetch.urls == []


def test_a_missing_signing_key_parameter_is_reported_with_the_command_that_creates_it(aws: boto3.Session) -> None:
    deploy_stack(aws)
    verify_ses(aws, "warmpath.example", "reply.warmpath.example")
    create_rule_set(aws)

    report = check_deploy(STAGE, session=aws, fetch=RecordingFetch())

    check = by_name(report)["signing keys"]
    assert not report.ok and check.status == "missing"
    assert check.detail == f"{PARAMETER} does not exist"
    assert f"aws ssm put-parameter --name {PARAMETER} --type SecureString --region {REGION}" in check.fix
    assert [c.name for c in report.missing] == ["signing keys"]


def test_a_plain_string_parameter_is_not_accepted_as_signing_keys(deployed: boto3.Session) -> None:
    put_signing_keys(deployed, kind="String")

    check = by_name(check_deploy(STAGE, session=deployed, fetch=RecordingFetch()))["signing keys"]

    assert check.status == "missing"
    assert "is a String, not a SecureString" in check.detail


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("hunter2-not-json", "is not JSON"),
        (json.dumps({"current": "k1"}), 'is not {"current": kid, "keys": {kid: base64}}'),
        (json.dumps({"current": "k2", "keys": {"k1": "c2VjcmV0"}}), "names a current key it does not hold"),
        (json.dumps({"current": "k1", "keys": {"k1": "%%%hunter2"}}), "holds a key that is not base64"),
    ],
)
def test_a_malformed_signing_key_document_is_reported_without_its_value(
    deployed: boto3.Session, value: str, problem: str
) -> None:
    put_signing_keys(deployed, value=value)

    report = check_deploy(STAGE, session=deployed, fetch=RecordingFetch())

    check = by_name(report)["signing keys"]
    assert check.status == "missing" and check.detail == f"{PARAMETER} {problem}"
    assert "hunter2" not in report.render() and "hunter2" not in json.dumps(report.to_json())


def test_a_valid_signing_key_value_never_appears_in_the_report(deployed: boto3.Session) -> None:
    document = SigningKeys.new_document()
    put_signing_keys(deployed, value=json.dumps(document))

    report = check_deploy(STAGE, session=deployed, fetch=RecordingFetch())

    assert document["keys"]["k1"] not in report.render() + json.dumps(report.to_json())


def test_an_inactive_rule_set_is_reported_with_the_command_that_activates_it(aws: boto3.Session) -> None:
    deploy_stack(aws)
    put_signing_keys(aws)
    verify_ses(aws, "warmpath.example", "reply.warmpath.example")
    create_rule_set(aws, active=False)

    check = by_name(check_deploy(STAGE, session=aws, fetch=RecordingFetch()))["receipt rule set"]

    assert check.status == "missing"
    assert check.detail == "warmpath-prod is not active (no rule set is active)"
    assert check.fix == f"aws ses set-active-receipt-rule-set --rule-set-name warmpath-prod --region {REGION}"


def test_another_active_rule_set_is_named(deployed: boto3.Session) -> None:
    ses = deployed.client("ses")
    ses.create_receipt_rule_set(RuleSetName="someone-elses")
    ses.set_active_receipt_rule_set(RuleSetName="someone-elses")

    check = by_name(check_deploy(STAGE, session=deployed, fetch=RecordingFetch()))["receipt rule set"]

    assert check.status == "missing" and "(the active one is someone-elses)" in check.detail


def test_a_region_that_cannot_receive_mail_is_reported_when_the_stack_has_no_rule_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        session = boto3.Session(region_name="eu-central-1")
        deploy_stack(session, {k: v for k, v in OUTPUTS.items() if k != "ReceiptRuleSetName"})
        put_signing_keys(session)
        verify_ses(session, "warmpath.example", "reply.warmpath.example")

        check = by_name(check_deploy(STAGE, session=session, fetch=RecordingFetch()))["receipt rule set"]

    assert check.status == "missing"
    assert check.detail == "SES does not receive mail in eu-central-1: replies by email are off"
    assert "us-east-1, us-west-2, eu-west-1" in check.fix


def test_unverified_sender_and_inbound_domains_are_reported_with_dkim_and_mx_steps(aws: boto3.Session) -> None:
    deploy_stack(aws)
    put_signing_keys(aws)
    create_rule_set(aws)

    report = check_deploy(STAGE, session=aws, fetch=RecordingFetch())

    checks = by_name(report)
    sender, inbound = checks["sender identity"], checks["inbound identity"]
    assert sender.status == "missing"
    assert sender.detail == "neither intros@warmpath.example nor warmpath.example is verified"
    assert f"aws sesv2 create-email-identity --email-identity warmpath.example --region {REGION}" in sender.fix
    assert "DKIM CNAME" in sender.fix
    assert inbound.status == "missing"
    assert f"reply.warmpath.example MX 10 inbound-smtp.{REGION}.amazonaws.com" in inbound.fix
    assert {c.name for c in report.missing} == {"sender identity", "inbound identity"}


def test_a_verified_sender_address_is_enough_without_its_domain(aws: boto3.Session) -> None:
    deploy_stack(aws)
    put_signing_keys(aws)
    create_rule_set(aws)
    aws.client("ses").verify_email_identity(EmailAddress="intros@warmpath.example")
    verify_ses(aws, "reply.warmpath.example")

    report = check_deploy(STAGE, session=aws, fetch=RecordingFetch())

    assert by_name(report)["sender identity"].status == "ok"
    assert "sender DKIM" not in by_name(report)
    assert report.ok, report.render()


def test_an_unhealthy_public_url_says_where_its_dns_must_point(deployed: boto3.Session) -> None:
    check = by_name(check_deploy(STAGE, session=deployed, fetch=RecordingFetch(403)))["health"]

    assert check.status == "missing"
    assert check.detail == f"GET {PUBLIC_URL}/health: HTTP 403"
    assert f"app.warmpath.example CNAME (or alias) {OUTPUTS['CustomDomainTarget']}" in check.fix
    assert f"curl -i {OUTPUTS['ApiUrl']}/health" in check.fix


def test_a_public_url_nobody_answers_is_missing(deployed: boto3.Session) -> None:
    def unreachable(url: str) -> int:
        raise ConnectionRefusedError(url)

    check = by_name(check_deploy(STAGE, session=deployed, fetch=unreachable))["health"]

    assert check.status == "missing" and check.detail.endswith(": ConnectionRefusedError")


def test_a_stack_from_an_older_template_lacks_outputs(aws: boto3.Session) -> None:
    deploy_stack(aws, {k: v for k, v in OUTPUTS.items() if k not in ("UploadsBucketName", "ConfigurationSetName")})

    check = by_name(check_deploy(STAGE, session=aws, fetch=RecordingFetch()))["outputs"]

    assert check.status == "missing"
    assert check.detail == "the stack has no UploadsBucketName, ConfigurationSetName output"


def answer(session: boto3.Session, monkeypatch: pytest.MonkeyPatch, service: str, operation: str, reply: Any) -> None:
    """Stand in for one call moto cannot make (or cannot put in this state): ``operation`` on ``service``
    answers ``reply(real_answer)``; every other call goes to moto."""
    real_client = session.client

    def client(name: str, *args: Any, **kwargs: Any) -> Any:
        made = real_client(name, *args, **kwargs)  # type: ignore[call-overload]
        if name == service:
            real = getattr(made, operation)
            setattr(made, operation, lambda **params: reply(real, **params))
        return made

    monkeypatch.setattr(session, "client", client)


def test_the_sandbox_is_reported_with_the_request_for_production_access(
    deployed: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto has no sesv2 GetAccount
    answer(deployed, monkeypatch, "sesv2", "get_account", lambda real: {"ProductionAccessEnabled": False})

    check = by_name(check_deploy(STAGE, session=deployed, fetch=RecordingFetch()))["SES production access"]

    assert check.status == "missing" and "sandbox" in check.detail
    assert check.fix.startswith(f"aws sesv2 put-account-details --region {REGION} --production-access-enabled")


def test_production_access_is_ok_out_of_the_sandbox(deployed: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    answer(deployed, monkeypatch, "sesv2", "get_account", lambda real: {"ProductionAccessEnabled": True})

    report = check_deploy(STAGE, session=deployed, fetch=RecordingFetch())

    assert by_name(report)["SES production access"].status == "ok"
    assert report.ok and all(check.status == "ok" for check in report.checks)


@pytest.mark.parametrize(
    ("status", "detail", "fix", "reads_on"),
    [
        ("UPDATE_IN_PROGRESS", "a change is under way", "aws cloudformation describe-stacks", True),
        ("UPDATE_ROLLBACK_COMPLETE", "the last update failed", "make build && make deploy STAGE=prod", True),
        ("UPDATE_ROLLBACK_FAILED", "the rollback is stuck", "aws cloudformation continue-update-rollback", True),
        ("ROLLBACK_COMPLETE", "the stack cannot be updated", "aws cloudformation delete-stack", False),
    ],
)
def test_a_stack_that_is_not_complete_says_what_to_do(
    deployed: boto3.Session, monkeypatch: pytest.MonkeyPatch, status: str, detail: str, fix: str, reads_on: bool
) -> None:
    def with_status(real: Any, **params: Any) -> Any:
        described = real(**params)
        described["Stacks"][0]["StackStatus"] = status
        return described

    answer(deployed, monkeypatch, "cloudformation", "describe_stacks", with_status)

    report = check_deploy(STAGE, session=deployed, fetch=RecordingFetch())

    stack = report.checks[0]
    assert stack.status == "missing" and stack.detail == f"{status}: {detail}"
    assert fix in stack.fix and f"--stack-name {STACK} --region {REGION}" in stack.fix
    assert not report.ok
    assert (len(report.checks) > 1) is reads_on  # a stack that can only be deleted has nothing worth reading


def test_the_command_prints_json_and_exits_1_while_something_is_missing(
    aws: boto3.Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--stage", STAGE, "--region", REGION, "--json"])

    printed = json.loads(capsys.readouterr().out)
    assert code == 1
    assert printed["ok"] is False and printed["stack"] == STACK
    assert printed["checks"][0] == {
        "name": "stack",
        "status": "missing",
        "detail": f"{STACK} does not exist",
        "fix": "make build && make deploy STAGE=prod",
    }


def test_fetch_status_returns_the_answers_status_from_a_loopback_server() -> None:
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    pytest_socket.enable_socket()  # the unit conftest disables sockets again after the test
    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        assert fetch_status(f"{base}/health") == 200
        assert fetch_status(f"{base}/nope") == 404
    finally:
        server.shutdown()
        server.server_close()


def test_the_outputs_it_reads_are_the_templates_outputs() -> None:
    outputs = load_template().raw["Outputs"]
    if "PublicUrl" not in outputs:
        pytest.skip("the template predates the issue-14 outputs (PublicUrl, ReceiptRuleSetName, ...)")
    read = {*REQUIRED_OUTPUTS, "ReceiptRuleSetName", "CustomDomainTarget"}
    assert read <= set(outputs), f"check-deploy reads outputs the template lacks: {sorted(read - set(outputs))}"
    assert outputs["ReceiptRuleSetName"].get("Condition") == "ReceivesMail"
    assert outputs["CustomDomainTarget"].get("Condition") == "HasCustomDomain"


def test_the_mail_receiving_regions_are_the_templates() -> None:
    condition = load_template().raw.get("Conditions", {}).get("InMailReceivingRegion")
    if condition is None:
        pytest.skip("the template has no InMailReceivingRegion condition yet")
    regions = {equals["Fn::Equals"][1] for equals in condition["Fn::Or"]}
    assert regions == set(MAIL_RECEIVING_REGIONS)
