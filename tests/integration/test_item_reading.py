"""Items read back through ``WarmpathItem.from_raw_data`` (the fast path every query and batch read takes) are
exactly what PynamoDB's own ``Model.from_raw_data`` would build: same class, same values."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pynamodb.attributes import MapAttribute
from pynamodb.models import Model
from warmpath import models
from warmpath.models import Member, OrgTies, WarmpathItem

from tests.conftest import AwsWorld
from tests.integration.flows import asked_margaret, reply, table_items

ENTITIES = sorted(
    (c for c in vars(models).values() if isinstance(c, type) and issubclass(c, WarmpathItem) and c is not WarmpathItem
     and c._get_discriminator_attribute().get_discriminator(c) is not None),
    key=lambda c: c.__name__,
)  # fmt: skip


def pynamodb_own(model: type[WarmpathItem], raw: dict[str, Any]) -> Any:
    return Model.from_raw_data.__func__(model, raw)  # type: ignore[attr-defined]


def values(item: Any) -> dict[str, Any]:
    """An item's values, map attributes as (class, their values): MapAttribute instances compare by identity."""
    return {name: plain(value) for name, value in item.attribute_values.items()}


def plain(value: Any) -> Any:
    if isinstance(value, MapAttribute):
        return type(value), {k: plain(v) for k, v in value.attribute_values.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def test_every_item_the_demo_and_a_loop_write_reads_back_as_pynamodb_reads_it(
    aws: AwsWorld, demo: dict[str, Any]
) -> None:
    # Given the demo tenant, and a request whose ask Margaret accepts by reply (requests, asks, tokens, mail...)
    ask = asked_margaret(aws)
    reply(aws, ask, "Yes, happy to introduce you.")
    items = table_items()
    kinds = {i["kind"]["S"] for i in items if "kind" in i}
    assert {"Member", "OrgTies", "Relationship", "IntroRequest"} <= kinds
    # When each is read through the fast path and through PynamoDB's
    for raw in items:
        fast, own = WarmpathItem.from_raw_data(raw), pynamodb_own(WarmpathItem, raw)
        # Then both are the same entity with the same values (and it still writes back what was read)
        assert type(fast) is type(own), raw
        assert values(fast) == values(own), raw
        if "kind" in raw:  # not every item is an entity (the idempotency records are Powertools')
            assert fast.serialize() == own.serialize()


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.__name__)
def test_an_item_holding_only_its_keys_gets_the_defaults_pynamodb_gives(entity: type[WarmpathItem]) -> None:
    # Given an item of each entity with nothing but its keys and kind (every attribute with a default missing)
    raw = {
        "PK": {"S": "P"},
        "SK": {"S": "S"},
        "kind": {"S": entity._get_discriminator_attribute().get_discriminator(entity)},
    }
    # When it is read both ways
    fast, own = WarmpathItem.from_raw_data(raw), pynamodb_own(WarmpathItem, raw)
    # Then the defaults are the same, map attributes wrapped in their class (defaults made by a function,
    # the times, are made twice: compared by type)
    assert type(fast) is type(own) is entity
    made = {n for n, a in entity.get_attributes().items() if callable(a.default) and a.default not in (list, dict, set)}
    assert {k: v for k, v in values(fast).items() if k not in made} == {
        k: v for k, v in values(own).items() if k not in made
    }
    assert {k: type(fast.attribute_values[k]) for k in made} == {k: type(own.attribute_values[k]) for k in made}


def test_a_subclass_reads_only_its_own_kind() -> None:
    raw = Member(PK="TENANT#t", SK="MEMBER#a@x.example", tenant="t", email="a@x.example", name="A").serialize()
    assert isinstance(Member.from_raw_data(raw), Member)
    try:
        OrgTies.from_raw_data(raw)
    except ValueError as error:
        assert "Cannot instantiate a OrgTies" in str(error)
    else:
        raise AssertionError("an OrgTies was built from a Member item")


def test_an_item_without_a_kind_gets_the_class_it_is_read_as() -> None:
    raw = {"PK": {"S": "NETWORK#a"}, "SK": {"S": "ORG#acme"}, "connector_email": {"S": "a"}}
    fast, own = OrgTies.from_raw_data(raw), pynamodb_own(OrgTies, raw)
    assert values(fast) == values(own)
    assert fast.kind is OrgTies and fast.top == [] and fast.tie_count == 0


text = st.text(max_size=20)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=text,
    roles=st.sets(st.sampled_from(["connector", "requester", "admin"]), min_size=1),
    answered=st.integers(0, 10**6),
    ask_times=st.lists(text, max_size=4),
    response_hours=st.lists(st.floats(0, 10**4, allow_nan=False), max_size=4),
    paused=st.booleans(),
    top=st.lists(st.dictionaries(st.sampled_from(["person_id", "name", "title"]), text), max_size=5),
    visible=st.integers(0, 10**4),
)
def test_any_member_or_aggregate_reads_back_as_pynamodb_reads_it(
    name: str,
    roles: set[str],
    answered: int,
    ask_times: list[str],
    response_hours: list[float],
    paused: bool,
    top: list[dict[str, str]],
    visible: int,
) -> None:
    member = Member(PK="TENANT#t", SK="MEMBER#m", tenant="t", email="m", name=name, roles=roles)
    member.answered, member.ask_times, member.response_hours, member.paused = (
        answered,
        ask_times,
        response_hours,
        paused,
    )
    aggregate = OrgTies(PK="NETWORK#m", SK="ORG#o", connector_email="m", org_key="o", organisation=name, top=top)
    aggregate.visible_count = visible
    for item in (member, aggregate):
        raw = item.serialize()
        assert values(WarmpathItem.from_raw_data(raw)) == values(pynamodb_own(WarmpathItem, raw))
