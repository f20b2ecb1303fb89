"""Ranking paths (matching.paths): scores, order, limits and the reasons shown to the requester."""

from __future__ import annotations

import random

import pytest
from matching.paths import MAX_PATHS, Candidate, path_id_for, rank_paths, reasons_for, score
from warmpath.models import IntroRequest, Member, Relationship

REQUEST = IntroRequest(
    tenant="acme",
    request_id="r1",
    requester_email="rita@acme.example",
    requester_name="Rita Requester",
    target_name="Tom Target",
    target_company="Big Corp",
    target_email="tom@big.example",
    reason="We would like to talk about their sales tooling.",
)


def candidate(
    name: str,
    *,
    email: str | None = None,
    strength: str = "average",
    rated_by: str = "inferred",
    source: str = "linkedin",
    connected_on: str | None = None,
) -> Candidate:
    email = email or f"{name.split()[0].lower()}@acme.example"
    member = Member(
        tenant="acme",
        email=email,
        name=name,
        roles={"connector"},
        title="Partner",
        location="Paris",
        connector_type="investor",
    )
    tie = Relationship(
        connector_email=email,
        person_id="p-tom",
        person_name="Tom Target",
        strength=strength,
        strength_rated_by=rated_by,
        source=source,
        connected_on=connected_on,
    )
    return Candidate(member=member, tie=tie)


def names(candidates: list[Candidate]) -> list[str]:
    return [p.connector_name for p in rank_paths(candidates, REQUEST)]


def test_stronger_ties_rank_first() -> None:
    candidates = [
        candidate("Wendy Weak", strength="weak"),
        candidate("Vera Verystrong", strength="very_strong"),
        candidate("Avery Average", strength="average"),
        candidate("Sam Strong", strength="strong"),
    ]

    assert names(candidates) == ["Vera Verystrong", "Sam Strong", "Avery Average", "Wendy Weak"]


def test_a_connector_rated_tie_beats_an_inferred_tie_of_equal_strength() -> None:
    """Given two strong ties, one rated by the connector, then the rated one ranks first despite its later name."""
    candidates = [
        candidate("Alice Inferred", strength="strong", rated_by="inferred"),
        candidate("Zoe Rated", strength="strong", rated_by="connector"),
    ]

    assert names(candidates) == ["Zoe Rated", "Alice Inferred"]
    assert score(candidates[1]) > score(candidates[0])


def test_a_connector_rating_does_not_outweigh_a_stronger_tie() -> None:
    rated_average = candidate("Rated Average", strength="average", rated_by="connector")
    inferred_strong = candidate("Inferred Strong", strength="strong", rated_by="inferred")

    assert score(inferred_strong) > score(rated_average)


def test_an_unknown_strength_scores_below_every_known_strength() -> None:
    assert score(candidate("Odd", strength="legendary")) < score(candidate("Weak", strength="weak"))


def test_equal_scores_are_ordered_by_name_then_email() -> None:
    candidates = [
        candidate("bob Brown", email="bob2@acme.example"),
        candidate("Anna Adams"),
        candidate("Bob Brown", email="bob1@acme.example"),
    ]

    ranked = rank_paths(candidates, REQUEST)

    assert [p.connector_email for p in ranked] == ["anna@acme.example", "bob1@acme.example", "bob2@acme.example"]


def test_the_order_does_not_depend_on_the_order_of_the_input() -> None:
    """Given the same candidates shuffled several ways, then the ranked paths are always the same."""
    candidates = [
        candidate(name, strength=strength, rated_by=rated)
        for name, strength, rated in [
            ("Cleo", "strong", "inferred"),
            ("Ben", "strong", "inferred"),
            ("Ada", "strong", "connector"),
            ("Dev", "weak", "inferred"),
            ("Eve", "very_strong", "inferred"),
            ("Fay", "average", "connector"),
            ("Gus", "strong", "inferred"),
        ]
    ]
    expected = [p.as_dict() for p in rank_paths(candidates, REQUEST)]
    shuffler = random.Random(42)

    for _ in range(10):
        shuffled = candidates[:]
        shuffler.shuffle(shuffled)
        assert [p.as_dict() for p in rank_paths(shuffled, REQUEST)] == expected


def test_at_most_max_paths_are_returned_and_they_are_the_best() -> None:
    strong = [candidate(f"Strong {i:02d}", strength="strong") for i in range(MAX_PATHS)]
    weak = [candidate(f"Aaron Weak {i:02d}", strength="weak") for i in range(5)]

    ranked = rank_paths(weak + strong, REQUEST)

    assert len(ranked) == MAX_PATHS
    assert {p.strength for p in ranked} == {"strong"}


def test_no_candidates_means_no_paths() -> None:
    assert rank_paths([], REQUEST) == []


def test_a_path_carries_the_connector_and_tie_details() -> None:
    (path,) = rank_paths([candidate("Cara Connector", strength="strong", connected_on="2021-03-04")], REQUEST)

    assert path.connector_email == "cara@acme.example"
    assert path.connector_title == "Partner"
    assert path.connector_location == "Paris"
    assert path.connector_type == "investor"
    assert path.path_type == "direct"
    assert path.strength == "strong"
    assert path.score == score(candidate("Cara Connector", strength="strong"))
    assert path.path_id == path_id_for("r1", "cara@acme.example")


def test_a_path_id_is_stable_and_differs_per_connector() -> None:
    assert path_id_for("r1", "cara@acme.example") == path_id_for("r1", "cara@acme.example")
    assert path_id_for("r1", "cara@acme.example") != path_id_for("r1", "dan@acme.example")
    assert path_id_for("r1", "cara@acme.example") != path_id_for("r2", "cara@acme.example")


def test_reasons_name_the_target_the_source_and_the_connected_on_date() -> None:
    reasons = reasons_for(candidate("Cara", source="linkedin", connected_on="2021-03-04"), REQUEST)

    assert reasons[0] == "Knows Tom Target directly (LinkedIn connection, connected on 2021-03-04)"


def test_reasons_leave_out_the_date_when_it_is_not_known() -> None:
    reasons = reasons_for(candidate("Cara", source="google"), REQUEST)

    assert reasons[0] == "Knows Tom Target directly (Google contact)"


def test_reasons_fall_back_to_the_raw_source_when_it_has_no_label() -> None:
    reasons = reasons_for(candidate("Cara", source="carrier_pigeon"), REQUEST)

    assert "(carrier_pigeon)" in reasons[0]


@pytest.mark.parametrize(
    ("strength", "rated_by", "expected"),
    [
        ("very_strong", "connector", "Relationship strength: very strong (rated by the connector)"),
        ("weak", "inferred", "Relationship strength: weak (inferred)"),
    ],
)
def test_reasons_state_the_strength_and_who_rated_it(strength: str, rated_by: str, expected: str) -> None:
    reasons = reasons_for(candidate("Cara", strength=strength, rated_by=rated_by), REQUEST)

    assert reasons[1] == expected


def test_ranked_paths_carry_their_reasons() -> None:
    (path,) = rank_paths([candidate("Cara", source="seed", connected_on="2020-01-02")], REQUEST)

    assert list(path.reasons) == [
        "Knows Tom Target directly (added by the admin, connected on 2020-01-02)",
        "Relationship strength: average (inferred)",
    ]
