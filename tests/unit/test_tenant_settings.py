"""One check of a tenant's whole settings map (warmpath.tenant_settings), shared by the settings page and the CLI."""

from __future__ import annotations

import pytest
from warmpath.tenant_settings import crm_connection_value, effective


def test_empty_settings_mean_the_defaults() -> None:
    applied = effective({})

    assert applied["asks_per_30_days"] >= 1 and applied["attribution_window_days"] == 90
    assert applied["mail"]["double_opt_in"] is True and applied["rewards"] == []
    assert applied["contribution_weights"]["meetings"] == 10 and applied["leaderboard_hidden"] is False


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"asks_per_30_days": 0}, "asks_per_30_days must be at least 1"),
        ({"asks_per_30_days": "many"}, "asks_per_30_days must be a whole number, not 'many'"),
        ({"weights": {"charm": 1}}, "unknown ranking weight 'charm'"),
        ({"ask_expiry_days": 31}, "at most 30"),
        ({"rewards": [{"trigger": "birthday"}]}, "rewards[0].trigger must be one of"),
        ({"attribution_window_days": 0}, "from 1 to 730"),
        ({"crm_stages": ["won"]}, "crm_stages must be an object"),
        ({"leaderboard_hidden": "yes"}, "leaderboard_hidden must be true or false"),
        ({"contribution_weights": {"charm": 1}}, "unknown contribution weight 'charm'"),
        ({"contribution_weights": {"meetings": -2}}, "must be a number from 0 to 1000"),
        ({"contribution_weights": {"meetings": True}}, "must be a number from 0 to 1000"),
        ({"contribution_weights": {"meetings": float("nan")}}, "must be a number from 0 to 1000"),
        ({"meeting_check_days": 1e7}, "meeting_check_days must be from 0 to 365 days"),
        ({"meeting_check_days": float("inf")}, "meeting_check_days must be from 0 to 365 days"),
        ({"decline_cooldown_days": 10**7}, "decline_cooldown_days must be from 0 to 365"),
        ({"asks_per_30_days": 500}, "at most 100"),
        ({"weights": {"type_fit": float("nan")}}, "ranking weight 'type_fit' must be from -100 to 100"),
        ({"rewards": [{}]}, "rewards[0] needs a trigger"),
        ({"rewards": [{"trigger": "introduction", "connector_type": "alien"}]}, "rewards[0].connector_type must be"),
        ({"rewards": [{"trigger": "introduction", "currency": "<b>"}]}, "three-letter code like USD"),
        ({"rewards": [{"trigger": "introduction"}, {"trigger": "introduction"}]}, "rewards[1] repeats an earlier"),
        ({"rewards": [{"trigger": "introduction", "amount": float("inf")}]}, "amount must be from 0 to 1,000,000"),
    ],
)
def test_a_bad_value_anywhere_says_what_to_fix(settings: dict, problem: str) -> None:
    with pytest.raises(ValueError) as raised:
        effective(settings)

    assert problem in str(raised.value)


def test_overrides_are_applied_and_others_keep_their_defaults() -> None:
    applied = effective({"contribution_weights": {"revenue": 0}, "asks_per_30_days": 2, "double_opt_in": False})

    assert applied["contribution_weights"]["revenue"] == 0 and applied["contribution_weights"]["introduced"] == 5
    assert applied["asks_per_30_days"] == 2 and applied["mail"]["double_opt_in"] is False


@pytest.mark.parametrize(
    ("provider", "fields", "problem"),
    [
        ("pipedrive", {}, "must be one of salesforce, hubspot, webhook"),
        ("hubspot", {"secret": "short"}, "at least 16 characters"),
        ("salesforce", {"org_id": "00D"}, "Organization ID"),
        ("webhook", {"secret": "x" * 20, "writeback": True, "access_token": "t"}, "Salesforce or HubSpot"),
        ("salesforce", {"org_id": "00D000000000001", "writeback": True, "access_token": "t"}, "instance URL"),
    ],
)
def test_a_crm_connection_needs_what_its_provider_signs_with(provider: str, fields: dict, problem: str) -> None:
    with pytest.raises(ValueError) as raised:
        crm_connection_value(provider, **fields)

    assert problem in str(raised.value)


def test_a_crm_connection_keeps_only_what_its_provider_needs() -> None:
    assert crm_connection_value("hubspot", secret="s" * 16) == {"secret": "s" * 16}
    salesforce = crm_connection_value(
        "salesforce", org_id="00D000000000001AAA", writeback=True, access_token="tok",
        instance_url="https://acme.my.salesforce.com",
    )  # fmt: skip
    assert len(salesforce.pop("secret")) >= 43  # the generated endpoint key (tests/unit/test_crm_security.py)
    assert salesforce == {"org_id": "00D000000000001AAA", "writeback": True, "access_token": "tok",
                          "instance_url": "https://acme.my.salesforce.com"}  # fmt: skip
