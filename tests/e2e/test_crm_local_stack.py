"""Issue 13's Done-when, in the local stack (`make dev`): with the demo tenant's Salesforce connected by
`warmpath crm configure`, a forged Outbound Message -- the right org id, no endpoint key or a wrong one -- is
refused and stores nothing; the endpoint URL that command printed is accepted; the front door's log lines never
carry the key."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from warmpath_local.stack import LocalStack

pytestmark = pytest.mark.e2e

SAMPLE = (Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "crm_webhooks" / "salesforce"
          / "aspnet-WebHooks" / "RequestBodies" / "Salesforce.xml")  # fmt: skip
ORG_ID = "012345678901234"  # the sample's: anyone can read an org id off a Web-to-Lead form


def table(stack: LocalStack) -> list[str]:
    import boto3

    client = boto3.client("dynamodb", region_name=stack.env["AWS_DEFAULT_REGION"],
                          endpoint_url=stack.env["AWS_ENDPOINT_URL"])  # fmt: skip
    items: list[str] = []
    for page in client.get_paginator("scan").paginate(TableName=stack.env["TABLE_NAME"]):
        items += [json.dumps(i, sort_keys=True) for i in page["Items"] if not i["PK"]["S"].startswith("idempotency")]
    return sorted(items)


def test_a_forged_salesforce_delivery_is_refused_and_stores_nothing_and_logs_no_key(
    stack: LocalStack, tmp_path: Path
) -> None:
    connection = tmp_path / "local.json"
    stack.write_connection_file(connection)
    configured = subprocess.run(
        [sys.executable, "-m", "warmpath_cli.main", "crm", "configure", "--tenant", "demo", "--provider",
         "salesforce", "--org-id", ORG_ID, "--json", "--connection", str(connection)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert configured.returncode == 0, configured.stderr
    endpoint = json.loads(configured.stdout)["endpoint_url"]
    [key] = parse_qs(urlsplit(endpoint).query)["key"]
    werkzeug = logging.getLogger("werkzeug")
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    werkzeug.addHandler(handler)
    level = werkzeug.level
    werkzeug.setLevel(logging.DEBUG)  # the front door's request lines on, as when debugging
    body = SAMPLE.read_bytes()
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
    before = table(stack)
    try:
        forged: list[Any] = [
            requests.post(f"{stack.url}/crm/demo/salesforce", data=body, headers=headers, timeout=30),
            requests.post(f"{stack.url}/crm/demo/salesforce?key=guess", data=body, headers=headers, timeout=30),
            requests.post(f"{stack.url}/crm/demo/salesforce?key={key[:-1]}", data=body, headers=headers, timeout=30),
        ]
        after_forgeries = table(stack)
        accepted = requests.post(endpoint.replace(urlsplit(endpoint).netloc, urlsplit(stack.url).netloc),
                                 data=body, headers=headers, timeout=30)  # fmt: skip
    finally:
        werkzeug.setLevel(level)
        werkzeug.removeHandler(handler)

    assert [f.status_code for f in forged] == [401, 401, 401]
    assert all("<soapenv:Fault>" in f.text and "<Ack>" not in f.text for f in forged)
    assert after_forgeries == before
    assert accepted.status_code == 200 and "<Ack>true</Ack>" in accepted.text
    assert table(stack) != before  # the genuine delivery was stored
    assert "/crm/demo/salesforce" in lines.getvalue() and key not in lines.getvalue()
