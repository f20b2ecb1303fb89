"""The admin's members and settings pages: what they show, what they change, and what they refuse."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
from warmpath import wiring

from tests.conftest import AwsWorld, call_intake
from tests.integration.conftest import ADA, MARGARET, RILEY, session_cookies
from tests.integration.flows import csrf_of


def _page(path: str, who: str = ADA) -> tuple[Any, dict[str, str]]:
    cookies = session_cookies(who)
    path, _, query = path.partition("?")
    found = dict(part.split("=", 1) for part in query.split("&") if part)
    return call_intake("GET", path, cookies=cookies, query=found or None), cookies


def _settings_form(html: str) -> dict[str, Any]:
    """The settings form as a browser would submit it unchanged (checked boxes only; every rule row)."""
    form = html.split('action="/admin/settings"', 1)[1].split("</form>", 1)[0]
    fields: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        fields.setdefault(name.group(1), []).append(value.group(1) if value else "on")
    for select in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', select[1])
        first = re.search(r'<option value="([^"]*)"', select[1])
        fields.setdefault(select[0], []).append((chosen or first).group(1))  # type: ignore[union-attr]
    return fields


def _post(path: str, cookies: dict[str, str], fields: dict[str, Any], *, follow: bool = True) -> Any:
    """Submit a form as a browser does: a 303 after a change is followed to the page it names."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    body = urlencode(
        [(k, v) for k, values in fields.items() for v in (values if isinstance(values, list) else [values])]
    )
    result = call_intake("POST", path, raw_body=body, content_type="application/x-www-form-urlencoded", cookies=cookies)
    if follow and result.status == 303:
        target = urlsplit(result.headers["Location"])
        return call_intake("GET", target.path, cookies=cookies, query=dict(parse_qsl(target.query)) or None)
    return result


# -- members -------------------------------------------------------------------------------------------


def test_members_page_lists_everyone_with_their_status_and_filters_by_status(aws: AwsWorld, demo: dict) -> None:
    from warmpath.models import Member

    invited = Member(tenant="demo", email="invited@example.com", name="Ines", roles={"connector"}, status="invited")
    assert wiring.repository().add_member(invited)
    page, _ = _page("/admin/members")

    assert page.status == 200
    members = wiring.repository().list_members("demo")
    assert f"{len(members)} members" in page.body
    for member in members:
        assert member.email in page.body
    joined, _ = _page("/admin/members?status=joined")
    others = [m for m in members if m.status != "joined"]
    assert others and all(m.email not in joined.body for m in others)
    assert "invited (1)" in page.body and "invited@example.com" in _page("/admin/members?status=invited")[0].body
    assert _page("/admin/members?status=everyone")[0].status == 400


def test_an_admin_adds_a_requester_who_can_then_sign_in(aws: AwsWorld, demo: dict) -> None:
    page, cookies = _page("/admin/members")
    fields = {"csrf_token": csrf_of(page.body), "email": " New.Seller@Acme.Example ", "name": "Nia Seller",
              "roles": ["requester"]}  # fmt: skip

    redirected = _post("/admin/members", cookies, fields | {"email": "first@acme.example"}, follow=False)
    added = _post("/admin/members", cookies, fields)
    again = _post("/admin/members", cookies, fields)

    member = wiring.repository().get_member("demo", "new.seller@acme.example")
    assert redirected.status == 303 and redirected.headers["Location"].startswith("/admin/members?done=added")
    assert added.status == 200 and "Added Nia Seller" in added.body
    assert member is not None and member.roles == {"requester"} and member.status == "joined"
    assert again.status == 409 and "is a member already" in again.body


def test_adding_needs_an_address_a_name_and_a_role_and_a_csrf_token(aws: AwsWorld, demo: dict) -> None:
    page, cookies = _page("/admin/members")
    csrf = csrf_of(page.body)
    cases = [
        ({"email": "not-an-address", "name": "X", "roles": ["requester"]}, "is not an email address"),
        ({"email": "x@acme.example", "name": "", "roles": ["requester"]}, "Give the name colleagues know them by"),
        ({"email": "x@acme.example", "name": "X", "roles": ["connector"]}, "Tick at least one role"),
    ]
    for fields, message in cases:
        result = _post("/admin/members", cookies, {"csrf_token": csrf, **fields})
        assert result.status == 400 and message in result.body
    forged = _post("/admin/members", cookies, {"email": "x@acme.example", "name": "X", "roles": ["admin"]})
    assert forged.status == 403
    assert wiring.repository().get_member("demo", "x@acme.example") is None


def test_an_admin_sets_a_connectors_approver_and_roles_but_not_their_own_admin_role(aws: AwsWorld, demo: dict) -> None:
    page, cookies = _page("/admin/members")
    csrf = csrf_of(page.body)

    saved = _post(f"/admin/members/{MARGARET}", cookies,
                  {"csrf_token": csrf, "approver_email": "Chief.Of.Staff@hale-ventures.example"})  # fmt: skip
    margaret = wiring.repository().get_member("demo", MARGARET)
    assert saved.status == 200 and margaret is not None
    assert margaret.approver_email == "chief.of.staff@hale-ventures.example" and "connector" in margaret.roles

    cleared = _post(f"/admin/members/{MARGARET}", cookies, {"csrf_token": csrf, "approver_email": ""})
    assert cleared.status == 200 and wiring.repository().get_member("demo", MARGARET).approver_email is None

    own = _post(f"/admin/members/{ADA}", cookies, {"csrf_token": csrf, "roles": ["requester"]})
    assert own.status == 400 and "cannot remove your own admin role" in own.body
    assert "admin" in wiring.repository().get_member("demo", ADA).roles

    promoted = _post(f"/admin/members/{RILEY}", cookies, {"csrf_token": csrf, "roles": ["requester", "admin"]})
    assert promoted.status == 200 and wiring.repository().get_member("demo", RILEY).roles == {"requester", "admin"}
    assert _post("/admin/members/nobody@acme.example", cookies, {"csrf_token": csrf, "roles": ["admin"]}).status == 404


def test_members_and_settings_are_for_admins_only(aws: AwsWorld, demo: dict) -> None:
    for path in ("/admin/members", "/admin/settings"):
        assert _page(path, RILEY)[0].status == 403
        assert _page(path, MARGARET)[0].status == 403
        assert call_intake("GET", path).status in (302, 303, 401)
    page, cookies = _page("/requests", RILEY)
    csrf = csrf_of(page.body)  # a requester's own, valid token
    before = wiring.repository().tenant_settings("demo")
    for path, fields in (
        ("/admin/members", {"email": "x@acme.example", "name": "X", "roles": ["admin"]}),
        (f"/admin/members/{RILEY}", {"roles": ["requester", "admin"]}),
        ("/admin/settings", {"version": "0", "asks_per_30_days": "50"}),
        ("/admin/settings/crm", {"provider": "hubspot", "secret": "s" * 20}),
    ):
        assert _post(path, cookies, {"csrf_token": csrf, **fields}).status == 403, path
    assert wiring.repository().get_member("demo", RILEY).roles == {"requester"}
    assert wiring.repository().get_member("demo", "x@acme.example") is None
    assert wiring.repository().tenant_settings("demo") == before


def test_an_admin_changes_only_members_of_their_own_tenant(aws: AwsWorld, demo: dict) -> None:
    repo = wiring.repository()
    repo.put_tenant("rival", "Rival Inc")
    repo.put_member("rival", "boss@rival.example", "Rival Boss", {"admin"})
    page, cookies = _page("/admin/members")
    csrf = csrf_of(page.body)

    other = _post("/admin/members/boss%40rival.example", cookies, {"csrf_token": csrf, "roles": ["requester"]})
    encoded = _post(f"/admin/members/{RILEY.upper().replace('@', '%40')}", cookies,
                    {"csrf_token": csrf, "roles": ["requester", "admin"]})  # fmt: skip

    assert other.status == 404 and repo.get_member("rival", "boss@rival.example").roles == {"admin"}
    assert "boss@rival.example" not in page.body
    assert encoded.status == 200 and repo.get_member("demo", RILEY).roles == {"requester", "admin"}


# -- settings ------------------------------------------------------------------------------------------


def test_settings_page_shows_the_effective_settings_and_saves_an_unchanged_form_as_is(
    aws: AwsWorld, demo: dict
) -> None:
    hidden = {"weights": {"type_fit": 0.5}, "crm_stages": {"Negotiation": "opportunity"}, "asks_per_30_days": 5}
    wiring.repository().set_tenant_settings("demo", hidden)
    page, cookies = _page("/admin/settings")
    fields = _settings_form(page.body)

    saved = _post("/admin/settings", cookies, fields)

    assert page.status == 200 and saved.status == 200 and "Settings saved." in saved.body
    after = wiring.repository().tenant_settings("demo")
    assert after["weights"] == {"type_fit": 0.5} and after["crm_stages"] == {"Negotiation": "opportunity"}
    assert after["asks_per_30_days"] == 5 and fields["asks_per_30_days"] == ["5"]
    assert after["double_opt_in"] is True and after["ask_expiry_days"] == 7  # the defaults, now explicit


def test_settings_are_saved_from_the_form(aws: AwsWorld, demo: dict) -> None:
    page, cookies = _page("/admin/settings")
    fields = _settings_form(page.body)
    fields.pop("double_opt_in", None)  # unticked
    fields |= {"asks_per_30_days": "2", "ask_reminder_days": "2.5", "leaderboard_hidden": "on",
               "brand_colour": "#AA3300", "cw_meetings": "20"}  # fmt: skip
    spare = len(fields["reward_trigger"]) - 1
    fields["reward_trigger"][spare] = "meeting_held"
    fields["reward_kind"][spare] = "cash"
    fields["reward_amount"][spare] = "75"

    saved = _post("/admin/settings", cookies, fields)

    settings = wiring.repository().tenant_settings("demo")
    assert saved.status == 200
    assert settings["asks_per_30_days"] == 2 and settings["ask_reminder_days"] == 2.5
    assert settings["double_opt_in"] is False and settings["leaderboard_hidden"] is True
    assert settings["brand"]["colour"] == "#aa3300" and settings["contribution_weights"]["meetings"] == 20
    assert {"trigger": "meeting_held", "connector_type": "*", "kind": "cash", "amount": 75, "percent": 0,
            "currency": "USD"} in settings["rewards"]  # fmt: skip
    analytics = call_intake("GET", "/admin/analytics", cookies=cookies)
    assert "Connector contributions" not in analytics.body  # the leaderboard is hidden now


def test_a_bad_setting_saves_nothing_and_says_what_to_fix(aws: AwsWorld, demo: dict) -> None:
    before = wiring.repository().tenant_settings("demo")
    page, cookies = _page("/admin/settings")
    cases = [
        ({"asks_per_30_days": "0"}, "\u201cMost asks a connector gets in 30 days\u201d must be at least 1"),
        (
            {"asks_per_30_days": "lots"},
            "\u201cMost asks a connector gets in 30 days\u201d must be a whole number, not &#39;lots&#39;",
        ),
        (
            {"ask_reminder_days": "9"},
            "after\u201d must be more than 0 and less than \u201cAn unanswered ask expires after\u201d",
        ),
        ({"brand_logo_url": "http://example.com/logo.png"}, "\u201cLogo\u201d must be an https:// address"),
        (
            {"attribution_window_days": "1000"},
            "\u201cA deal counts as referred when created within\u201d must be a whole number of days from 1 to 730",
        ),
        ({"cw_revenue": "-1"}, "contribution weight &#39;revenue&#39; must be a number from 0 to 1000"),
    ]
    for change, message in cases:
        fields = _settings_form(page.body) | change
        result = _post("/admin/settings", cookies, fields)
        assert result.status == 400, change
        assert "Nothing was saved" in result.body and message in result.body, (change, result.body[:2000])
        typed = next(iter(change.values()))
        assert f'value="{typed}"' in result.body  # the form keeps what was typed
    rules = _settings_form(page.body)
    rules["reward_trigger"][-1], rules["reward_percent"][-1] = "introduction", "10"
    assert "a percent of the deal applies to closed_won only" in _post("/admin/settings", cookies, rules).body
    assert wiring.repository().tenant_settings("demo") == before


def test_bad_stored_settings_still_open_the_page_which_can_save_over_them(aws: AwsWorld, demo: dict) -> None:
    wiring.repository().set_tenant_settings("demo", {"asks_per_30_days": 0})  # hand-edited: no check ran

    page, cookies = _page("/admin/settings")
    saved = _post("/admin/settings", cookies, _settings_form(page.body) | {"asks_per_30_days": "3"})

    assert page.status == 200 and "The stored settings have a bad value" in page.body
    assert saved.status == 200 and wiring.repository().tenant_settings("demo")["asks_per_30_days"] == 3


def test_a_save_over_someone_elses_newer_change_is_refused(aws: AwsWorld, demo: dict) -> None:
    page, cookies = _page("/admin/settings")
    repo = wiring.repository()
    repo.set_tenant_settings("demo", {**repo.tenant_settings("demo"), "asks_per_30_days": 4})

    stale = _post("/admin/settings", cookies, _settings_form(page.body) | {"asks_per_30_days": "9"})

    assert stale.status == 409 and "Someone changed the settings" in stale.body
    assert repo.tenant_settings("demo")["asks_per_30_days"] == 4
    assert _post("/admin/settings", cookies, {**_settings_form(page.body), "csrf_token": "forged"}).status == 403


def test_connecting_a_crm_stores_its_secret_in_ssm_and_never_shows_it(aws: AwsWorld, demo: dict) -> None:
    page, cookies = _page("/admin/settings")
    csrf = csrf_of(page.body)
    assert "not connected" in page.body and "/crm/demo/hubspot" in page.body

    short = _post("/admin/settings/crm", cookies, {"csrf_token": csrf, "provider": "hubspot", "secret": "short"})
    secret = "hs-app-secret-0123456789"
    connected = _post("/admin/settings/crm", cookies, {"csrf_token": csrf, "provider": "hubspot", "secret": secret})
    shown, _ = _page("/admin/settings")

    assert short.status == 400 and "at least 16 characters" in short.body
    assert connected.status == 200 and "Hubspot is connected" in connected.body
    stored = boto3.client("ssm").get_parameter(Name="/warmpath/local/crm/demo/hubspot", WithDecryption=True)
    assert stored["Parameter"]["Type"] == "SecureString" and json.loads(stored["Parameter"]["Value"]) == {
        "secret": secret
    }
    assert secret not in connected.body and secret not in shown.body
    assert re.search(r"Hubspot</td>\s*<td><span class=\"status accepted\">connected", shown.body)
    bad_org = {"csrf_token": csrf, "provider": "salesforce", "org_id": "00Dxx", "writeback": "on"}
    salesforce = _post("/admin/settings/crm", cookies, bad_org)
    assert salesforce.status == 400 and "Organization ID" in salesforce.body
    assert '<option value="salesforce" selected>' in salesforce.body and 'value="00Dxx"' in salesforce.body


def test_removing_a_member_asks_first_then_ends_their_access_and_keeps_their_history(aws: AwsWorld, demo: dict) -> None:
    repo = wiring.repository()
    riley = session_cookies(RILEY)
    call_intake("POST", "/api/requests", json_body={"target_name": "Zed Q", "target_company": "Nowhere",
                "reason": "A reason that is long enough to pass."}, cookies=riley)  # fmt: skip
    page, cookies = _page(f"/admin/members/{RILEY}/remove")
    assert page.status == 200 and "Remove Riley" in page.body
    assert repo.get_member("demo", RILEY) is not None  # opening the page changed nothing

    forged = _post(f"/admin/members/{RILEY}/remove", cookies, {"csrf_token": "forged"})
    removed = _post(f"/admin/members/{RILEY}/remove", cookies, {"csrf_token": csrf_of(page.body)})
    again = _post(f"/admin/members/{RILEY}/remove", cookies, {"csrf_token": csrf_of(page.body)})

    assert forged.status == 403
    assert removed.status == 200 and "Removed riley@acme.example" in removed.body and again.status == 404
    assert repo.get_member("demo", RILEY) is None
    assert call_intake("GET", "/requests", cookies=riley).status in (302, 303, 401)  # the session no longer works
    assert len(repo.list_requests("demo")) >= 1  # their request stays


def test_an_admin_cannot_remove_themselves_nor_a_connector_with_an_open_ask(aws: AwsWorld, demo: dict) -> None:
    from tests.integration.flows import asked_margaret

    asked_margaret(aws)
    page, cookies = _page("/admin/members")
    csrf = csrf_of(page.body)

    own = _post(f"/admin/members/{ADA}/remove", cookies, {"csrf_token": csrf})
    busy = _post(f"/admin/members/{MARGARET}/remove", cookies, {"csrf_token": csrf})

    assert own.status == 409 and "cannot remove yourself" in own.body
    assert busy.status == 409 and "has an ask waiting for an answer" in busy.body
    assert wiring.repository().get_member("demo", ADA) and wiring.repository().get_member("demo", MARGARET)
    assert _page(f"/admin/members/{ADA}/remove", RILEY)[0].status == 403
