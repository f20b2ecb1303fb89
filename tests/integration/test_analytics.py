"""Referral metrics: counters kept from events, and the admin's dashboard and CSV export."""

from __future__ import annotations

import re

from warmpath import wiring
from warmpath.events import AskAnswered, AskCreated, IntroductionSent, IntroRequested

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import ADA, MARGARET, RILEY, session_cookies
from tests.integration.flows import asked_margaret, click


def _count_all(aws: AwsWorld) -> None:
    for contract in (IntroRequested, AskCreated, AskAnswered, IntroductionSent):
        for event in aws.bus.of_type(contract):
            call_function("crm.analytics", eventbridge_event(event))


def test_the_loop_is_counted_once_per_event_for_the_tenant_the_connector_and_the_requester(
    aws: AwsWorld, demo: dict
) -> None:
    from datetime import datetime

    from warmpath.analytics import month_of

    wiring.repository().set_tenant_settings("demo", {"double_opt_in": False})
    ask = asked_margaret(aws)
    click(next(u for u in ask["links"] if "/a/" in u).removeprefix("https://app.warmpath.test"))
    for answered in aws.bus.of_type(AskAnswered):
        call_function("notify.app", eventbridge_event(answered))
    published = eventbridge_event(aws.bus.of_type(IntroRequested)[0])["time"]  # EventBridge's time: the month
    month = f"MONTH#{month_of(datetime.fromisoformat(published.replace('Z', '+00:00')))}"
    before = wiring.repository().counters("demo", [month]).get(month)
    start = {n: float(getattr(before, n, 0) or 0) for n in ("requested", "asked", "accepted", "introduced")}

    _count_all(aws)
    _count_all(aws)  # EventBridge delivers again

    repo = wiring.repository()
    after = repo.counters("demo", [month])[month]
    assert {n: float(getattr(after, n)) - start[n] for n in start} == {
        "requested": 1,
        "asked": 1,
        "accepted": 1,
        "introduced": 1,
    }
    connector = repo.counters("demo", [f"CONNECTOR#{MARGARET}"])[f"CONNECTOR#{MARGARET}"]
    requester = repo.counters("demo", [f"REQUESTER#{RILEY}"])[f"REQUESTER#{RILEY}"]
    assert float(requester.requested) == 1 and float(requester.introduced) == 1
    assert float(connector.introduced) >= 1 and float(after.intro_hours) >= 0


def test_the_dashboard_shows_the_seeded_history_in_words_and_tables(aws: AwsWorld, demo: dict) -> None:
    history = demo["history"]

    page = call_intake("GET", "/admin/analytics", cookies=session_cookies(ADA))

    assert page.status == 200
    assert "Do introductions pay off?" in page.body
    assert re.search(r"Referred deals closed \d+ days faster\.", page.body)
    introduced = re.search(r'data-step="Introduced">([\d,]+)<', page.body)
    assert introduced and int(introduced.group(1).replace(",", "")) == int(history["introduced"])
    assert "Connector contributions" in page.body
    months = re.findall(r'<th scope="row">(\d{4}-\d{2})</th>\s*<td>([\d,]+)</td>', page.body)
    assert 5 <= len(months) < 12 and months[0][1] != "0"  # the trend starts at the first active month


def test_only_admins_see_the_dashboard_and_its_exports(aws: AwsWorld, demo: dict) -> None:
    assert call_intake("GET", "/admin/analytics", cookies=session_cookies(RILEY)).status == 403
    assert call_intake("GET", "/admin/analytics.csv", cookies=session_cookies(RILEY)).status == 403
    assert call_intake("GET", "/admin/analytics").status in (302, 303, 401)


def test_every_table_exports_as_csv(aws: AwsWorld, demo: dict) -> None:
    for table, header in (
        ("funnel", "step,count,conversion_from_previous"),
        ("per_connector", "connectors,joined,introductions,per_connector_per_year"),
        ("months", "month,requested,asked"),
        ("comparison", "deals,won,win_rate,average_deal,cycle_days"),
        ("leaderboard", "name,email,score"),
    ):
        result = call_intake("GET", "/admin/analytics.csv", cookies=session_cookies(ADA), query={"table": table})
        assert result.status == 200 and result.headers["Content-Type"].startswith("text/csv")
        assert result.body.splitlines()[0].startswith(header)
        assert ".0," not in result.body  # counts are whole numbers
    bad = call_intake("GET", "/admin/analytics.csv", cookies=session_cookies(ADA), query={"table": "secrets"})
    assert bad.status == 400 and "table must be one of" in bad.body


def test_a_hidden_leaderboard_is_neither_shown_nor_exported(aws: AwsWorld, demo: dict) -> None:
    wiring.repository().set_tenant_settings("demo", {"leaderboard_hidden": True})

    page = call_intake("GET", "/admin/analytics", cookies=session_cookies(ADA))
    export = call_intake("GET", "/admin/analytics.csv", cookies=session_cookies(ADA), query={"table": "leaderboard"})

    assert "Connector contributions" not in page.body
    assert export.status == 403


def test_admins_get_the_headline_figures_on_mondays(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import TenantDigestDue

    monday = eventbridge_event(TenantDigestDue(tenant="demo", scheduled_time="2026-11-23T08:00:00Z"))
    tuesday = eventbridge_event(TenantDigestDue(tenant="demo", scheduled_time="2026-11-24T08:00:00Z"))

    call_function("notify.app", tuesday)
    call_function("notify.app", monday)

    [summary] = [m for m in aws.sent_emails() if m["subject"].startswith("Your referral program this week")]
    assert summary["to"] == [ADA]
    assert re.search(r"Referred deals closed \d+ days faster", summary["text"])
    assert "https://app.warmpath.test/admin/analytics" in summary["text"]


def test_a_connector_sees_what_their_introductions_led_to_and_earned(aws: AwsWorld, demo: dict) -> None:
    from warmpath.models import RewardEntry

    repo = wiring.repository()
    repo.add_counts("demo", f"CONNECTOR#{MARGARET}", {"introduced": 3, "meetings": 2, "accepted": 3})
    earned = RewardEntry(tenant="demo", connector_email=MARGARET, entry="earned", trigger="closed_won",
                         request_id="r1", reward_kind="cash", amount=250, currency="USD")  # fmt: skip
    repo.book_reward(earned, "closed_won#r1#0#0")

    page = call_intake("GET", "/me/contributions", cookies=session_cookies(MARGARET))

    stored = repo.counters("demo", [f"CONNECTOR#{MARGARET}"])[f"CONNECTOR#{MARGARET}"]
    assert page.status == 200
    assert int(float(stored.introduced)) >= 3  # the seeded history counts her too
    assert f'data-figure="introduced">{int(float(stored.introduced)):,}<' in page.body
    assert "cash USD: 250.00 owed" in page.body and "earned for a closed deal" in page.body
    assert call_intake("GET", "/me/contributions", cookies=session_cookies(RILEY)).status == 403


def test_referrals_per_connector_and_per_customer_connector_over_the_year(aws: AwsWorld, demo: dict) -> None:
    from datetime import UTC, datetime

    from warmpath.analytics import apply_event, dashboard

    repo = wiring.repository()
    carlos = next(m for m in repo.list_members("demo") if m.connector_type == "customer")
    body = {"target_name": "Zed Q", "target_company": "Nowhere", "reason": "A reason that is long enough to pass."}
    created = call_intake("POST", "/api/requests", json_body=body, cookies=session_cookies(RILEY)).json()
    now = datetime.now(UTC)
    before = dashboard(repo, "demo", now).per_connector

    apply_event(repo, IntroductionSent(tenant="demo", request_id=created["request_id"],
                                       connector_email=carlos.email), now)  # fmt: skip
    apply_event(repo, IntroductionSent(tenant="demo", request_id=created["request_id"],
                                       connector_email=MARGARET), now)  # a board member: not a customer  # fmt: skip

    after = {r["connectors"]: r for r in dashboard(repo, "demo", now).per_connector}
    was = {r["connectors"]: r for r in before}
    joined = [m for m in repo.list_members("demo") if "connector" in m.roles and m.status == "joined"]
    customers = [m for m in joined if m.connector_type == "customer"]
    assert after["All connectors"]["introductions"] == was["All connectors"]["introductions"] + 2
    assert after["Customer connectors"]["introductions"] == was["Customer connectors"]["introductions"] + 1
    assert after["Customer connectors"]["count"] == len(customers) > 0
    assert after["Customer connectors"]["per_connector"] == after["Customer connectors"]["introductions"] / len(
        customers
    )
    page = call_intake("GET", "/admin/analytics", cookies=session_cookies(ADA))
    shown = int(after["Customer connectors"]["introductions"])
    assert f'data-per-connector="Customer connectors">{shown:,}<' in page.body


def test_the_leaderboard_covers_the_dashboards_twelve_months_from_month_by_connector_counters(
    aws: AwsWorld, demo: dict
) -> None:
    from datetime import UTC, datetime, timedelta

    from warmpath.analytics import count, dashboard

    repo = wiring.repository()
    now = datetime.now(UTC)
    newcomer, veteran = "new.helper@example.org", "old.helper@example.org"
    count(repo, "demo", now, {"introduced": 2}, connector=newcomer, tenant_month=False)
    count(repo, "demo", now - timedelta(days=400), {"introduced": 9}, connector=veteran, tenant_month=False)
    count(repo, "demo", now - timedelta(days=40), {"introduced": 1, "meetings": 1}, connector=newcomer)

    board = {r["email"]: r for r in dashboard(repo, "demo", now).leaderboard}

    assert board[newcomer]["introduced"] == 3 and board[newcomer]["meetings"] == 1
    assert veteran not in board  # more than 12 months ago
    all_time = repo.counters("demo", [f"CONNECTOR#{veteran}"])[f"CONNECTOR#{veteran}"]
    assert float(all_time.introduced) == 9  # their own page still shows it
