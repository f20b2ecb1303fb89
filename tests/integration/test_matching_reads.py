"""What a match reads: its items grow with the candidate connectors, never with the rest of the tenant.

Networks are written through the real import (``network.import_contacts``) into moto; the items a match
reads are counted from DynamoDB's own responses (botocore's after-call events), as bench/match_bench.py
counts them. Each candidate costs two items -- the evidence (their tie to the target, or their aggregate at
the organisation) and their membership of the tenant, which holds the fatigue history ranking needs -- plus
a constant: the target's identity claims and the organisation's links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from warmpath import wiring
from warmpath.contacts import Contact, ParsedFile
from warmpath.models import shared_connection, utcnow
from warmpath.network import import_contacts, rate_tie
from warmpath.pathfinding import Target, find_paths

from tests.conftest import AwsWorld

TENANT = "reads"
TARGET = Target(name="Priya Raman", company="Acme Robotics", title="VP Engineering")


class ItemsRead:
    def __init__(self) -> None:
        self.items = 0
        self.scans = 0

    def __call__(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("Query", "Scan"):
            self.items += len(parsed.get("Items", []))
            self.scans += model.name == "Scan"
        elif model.name == "BatchGetItem":
            self.items += sum(len(v) for v in parsed.get("Responses", {}).values())
        elif model.name == "GetItem":
            self.items += 1 if parsed.get("Item") else 0


@pytest.fixture
def counted(aws: AwsWorld) -> Iterator[ItemsRead]:
    counter = ItemsRead()
    events = shared_connection().connection.client.meta.events
    events.register("after-call.dynamodb", counter)
    yield counter
    events.unregister("after-call.dynamodb", counter)


def _connector(index: int, contacts: list[Contact]) -> str:
    email = f"connector{index}@example.com"
    repo = wiring.repository()
    repo.put_member(TENANT, email, f"Connector {index:03d}", {"connector"}, connector_type="employee")
    import_contacts(repo, email, ParsedFile(format="linkedin", contacts=contacts))
    return email


def _colleagues(index: int, company: str, count: int = 3) -> list[Contact]:
    return [
        Contact(line=i + 2, name=f"Colleague {index}-{i}", organisation=company, title="Engineer") for i in range(count)
    ]


def _match(counter: ItemsRead) -> tuple[int, list[Any]]:
    counter.items = 0
    paths = find_paths(wiring.repository(), TENANT, "rep@example.com", TARGET, request_id="r1", now=utcnow(), limit=100)
    return counter.items, paths


def _tenant_with_candidates() -> None:
    """Two connectors know the target, four know colleagues of hers at Acme."""
    priya = Contact(line=2, name="Priya Raman", organisation="Acme Robotics", title="VP Engineering")
    for index in range(2):
        _connector(index, [priya, *_colleagues(index, "Elsewhere Ltd")])
    for index in range(2, 6):
        _connector(index, _colleagues(index, "Acme Robotics"))


def test_a_match_reads_two_items_per_candidate_and_a_constant(counted: ItemsRead) -> None:
    # Given a tenant with six candidate connectors for Priya at Acme
    _tenant_with_candidates()
    # When she is matched
    read, paths = _match(counted)
    # Then each candidate costs its evidence and its membership, plus a constant, and nothing is scanned
    assert len(paths) == 6
    assert read <= 2 * len(paths) + 5
    assert counted.scans == 0


def test_ten_times_more_connectors_elsewhere_add_no_reads(counted: ItemsRead) -> None:
    # Given the tenant above, matched once
    _tenant_with_candidates()
    before, paths_before = _match(counted)
    # When ten times as many connectors join, with networks at other organisations (and people named like her)
    for index in range(6, 66):
        _connector(index, [*_colleagues(index, f"Other {index % 7} Inc", 5), Contact(line=9, name="Priya Raman")])
    after, paths_after = _match(counted)
    # Then the match reads exactly what it read before, and finds the same paths
    assert after == before
    assert [p.connector_email for p in paths_after] == [p.connector_email for p in paths_before]


def test_a_connector_whose_ties_there_are_all_hidden_costs_one_item_not_two(counted: ItemsRead) -> None:
    # Given the tenant above, and a seventh connector who knows people at Acme but hides every one of them
    _tenant_with_candidates()
    before, _ = _match(counted)
    hider = _connector(6, _colleagues(6, "Acme Robotics", 2))
    repo = wiring.repository()
    for tie in repo.network_of(hider):
        rate_tie(repo, hider, tie.person_id, "strong", visibility="hidden")
    # When Priya is matched again
    after, paths = _match(counted)
    # Then only the hider's aggregate is read (their membership is not), and they are no path
    assert after == before + 1
    assert hider not in {p.connector_email for p in paths}
