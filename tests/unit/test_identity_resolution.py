"""Identity resolution: same person or not, with a confidence and the evidence for it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from warmpath.identity import (
    SAME_AT,
    Identity,
    OrgLink,
    compare,
    domain_links,
    email_key,
    organisation_key,
    parse_name,
    score_labelled_pairs,
    target_claims,
    work_domain,
)

PAIRS = Path(__file__).resolve().parents[1] / "data" / "identity_pairs.csv"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("John.Doe+news@GoogleMail.com", "johndoe@gmail.com"),
        ("jane+crm@outlook.com", "Jane@Outlook.com"),
    ],
)
def test_addresses_that_reach_one_mailbox_share_a_key(a: str, b: str) -> None:
    assert email_key(a) == email_key(b)


def test_dots_and_tags_matter_at_companies() -> None:
    assert email_key("john.doe+x@acme.example") != email_key("johndoe@acme.example")


def test_free_mail_is_not_a_company_domain() -> None:
    assert work_domain("a@gmail.com") is None
    assert work_domain("a@Acme.io") == "acme.io"


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("Dr. Robert Smith Jr.", "robert", "smith"),
        ("Smith, Robert", "robert", "smith"),
        ("Zoë García-López, PhD", "zoe", "garcia-lopez"),
        ("MATTHEW O'CONNOR III", "matthew", "oconnor"),
    ],
)
def test_names_are_read_whatever_the_order_honorifics_or_suffixes(written: str, first: str, last: str) -> None:
    name = parse_name(written)

    assert (name.first, name.last) == (first, last)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Soylent Co., Inc.", "Soylent"),
        ("Procter & Gamble", "Procter and Gamble"),
        ("Nestlé S.A.", "NESTLE"),
        ("Stark & Wayne LLC", "stark and wayne"),
    ],
)
def test_organisation_variants_share_a_key(a: str, b: str) -> None:
    assert organisation_key(a) == organisation_key(b)


def test_a_nickname_at_the_same_company_is_the_same_person_with_evidence() -> None:
    match = compare(Identity("Bob Smith", organisation="Acme, Inc."), Identity("Robert Smith", organisation="ACME"))

    assert match.decision == "same"
    assert any("nickname" in e for e in match.evidence)


def test_a_namesake_at_another_company_is_different() -> None:
    match = compare(Identity("Robert Smith", organisation="Acme"), Identity("Robert Smith", organisation="Globex"))

    assert match.decision == "different"


def test_a_name_alone_is_only_a_possible_match() -> None:
    match = compare(Identity("Robert Smith"), Identity("Robert Smith", organisation="Globex"))

    assert match.decision == "possible"


def test_different_linkedin_profiles_are_different_people() -> None:
    match = compare(
        Identity("Robert Smith", linkedin_url="linkedin.com/in/rs-1", organisation="Acme"),
        Identity("Robert Smith", linkedin_url="linkedin.com/in/rs-2", organisation="Acme"),
    )

    assert match.decision == "different"


def test_a_work_email_domain_stands_for_the_company() -> None:
    match = compare(
        Identity("Jon Smith", organisation="Stark & Wayne LLC"), Identity("Jon Smith", email="jon@starkwayne.com")
    )

    assert match.confidence >= SAME_AT


def test_the_labelled_benchmark_meets_recall_097_at_precision_099() -> None:
    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8")))

    precision, recall = score_labelled_pairs(rows)

    assert len(rows) > 1500
    assert precision >= 0.99
    assert recall >= 0.97


# -- organisations that belong together ------------------------------------------------------------------

RENAMED = OrgLink("facebook", "meta", "renamed", "press release, 2021-10-28")


def test_a_name_at_a_renamed_organisation_is_the_same_person_only_when_the_link_is_known() -> None:
    then, now = Identity("Ann Lee", organisation="Facebook, Inc."), Identity("Ann Lee", organisation="Meta")

    assert compare(then, now).decision == "different"
    linked = compare(then, now, links=[RENAMED])
    assert linked.decision == "same"
    assert "facebook (is now meta: press release, 2021-10-28)" in linked.evidence


def test_a_link_between_other_organisations_changes_nothing() -> None:
    a, b = Identity("Ann Lee", organisation="Initech"), Identity("Ann Lee", organisation="Meta")

    assert compare(a, b, links=[RENAMED]).decision == "different"


def test_target_claims_look_for_the_name_at_linked_organisations_at_a_lower_confidence() -> None:
    plain = target_claims(name="Ann Lee", organisation="Meta")
    linked = target_claims(name="Ann Lee", organisation="Meta", links=[RENAMED])

    assert len(plain) == 1 and len(linked) == 2
    assert linked[0] == plain[0]
    assert linked[1].confidence < linked[0].confidence
    assert linked[1].evidence == "same name at facebook (is now meta: press release, 2021-10-28)"
    # the linked claim is exactly what an import of "Ann Lee at Facebook" would have written
    assert linked[1].key == target_claims(name="Ann Lee", organisation="Facebook")[0].key


@pytest.mark.parametrize(("a", "b", "relation"), [("x", "x", "renamed"), ("x", "y", "acquired-ish")])
def test_a_link_must_join_two_organisations_by_a_known_relation(a: str, b: str, relation: str) -> None:
    with pytest.raises(ValueError, match=r"linked to itself|relation must be one of"):
        OrgLink(a, b, relation, "test")


def test_people_of_two_organisations_sharing_a_work_domain_link_them() -> None:
    records = [
        ("ann@fb.example", "Meta Platforms, Inc."),
        ("bob@fb.example", "Meta Platforms"),
        ("cy@fb.example", "Facebook"),
        ("di@fb.example", "Facebook"),
        ("ed@fb.example", "Facebook"),
    ]

    owners, links = domain_links(records, owners={})

    assert owners == {"fb.example": "facebook"}  # the busiest organisation owns a new domain
    assert links == [OrgLink("meta-platforms", "facebook", "same_domain", "2 people at meta-platforms use @fb.example")]


def test_one_stale_address_is_not_evidence_and_free_mail_never_counts() -> None:
    records = [
        ("ann@initech.example", "Globex"),  # moved on, still has the old address
        ("joe@gmail.com", "Globex"),
        ("sue@gmail.com", "Initech"),
        ("tom@gmail.com", "Initech"),
    ]

    owners, links = domain_links(records, owners={"initech.example": "initech"})

    assert (owners, links) == ({}, [])


def test_a_known_owner_keeps_its_domain() -> None:
    records = [("a@fb.example", "Meta"), ("b@fb.example", "Meta"), ("c@fb.example", "Meta")]

    owners, links = domain_links(records, owners={"fb.example": "facebook"})

    assert owners == {}
    assert [(link.a, link.b) for link in links] == [("meta", "facebook")]
