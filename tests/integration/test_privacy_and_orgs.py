"""What each tenant may see of a connector's one network, "never ask me about X", and linked organisations.

Through the public entry points: the network page's forms, the matching handler, and the import path.
"""

from __future__ import annotations

from typing import Any

import pytest
from warmpath import wiring
from warmpath.contacts import Contact, ParsedFile
from warmpath.events import IntroRequested
from warmpath.identity import OrgLink
from warmpath.network import import_contacts

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import DAVID, MARGARET, RILEY, priya_request, session_cookies
from tests.integration.flows import csrf_of

GLOBEX_ADMIN = "hank.scorpio@globex.example"


def _post_network_form(email: str, path: str, form: dict[str, str], tenant: str = "demo") -> Any:
    cookies = session_cookies(email, tenant=tenant)
    page = call_intake("GET", "/network", cookies=cookies)
    assert page.status == 200
    return call_intake("POST", path, form={"csrf_token": csrf_of(page.body), **form}, cookies=cookies)


def _connectors_suggested(aws: AwsWorld, tenant: str = "demo", requester: str = RILEY, **overrides: str) -> list[str]:
    cookies = session_cookies(requester, tenant=tenant)
    created = call_intake("POST", "/api/requests", json_body=priya_request(**overrides), cookies=cookies)
    assert created.status == 201, created.body
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    request_id = created.json()["request_id"]
    body = call_intake("GET", f"/api/requests/{request_id}", cookies=cookies).json()
    # Withdrawn, so the next check is a fresh request rather than one joining this (one open request per target).
    wiring.repository().delete_request(tenant, request_id)
    return [p["connector_name"] for p in body["paths"] if p["path_type"] == "direct"]


# -- per-tenant sharing ------------------------------------------------------------------------------------


def test_a_connector_shares_their_network_with_each_tenant_separately(aws: AwsWorld, demo: dict) -> None:
    assert "David Kim" in _connectors_suggested(aws)
    assert _connectors_suggested(aws, tenant="globex", requester=GLOBEX_ADMIN) == ["David Kim"]

    saved = _post_network_form(DAVID, "/network/sharing", {"sharing": "hidden"}, tenant="globex")

    assert saved.status == 303
    assert _connectors_suggested(aws, tenant="globex", requester=GLOBEX_ADMIN) == []
    assert "David Kim" in _connectors_suggested(aws)  # the demo tenant keeps what David shares with it
    assert wiring.repository().get_member("demo", DAVID).network_sharing == "visible"  # type: ignore[union-attr]


def test_ask_me_first_for_a_tenant_keeps_the_connector_from_being_named_there(aws: AwsWorld, demo: dict) -> None:
    _post_network_form(DAVID, "/network/sharing", {"sharing": "ask_first"})

    assert "David Kim" not in _connectors_suggested(aws)
    page = call_intake("GET", "/network", cookies=session_cookies(DAVID))
    assert '<option value="ask_first" selected>' in page.body


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"sharing": "everyone"}, 400, "Choose what this company may see"),
        ({"sharing": ""}, 400, "Choose what this company may see"),
    ],
)
def test_a_bad_sharing_choice_is_refused_and_changes_nothing(
    aws: AwsWorld, demo: dict, form: dict[str, str], status: int, message: str
) -> None:
    result = _post_network_form(DAVID, "/network/sharing", form)

    assert result.status == status and message in result.body
    assert wiring.repository().get_member("demo", DAVID).network_sharing == "visible"  # type: ignore[union-attr]


def test_sharing_cannot_change_without_the_form_token(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/network/sharing", form={"sharing": "hidden"}, cookies=session_cookies(DAVID))

    assert result.status == 403
    assert wiring.repository().get_member("demo", DAVID).network_sharing == "visible"  # type: ignore[union-attr]


# -- never ask me about X ----------------------------------------------------------------------------------


def test_never_ask_me_about_an_organisation_keeps_the_connector_out_until_removed(aws: AwsWorld, demo: dict) -> None:
    added = _post_network_form(MARGARET, "/network/never", {"organisation": "  Northwind   Logistics, Inc. "})

    assert added.status == 303
    page = call_intake("GET", "/network", cookies=session_cookies(MARGARET))
    assert "Northwind Logistics, Inc." in page.body
    assert "Margaret Hale" not in _connectors_suggested(aws)

    removed = _post_network_form(MARGARET, "/network/never/northwind-logistics/remove", {})

    assert removed.status == 303
    assert "Margaret Hale" in _connectors_suggested(aws)


def test_never_ask_holds_in_every_tenant_the_connector_helps(aws: AwsWorld, demo: dict) -> None:
    _post_network_form(DAVID, "/network/never", {"organisation": "Northwind Logistics"})  # set while in demo

    assert _connectors_suggested(aws, tenant="globex", requester=GLOBEX_ADMIN) == []


@pytest.mark.parametrize("organisation", ["", "   ", "x" * 201])
def test_a_never_ask_entry_needs_a_name_of_sensible_length(aws: AwsWorld, demo: dict, organisation: str) -> None:
    result = _post_network_form(MARGARET, "/network/never", {"organisation": organisation})

    assert result.status == 400 and "name (at most 200 characters)" in result.body
    assert wiring.repository().never_ask_list(MARGARET) == []


# -- renames, subsidiaries and shared domains --------------------------------------------------------------

NORTHWIND_RENAMED = OrgLink("northwind-logistics", "northwind-global", "renamed", "announced 2026-01-05")


def test_a_target_at_the_new_name_is_found_through_a_known_rename(aws: AwsWorld, demo: dict) -> None:
    renamed = {"target_company": "Northwind Global", "target_email": ""}
    assert _connectors_suggested(aws, **renamed) == []

    wiring.repository().put_org_links([NORTHWIND_RENAMED], source="operator")
    cookies = session_cookies(RILEY)  # the request above was withdrawn by the helper
    created = call_intake("POST", "/api/requests", json_body=priya_request(**renamed), cookies=cookies).json()
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    paths = call_intake("GET", f"/api/requests/{created['request_id']}", cookies=cookies).json()["paths"]

    assert [p["connector_name"] for p in paths if p["path_type"] == "direct"] == [
        "Margaret Hale",
        "David Kim",
        "Ben Carter",
    ]
    assert (
        "Recognised by same name at northwind-logistics (is now northwind-global: announced 2026-01-05)"
        in paths[0]["reasons"]
    )


def test_never_ask_about_the_old_name_covers_the_new_one(aws: AwsWorld, demo: dict) -> None:
    wiring.repository().put_org_links([NORTHWIND_RENAMED], source="operator")
    _post_network_form(MARGARET, "/network/never", {"organisation": "Northwind Logistics"})

    suggested = _connectors_suggested(aws, target_company="Northwind Global", target_email="")

    assert suggested == ["David Kim", "Ben Carter"]


def _import(connector: str, rows: list[tuple[str, str, str]]) -> None:
    contacts = [Contact(line=n, name=name, email=email, organisation=org) for n, (name, email, org) in enumerate(rows)]
    import_contacts(wiring.repository(), connector, ParsedFile("google", contacts))


def test_imports_link_organisations_whose_people_share_a_work_domain(aws: AwsWorld, demo: dict) -> None:
    repo = wiring.repository()
    _import(MARGARET, [("Cy Doe", "cy@fb.example", "Facebook"), ("Di Roe", "di@fb.example", "Facebook")])
    _import(DAVID, [("Ann Lee", "ann@fb.example", "Meta, Inc."), ("Bo Li", "bo@fb.example", "Meta")])

    assert repo.domain_owners(["fb.example"]) == {"fb.example": "facebook"}
    [link] = repo.org_links("meta")
    assert (link.a, link.b, link.relation) == ("meta", "facebook", "same_domain")
    assert [(x.a, x.b) for x in repo.org_links("facebook")] == [("meta", "facebook")]


def test_an_inferred_link_never_replaces_one_an_operator_stated(aws: AwsWorld, demo: dict) -> None:
    repo = wiring.repository()
    repo.put_org_links([OrgLink("meta", "facebook", "renamed", "operator")], source="operator")
    _import(MARGARET, [("Cy Doe", "cy@fb.example", "Facebook"), ("Di Roe", "di@fb.example", "Facebook")])
    _import(DAVID, [("Ann Lee", "ann@fb.example", "Meta"), ("Bo Li", "bo@fb.example", "Meta")])

    assert [x.relation for x in repo.org_links("meta")] == ["renamed"]


def test_one_contact_with_an_old_address_links_nothing(aws: AwsWorld, demo: dict) -> None:
    repo = wiring.repository()
    _import(MARGARET, [("Cy Doe", "cy@fb.example", "Facebook"), ("Di Roe", "di@fb.example", "Facebook")])
    _import(DAVID, [("Ann Lee", "ann@fb.example", "Initech")])

    assert repo.org_links("initech") == []
