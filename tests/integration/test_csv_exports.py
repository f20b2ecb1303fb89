"""Every CSV the product writes is safe to open in a spreadsheet: names that look like formulas stay text."""

from __future__ import annotations

import csv
import io

import pytest
from warmpath import wiring

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import ADA, MARGARET, session_cookies
from tests.integration.flows import asked_margaret, click

FORMULA_NAME = '=HYPERLINK("http://evil.example","Zed")'


def _rename_margaret(name: str) -> None:
    member = wiring.repository().get_member("demo", MARGARET)
    assert member is not None
    member.name = name
    member.save()


def test_a_connector_named_like_a_formula_is_exported_as_text_on_the_leaderboard(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import AskAnswered, AskCreated, IntroductionSent, IntroRequested

    # Given Margaret, renamed to a formula, made an introduction that the counters saw
    wiring.repository().set_tenant_settings("demo", {"double_opt_in": False})
    _rename_margaret(FORMULA_NAME)
    ask = asked_margaret(aws)
    click(next(u for u in ask["links"] if "/a/" in u).removeprefix("https://app.warmpath.test"))
    for answered in aws.bus.of_type(AskAnswered):
        call_function("notify.app", eventbridge_event(answered))
    for contract in (IntroRequested, AskCreated, AskAnswered, IntroductionSent):
        for event in aws.bus.of_type(contract):
            call_function("crm.analytics", eventbridge_event(event))

    # When the admin exports the leaderboard
    export = call_intake("GET", "/admin/analytics.csv", cookies=session_cookies(ADA), query={"table": "leaderboard"})

    # Then her name is a text cell a spreadsheet shows, never runs
    rows = list(csv.DictReader(io.StringIO(export.body)))
    [row] = [r for r in rows if r["email"] == MARGARET]
    assert row["name"] == "'" + FORMULA_NAME
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_the_rewards_export_writes_a_formula_name_as_text_and_amounts_as_numbers(
    aws: AwsWorld, demo: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    from warmpath.rewards import book
    from warmpath_cli.main import main

    member = wiring.repository().get_member("demo", MARGARET)
    assert member is not None
    rule = {"trigger": "introduction", "connector_type": member.connector_type, "kind": "cash", "amount": 75}
    wiring.repository().set_tenant_settings("demo", {"rewards": [rule]})
    _rename_margaret("@SUM(1+1)*cmd|' /C calc'!A0")
    book(wiring.repository(), tenant="demo", connector_email=MARGARET, trigger="introduction", request_id="r-1")

    code = main(["rewards", "export", "--tenant", "demo", "--aws"])

    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["connector_name"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert (row["connector_email"], row["kind"], row["currency"], row["amount_payable"]) == (
        MARGARET,
        "cash",
        "USD",
        "75.00",
    )
