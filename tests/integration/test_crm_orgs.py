"""One tenant's CRM never rewrites the global organisation records or domain claims; what CRMs once wrote there
moves into their tenants (issue 13, low item) -- through the crm function and ``warmpath crm migrate-orgs``."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from warmpath import crm, wiring
from warmpath.identity import OrgLink
from warmpath.models import Organisation

from tests.conftest import AwsWorld, api_event, aws_client, call_function

HOOK_SECRET = "generic-hook-secret-0123456789"


@pytest.fixture
def connected(aws: AwsWorld, demo: dict) -> AwsWorld:
    aws_client("ssm").put_parameter(Name=f"{aws.env['CRM_SECRETS_PREFIX']}/demo/webhook",
                                    Value=json.dumps({"secret": HOOK_SECRET}), Type="SecureString")  # fmt: skip
    return aws


def send_account(external_id: str, name: str, website: str, event_id: str = "a1") -> None:
    body = json.dumps({"events": [{"id": event_id, "type": "account", "external_id": external_id,
                                   "modified_at": "2026-11-25T10:00:00Z",
                                   "fields": {"name": name, "website": website}}]})  # fmt: skip
    stamp = str(int(time.time()))
    headers = {"X-Warmpath-Timestamp": stamp, "X-Warmpath-Signature": crm.generic_signature(HOOK_SECRET, stamp, body)}
    event = api_event("POST", "/crm/demo/webhook", raw_body=body, content_type="application/json", headers=headers)
    assert call_function("crm.app", event)["statusCode"] == 200


def global_records(aws: AwsWorld) -> list[str]:
    """The global organisation records, domain claims and organisation links, as sorted JSON."""
    items: list[str] = []
    for page in aws_client("dynamodb").get_paginator("scan").paginate(TableName=aws.env["TABLE_NAME"]):
        items += [json.dumps(i, sort_keys=True) for i in page["Items"]
                  if i["PK"]["S"].startswith(("ORG#", "DOMAIN#"))]  # fmt: skip
    return sorted(items)


def test_a_crm_account_never_changes_global_organisations_or_domain_claims(connected: AwsWorld) -> None:
    """Given the demo's global records, when a CRM sends an account named like a known organisation with another
    website, and one with a domain nobody claimed, then no global record changes, and the tenant keeps both."""
    before = global_records(connected)

    send_account("001-a", "Northwind Logistics", "https://www.evil.example/")
    send_account("001-b", "Acquired Co", "https://acquired.example", event_id="a2")

    repo = wiring.repository()
    assert global_records(connected) == before
    assert repo.domain_owners(["acquired.example", "evil.example"]) == {}
    [northwind] = repo.crm_organisations("demo", "northwind-logistics")
    assert (northwind.name, northwind.domain) == ("Northwind Logistics", "evil.example")
    assert [(o.name, o.domain) for o in repo.crm_organisations("demo", "acquired")] == [
        ("Acquired Co", "acquired.example")
    ]
    assert repo.crm_organisations("globex", "acquired") == []


def test_a_renamed_account_moves_in_its_tenant(connected: AwsWorld) -> None:
    send_account("001-c", "Initech", "https://initech.example")
    body_time = "2026-11-25T11:00:00Z"
    body = json.dumps({"events": [{"id": "a9", "type": "account", "external_id": "001-c", "modified_at": body_time,
                                   "fields": {"name": "Initrode"}}]})  # fmt: skip
    stamp = str(int(time.time()))
    headers = {"X-Warmpath-Timestamp": stamp, "X-Warmpath-Signature": crm.generic_signature(HOOK_SECRET, stamp, body)}
    call_function("crm.app", api_event("POST", "/crm/demo/webhook", raw_body=body, content_type="application/json",
                                       headers=headers))  # fmt: skip

    repo = wiring.repository()
    assert repo.crm_organisations("demo", "initech") == []
    assert [(o.name, o.domain) for o in repo.crm_organisations("demo", "initrode")] == [("Initrode", "initech.example")]


def as_the_old_code_did(name: str, domain: str) -> None:
    """What a CRM sync wrote before: the global organisation record and the domain claim."""
    from warmpath.identity import organisation_key

    repo = wiring.repository()
    repo.put_organisations([Organisation(org_key=organisation_key(name), name=name, domain=domain)])
    repo.claim_domains({domain: organisation_key(name)})


def migrate(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    from warmpath_cli.main import main

    assert main(["crm", "migrate-orgs", "--aws", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["migrated"]  # type: ignore[no-any-return]


def test_the_migration_moves_crm_written_values_into_the_tenant_and_keeps_connectors_data(
    connected: AwsWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given a CRM account's values in the global records (as the old sync wrote them) and an import's link drawn
    to its domain claim, and a CRM account named like an organisation connectors have ties at, when the
    migration runs, then the tenant has both accounts, the CRM-only claim, link and record are gone, the
    connectors' organisation is untouched, and a second run changes nothing."""
    repo = wiring.repository()
    assert repo.connectors_at("northwind-logistics")  # the demo's connectors know people there
    send_account("001-a", "Acquired Co", "https://acquired.example")
    send_account("001-n", "Northwind Logistics", "https://northwind.example", event_id="a2")
    as_the_old_code_did("Acquired Co", "acquired.example")
    repo.put_org_links([OrgLink("buyer", "acquired", "same_domain", "3 people at buyer use @acquired.example")],
                       source="import")  # fmt: skip
    northwind_before = repo.get_organisation("northwind-logistics")
    claims_before = repo.domain_owners(["northwind.example"])
    for org_key, account in (("acquired", "001-a"), ("northwind-logistics", "001-n")):  # as before this change
        repo.remove_crm_organisation("demo", org_key, ("webhook", account))

    first = migrate(capsys)

    assert first["copied"] >= 2 and first["domains_released"] == ["acquired.example"]
    assert first["links_removed"] == 1 and first["organisations_removed"] == ["acquired"]
    assert [(o.name, o.domain) for o in repo.crm_organisations("demo", "acquired")] == [
        ("Acquired Co", "acquired.example")
    ]
    assert [o.name for o in repo.crm_organisations("demo", "northwind-logistics")] == ["Northwind Logistics"]
    assert repo.domain_owners(["acquired.example"]) == {} and repo.org_links("buyer") == []
    assert repo.get_organisation("acquired") is None
    after = repo.get_organisation("northwind-logistics")
    assert (after.name, after.domain) == (northwind_before.name, northwind_before.domain)  # type: ignore[union-attr]
    assert repo.domain_owners(["northwind.example"]) == claims_before

    second = migrate(capsys)

    assert (second["domains_released"], second["links_removed"], second["organisations_removed"]) == ([], 0, [])
