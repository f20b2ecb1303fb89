"""What a deployed stack still needs before it works: each check reads AWS and says OK, missing (with the exact
command that fixes it) or unknown.

Read-only: it reads the CloudFormation stack ``warmpath-<stage>`` and its outputs, the SSM signing-key parameter
(decrypted to check its shape; its value is never printed or kept), SES identities, the active receipt rule set
and the account's sandbox status, and makes one GET to the stack's own ``PublicUrl``/health.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from warmpath.tokens import SigningKeys

Status = Literal["ok", "missing", "unknown"]
Fetch = Callable[[str], int]  # URL -> HTTP status code; raises OSError when nothing answers

# Where SES receives email, as listed in the SES documentation (docs.aws.amazon.com/ses/latest/dg/regions.html,
# read 2026-12-02). The template's InMailReceivingRegion condition lists the same regions.
MAIL_RECEIVING_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
COMPLETE = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE")
REQUIRED_OUTPUTS = (
    "ApiUrl",
    "PublicUrl",
    "TableName",
    "EventBusName",
    "InboundBucketName",
    "UploadsBucketName",
    "SigningKeysParameter",
    "SenderAddress",
    "InboundDomain",
    "ConfigurationSetName",
)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""  # the command (or step) that makes it OK; empty when OK


@dataclass
class Report:
    stack_name: str
    region: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.status != "missing" for check in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if check.status == "missing"]

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack_name,
            "region": self.region,
            "ok": self.ok,
            "checks": [asdict(check) for check in self.checks],
        }

    def render(self) -> str:
        marks = {"ok": "[ok]     ", "missing": "[missing]", "unknown": "[unknown]"}
        lines = [f"Stack {self.stack_name} in {self.region}:"]
        for check in self.checks:
            lines.append(f"  {marks[check.status]} {check.name}: {check.detail}")
            if check.fix:
                lines.extend(f"              {line}" for line in check.fix.splitlines())
        missing = len(self.missing)
        lines.append("Nothing is missing." if not missing else f"{missing} thing(s) missing: fix them, then run again.")
        return "\n".join(lines)


def fetch_status(url: str) -> int:
    """GET ``url`` and return its status (no body is read). Only ever called with the stack's own URL."""
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "warmpath-check-deploy"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def check_deploy(stage: str, *, session: boto3.Session | None = None, fetch: Fetch = fetch_status) -> Report:
    session = session or boto3.Session()
    region = session.region_name or "us-east-1"
    stack_name = f"warmpath-{stage}"
    report = Report(stack_name=stack_name, region=region)
    flag = f" --region {region}"

    stack_check, outputs = _check_stack(session.client("cloudformation"), stack_name, stage, flag)
    report.checks.append(stack_check)
    if outputs is None:
        return report  # nothing else can be read without the stack
    report.checks.append(_check_outputs(outputs, stage))
    ses = session.client("ses")
    report.checks.append(_check_signing_keys(session.client("ssm"), outputs.get("SigningKeysParameter"), flag))
    report.checks.append(_check_receipt_rule_set(ses, outputs, region, stage, flag))
    report.checks.extend(_check_identities(ses, outputs, region, flag))
    report.checks.append(_check_production_access(session.client("sesv2"), flag))
    report.checks.append(_check_health(outputs, fetch))
    return report


def _check_stack(cloudformation: Any, stack_name: str, stage: str, flag: str) -> tuple[Check, dict[str, str] | None]:
    deploy = f"make build && make deploy STAGE={stage}"
    try:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    except ClientError as error:
        if "does not exist" in str(error):
            return Check("stack", "missing", f"{stack_name} does not exist", deploy), None
        raise
    status = stack["StackStatus"]
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}
    if status in COMPLETE:
        return Check("stack", "ok", status), outputs
    events = f"aws cloudformation describe-stack-events --stack-name {stack_name}{flag}"
    if status.endswith("_IN_PROGRESS"):
        fix = f"wait until it ends, then run again: aws cloudformation describe-stacks --stack-name {stack_name}{flag}"
        return Check("stack", "missing", f"{status}: a change is under way", fix), outputs
    if status == "UPDATE_ROLLBACK_COMPLETE":  # the last update failed; the previous version still runs
        return Check("stack", "missing", f"{status}: the last update failed", f"{events}\n{deploy}"), outputs
    if status == "UPDATE_ROLLBACK_FAILED":
        fix = f"{events}\naws cloudformation continue-update-rollback --stack-name {stack_name}{flag}"
        return Check("stack", "missing", f"{status}: the rollback is stuck", fix), outputs
    # ROLLBACK_COMPLETE (a failed first create), CREATE_FAILED, ROLLBACK_FAILED, DELETE_*: only deleting it and
    # creating it again helps
    fix = f"{events}\naws cloudformation delete-stack --stack-name {stack_name}{flag}\n{deploy}"
    return Check("stack", "missing", f"{status}: the stack cannot be updated", fix), None


def _check_outputs(outputs: dict[str, str], stage: str) -> Check:
    absent = [name for name in REQUIRED_OUTPUTS if name not in outputs]
    if absent:
        fix = f"deploy the current template: make build && make deploy STAGE={stage}"
        return Check("outputs", "missing", f"the stack has no {', '.join(absent)} output", fix)
    return Check("outputs", "ok", f"{len(outputs)} outputs")


def _check_signing_keys(ssm: Any, name: str | None, flag: str) -> Check:
    if not name:
        return Check("signing keys", "missing", "no SigningKeysParameter output", "deploy the current template")
    create = (
        'python3 -c \'import base64,json,os;print(json.dumps({"current":"k1","keys":{"k1":'
        "base64.b64encode(os.urandom(32)).decode()}}))' \\\n"
        f"  | xargs -0 aws ssm put-parameter --name {name} --type SecureString{flag} --overwrite --value"
    )
    try:
        parameter = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ParameterNotFound":
            return Check("signing keys", "missing", f"{name} does not exist", create)
        raise
    if parameter["Type"] != "SecureString":
        return Check("signing keys", "missing", f"{name} is a {parameter['Type']}, not a SecureString", create)
    problem = _signing_keys_problem(parameter["Value"])
    if problem:
        return Check("signing keys", "missing", f"{name} {problem}", create)
    return Check("signing keys", "ok", f"{name} is a SecureString holding valid signing keys")


def _signing_keys_problem(value: str) -> str:
    """Why the document is not usable signing keys ('' when it is). Never includes the value."""
    try:
        document = json.loads(value)
    except ValueError:
        return "is not JSON"
    if not isinstance(document, dict) or not isinstance(document.get("keys"), dict) or not document["keys"]:
        return 'is not {"current": kid, "keys": {kid: base64}}'
    if document.get("current") not in document["keys"]:
        return "names a current key it does not hold"
    try:  # the app's own parser: what it refuses, the functions would refuse too
        SigningKeys.from_document(document)
    except (ValueError, TypeError):
        return "holds a key that is not base64"
    return ""


def _check_receipt_rule_set(ses: Any, outputs: dict[str, str], region: str, stage: str, flag: str) -> Check:
    rule_set = outputs.get("ReceiptRuleSetName")
    if not rule_set:
        if region not in MAIL_RECEIVING_REGIONS:
            detail = f"SES does not receive mail in {region}: replies by email are off"
            fix = f"deploy in one of {', '.join(MAIL_RECEIVING_REGIONS)} (AWS_REGION=… make deploy STAGE={stage})"
        else:
            detail = "no InboundDomain was given: replies by email are off"
            fix = f"make deploy STAGE={stage}, giving InboundDomain"
        return Check("receipt rule set", "missing", detail, fix)
    active = ses.describe_active_receipt_rule_set().get("Metadata", {}).get("Name")
    if active == rule_set:
        return Check("receipt rule set", "ok", f"{rule_set} is the active rule set")
    now = f"the active one is {active}" if active else "no rule set is active"
    return Check(
        "receipt rule set",
        "missing",
        f"{rule_set} is not active ({now})",
        f"aws ses set-active-receipt-rule-set --rule-set-name {rule_set}{flag}",
    )


def _check_identities(ses: Any, outputs: dict[str, str], region: str, flag: str) -> list[Check]:
    sender = outputs.get("SenderAddress", "")
    sender_domain = sender.rpartition("@")[2]
    inbound = outputs.get("InboundDomain", "")
    wanted = [identity for identity in (sender, sender_domain, inbound) if identity]
    verification = ses.get_identity_verification_attributes(Identities=wanted)["VerificationAttributes"]

    def verified(identity: str) -> bool:
        return verification.get(identity, {}).get("VerificationStatus") == "Success"

    def verify_domain(domain: str) -> str:
        return (
            f"aws sesv2 create-email-identity --email-identity {domain}{flag}\n"
            "then publish the three DKIM CNAME records it prints (token._domainkey → token.dkim.amazonses.com)"
        )

    checks = []
    if verified(sender_domain):
        checks.append(Check("sender identity", "ok", f"{sender_domain} is verified"))
        checks.append(_check_dkim(ses, sender_domain, verify_domain(sender_domain)))
    elif verified(sender):
        checks.append(Check("sender identity", "ok", f"{sender} is verified (its domain is not: no DKIM)"))
    else:
        checks.append(
            Check(
                "sender identity",
                "missing",
                f"neither {sender} nor {sender_domain} is verified",
                verify_domain(sender_domain),
            )
        )
    if inbound:
        mx = f"MX record: {inbound} MX 10 inbound-smtp.{region}.amazonaws.com"
        if verified(inbound):
            checks.append(Check("inbound identity", "ok", f"{inbound} is verified (check its {mx})"))
        else:
            checks.append(
                Check(
                    "inbound identity",
                    "missing",
                    f"{inbound} is not verified",
                    f"{verify_domain(inbound)}\nand its {mx}",
                )
            )
    return checks


def _check_dkim(ses: Any, domain: str, fix: str) -> Check:
    try:
        attributes = ses.get_identity_dkim_attributes(Identities=[domain])["DkimAttributes"].get(domain, {})
    except (ClientError, BotoCoreError, NotImplementedError):
        return Check("sender DKIM", "unknown", f"DKIM attributes of {domain} could not be read")
    status = attributes.get("DkimVerificationStatus", "NotStarted")
    if attributes.get("DkimEnabled") and status == "Success":
        return Check("sender DKIM", "ok", f"DKIM signs mail from {domain}")
    return Check("sender DKIM", "missing", f"DKIM for {domain} is {status}", fix)


def _check_production_access(sesv2: Any, flag: str) -> Check:
    try:
        account = sesv2.get_account()
    except (ClientError, BotoCoreError, NotImplementedError):
        return Check("SES production access", "unknown", "the account's sending status could not be read")
    if account.get("ProductionAccessEnabled"):
        return Check("SES production access", "ok", "out of the sandbox")
    fix = (
        f"aws sesv2 put-account-details{flag} --production-access-enabled --mail-type TRANSACTIONAL \\\n"
        '  --website-url https://… --use-case-description "Warm introductions: asks, introductions, digests" '
        "--contact-language EN"
    )
    return Check("SES production access", "missing", "in the sandbox: mail reaches verified addresses only", fix)


def _check_health(outputs: dict[str, str], fetch: Fetch) -> Check:
    public_url = outputs.get("PublicUrl", "").rstrip("/")
    if not public_url.startswith("https://"):
        return Check("health", "missing", "no https PublicUrl output", "deploy with PublicBaseUrl=https://…")
    url = f"{public_url}/health"
    try:
        status = fetch(url)
    except OSError as error:
        status, reason = 0, type(error).__name__
    else:
        reason = f"HTTP {status}"
    if status == 200:
        return Check("health", "ok", f"GET {url} answered 200")
    steps = []
    if "CustomDomainTarget" in outputs:
        host = public_url.removeprefix("https://")
        steps.append(f"DNS: {host} CNAME (or alias) {outputs['CustomDomainTarget']}")
    if "ApiUrl" in outputs:
        steps.append(f"compare: curl -i {outputs['ApiUrl'].rstrip('/')}/health")
    return Check("health", "missing", f"GET {url}: {reason}", "\n".join(steps))
