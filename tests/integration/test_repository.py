"""The access patterns written next to the models, run against a table built from the template."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warmpath import wiring
from warmpath.identity import claim_keys
from warmpath.models import IntroRequest, Person, Relationship

from tests.conftest import AwsWorld


def test_tenants_a_person_belongs_to_are_found_by_email(aws: AwsWorld, demo: dict) -> None:
    memberships = wiring.repository().memberships_of("david.kim@summitcap.example")

    assert sorted(m.tenant for m in memberships) == ["demo", "globex"]


def test_members_are_batch_read_per_tenant(aws: AwsWorld, demo: dict) -> None:
    found = wiring.repository().get_members(
        "globex", ["david.kim@summitcap.example", "margaret.hale@hale-ventures.example"]
    )

    assert list(found) == ["david.kim@summitcap.example"]


def test_a_tenants_members_are_listed(aws: AwsWorld, demo: dict) -> None:
    members = wiring.repository().list_members("demo")

    assert len(members) == 23  # one admin, two requesters, twenty connectors
    assert {m.tenant for m in members} == {"demo"}


def test_people_are_found_by_any_of_their_identifiers(aws: AwsWorld) -> None:
    repo = wiring.repository()
    claims = claim_keys(email="a.b@B.example", linkedin_url="linkedin.com/in/a-b", name="Ann Bee", organisation="B Inc")
    repo.put_people([Person(person_id="p-ab", name="Ann Bee", claims=set(claims))])

    assert repo.find_person_ids(email="A.B@b.example") == ["p-ab"]
    assert repo.find_person_ids(linkedin_url="https://www.linkedin.com/in/A-B/") == ["p-ab"]
    assert repo.find_person_ids(name="Bee, Ann", organisation="B") == ["p-ab"]
    assert repo.find_person_ids(email="x@b.example", linkedin_url="linkedin.com/in/x") == []
    found = repo.get_person("p-ab")
    assert found is not None and found.name == "Ann Bee"
    assert repo.get_person("missing") is None


def test_ties_are_read_by_person_and_by_connector(aws: AwsWorld) -> None:
    repo = wiring.repository()
    ties = [
        Relationship(connector_email=c, person_id="p1", person_name="P One", source="manual")
        for c in ("c1@x.example", "c2@x.example")
    ]
    repo.put_relationships(ties)

    assert sorted(t.connector_email for t in repo.ties_to("p1")) == ["c1@x.example", "c2@x.example"]
    assert [t.person_id for t in repo.network_of("c1@x.example")] == ["p1"]


def test_a_requests_partition_holds_the_request_and_its_timeline(aws: AwsWorld) -> None:
    repo = wiring.repository()
    request = IntroRequest(
        tenant="demo",
        request_id="r1",
        requester_email="r@x.example",
        requester_name="R",
        target_name="T",
        target_company="C",
        reason="a good reason",
    )
    repo.create_request(request)

    bundle = repo.get_request_bundle("demo", "r1")

    assert bundle.request.request_id == "r1"
    assert [t.what for t in bundle.timeline] == ["requested"]
    assert [r.request_id for r in repo.list_requests("demo")] == ["r1"]
    assert [r.request_id for r in repo.list_requests("demo", requester="r@x.example")] == ["r1"]
    assert repo.list_requests("other") == []


def test_a_token_is_spent_once(aws: AwsWorld) -> None:
    repo = wiring.repository()

    assert repo.spend_token("jti-1", expires_at=2_000_000_000) is True
    assert repo.spend_token("jti-1", expires_at=2_000_000_000) is False


def test_an_expired_session_does_not_count(aws: AwsWorld) -> None:
    repo = wiring.repository()
    now = datetime.now(UTC)
    session_id = repo.create_session("demo", "r@x.example", now + timedelta(minutes=5))

    assert repo.get_session(session_id, now) is not None
    assert repo.get_session(session_id, now + timedelta(minutes=6)) is None
    assert repo.get_session("not-a-session", now) is None


def test_organisations_are_read_by_key(aws: AwsWorld, demo: dict) -> None:
    organisation = wiring.repository().get_organisation("northwind-logistics")

    assert organisation is not None
    assert (organisation.name, organisation.domain) == ("Northwind Logistics", "northwind.example")
    assert wiring.repository().get_organisation("nowhere") is None
