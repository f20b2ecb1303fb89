"""Reading CRM deliveries (warmpath.crm): signatures against the providers' own vectors, and the real samples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from warmpath import crm

from tests.conftest import SHARED_FIXTURES, load_fixture

SALESFORCE = SHARED_FIXTURES / "crm_webhooks" / "salesforce" / "aspnet-WebHooks"
VECTORS = load_fixture("crm_webhooks/hubspot/signature-test-vectors.json")["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[f"{v['version']}-{v['source']}" for v in VECTORS])
def test_hubspot_signatures_match_hubspots_own_vectors(vector: dict) -> None:
    signature = crm.hubspot_signature(
        vector["version"],
        vector["client_secret"],
        method=vector.get("method", ""),
        uri=vector.get("uri", ""),
        body=vector["body"],
        timestamp=str(vector.get("timestamp", "")),
    )

    assert signature == vector["expected"]


def test_a_v3_signature_is_accepted_within_five_minutes_only() -> None:
    [vector] = [v for v in VECTORS if v["version"] == "v3"]
    signed_at = datetime.fromtimestamp(int(vector["timestamp"]) / 1000, UTC)
    args = (vector["client_secret"], vector["method"], vector["uri"], vector["body"], str(vector["timestamp"]))

    crm.verify_hubspot(*args, vector["expected"], now=signed_at + timedelta(minutes=4))
    with pytest.raises(crm.SignatureError, match="five minutes"):
        crm.verify_hubspot(*args, vector["expected"], now=signed_at + timedelta(minutes=6))
    with pytest.raises(crm.SignatureError, match="does not match"):
        crm.verify_hubspot(*args, vector["expected"].replace("K", "k"), now=signed_at)


def test_hubspot_decodes_only_its_listed_escapes_in_the_uri() -> None:
    assert crm.hubspot_uri("https://x.example/a%3Ab%2Fc?q=%20%40") == "https://x.example/a:b/c?q=%20@"


def test_the_generic_signature_covers_timestamp_and_body() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    stamp = str(int(now.timestamp()))
    signature = crm.generic_signature("s3cret", stamp, '{"events": []}')

    crm.verify_generic("s3cret", stamp, '{"events": []}', signature, now)
    with pytest.raises(crm.SignatureError):
        crm.verify_generic("s3cret", stamp, '{"events": [1]}', signature, now)
    with pytest.raises(crm.SignatureError, match="five minutes"):
        crm.verify_generic("s3cret", stamp, '{"events": []}', signature, now + timedelta(minutes=10))


def test_the_salesforce_sample_reads_as_two_contact_changes() -> None:
    message = crm.parse_salesforce((SALESFORCE / "RequestBodies" / "Salesforce.xml").read_bytes())

    assert message.organization_id == "012345678901234"
    assert [(c.delivery_id, c.kind, c.external_id) for c in message.changes] == [
        ("04l1I000000fztEQAQ", "contact", "0031I0000081tbPQAQ"),
        ("04l1I000000fzt9QAA", "contact", "0031I0000081tb0QAA"),
    ]
    assert message.changes[1].fields == {
        "email": "drb24@cornell.edu",
        "first_name": "Doug",
        "last_name": "Bunting",
        "title": "Supreme Being",
    }
    assert message.changes[1].modified_at == datetime(2017, 12, 11, 21, 44, 55, tzinfo=UTC)


def test_salesforce_samples_with_a_bom_unknown_types_or_no_notifications_are_read() -> None:
    bad_secret = crm.parse_salesforce((SALESFORCE / "RequestBodies" / "Salesforce.BadSecret.xml").read_bytes())
    empty = crm.parse_salesforce((SALESFORCE / "RequestBodies" / "Salesforce.Empty.xml").read_bytes())

    assert bad_secret.organization_id == "0123456789ABCDENNN" and bad_secret.changes == []  # Lead1..3: not ours
    assert empty.changes == []


def test_salesforce_org_ids_compare_on_their_first_fifteen_characters() -> None:
    assert crm.same_salesforce_org("0123456789ABCDE", "0123456789ABCDENNN")
    assert not crm.same_salesforce_org("012345678901234", "0123456789ABCDENNN")
    assert not crm.same_salesforce_org("", "")


@pytest.mark.parametrize(
    "body",
    [b"not xml", b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', b"<soapenv:Envelope xmlns:soapenv='s'/>"],
)
def test_unreadable_or_dangerous_xml_is_refused(body: bytes) -> None:
    with pytest.raises(crm.CrmInputError):
        crm.parse_salesforce(body)


def test_a_hubspot_batch_becomes_one_change_per_event() -> None:
    [vector] = [v for v in VECTORS if v["version"] == "v1" and "docs" in v["source"]]
    [change] = crm.parse_hubspot(vector["body"])

    assert (change.delivery_id, change.kind, change.external_id) == ("1", "contact", "123")
    assert change.modified_at == datetime(2019, 7, 26, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{}", 'must be {"events"'),
        ('{"events": [{"id": "1"}]}', "needs type, external_id, modified_at"),
        ('{"events": [{"id": "1", "type": "lead", "external_id": "x", "modified_at": "2026-01-01"}]}', "one of"),
        ('{"events": [{"id": "1", "type": "deal", "external_id": "x", "modified_at": "2026-01-01T00:00:00Z", '
         '"fields": {"colour": "red"}}]}', "unknown field(s) colour"),
        ('{"events": [{"id": "1", "type": "deal", "external_id": "x", "modified_at": "soon"}]}', "not a date"),
    ],
)  # fmt: skip
def test_a_bad_generic_delivery_says_what_to_fix(body: str, problem: str) -> None:
    with pytest.raises(crm.CrmInputError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        crm.parse_generic(body)


@pytest.mark.parametrize(
    ("fields", "mapping", "stage"),
    [
        ({"stage": "Closed Won"}, None, "closed_won"),
        ({"stage": "closedlost"}, None, "closed_lost"),
        ({"stage": "Negotiation", "won": "true", "closed": "true"}, None, "closed_won"),
        ({"stage": "Signed"}, {"signed": "closed_won"}, "closed_won"),
        ({"stage": "Discovery"}, None, "open"),
    ],
)
def test_deal_stages_map_to_open_won_or_lost(fields: dict, mapping: dict | None, stage: str) -> None:
    assert crm.deal_stage(fields, mapping) == stage


def test_a_hubspot_association_links_a_deal_to_its_contact() -> None:
    body = (
        '[{"eventId": 7, "occurredAt": 1700000000000, "subscriptionType": "deal.associationChange",'
        ' "fromObjectId": 601, "toObjectId": 501, "associationType": "DEAL_TO_CONTACT", "associationRemoved": false},'
        ' {"eventId": 8, "occurredAt": 1700000000000, "subscriptionType": "deal.associationChange",'
        ' "fromObjectId": 601, "toObjectId": 502, "associationType": "DEAL_TO_CONTACT", "associationRemoved": true}]'
    )

    [change] = crm.parse_hubspot(body)

    assert (change.kind, change.external_id, change.fields) == ("deal", "601", {"contact": "501"})
