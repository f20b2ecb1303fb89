"""The admin's analytics dashboard: is the referral program worth it? (``warmpath.analytics``)

``GET /admin/analytics`` reads the last 12 months of counters and one line per connector -- a bounded read
whatever the history -- and shows the business case in words first, then the funnel, the trend by month,
referred versus other deals and the leaderboard (which a tenant may hide with ``leaderboard_hidden``).
Charts are inline SVG bars (no script; the CSP allows none). ``GET /admin/analytics.csv?table=...``
exports each table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import Forbidden, InvalidInput
from warmpath.csv_export import csv_text

from intake import web

router = Router()
TABLES = ("funnel", "per_connector", "months", "comparison", "leaderboard")


def _admin() -> web.SignedIn:
    return web.require_admin(router.current_event, "see the analytics")


def _dashboard(tenant: str) -> Any:
    from warmpath.analytics import dashboard

    return dashboard(wiring.repository(), tenant, datetime.now(UTC))


@router.get("/admin/analytics", include_in_schema=False)
def show() -> Response[str]:
    found = _admin()
    figures = _dashboard(found.member.tenant)
    peak = max([row["introduced"] for _, row in figures.months] + [1])
    # The trend starts at the first month with activity (a young program is not a wall of zeros); the CSV has all 12.
    active = [i for i, (_, row) in enumerate(figures.months) if any(row.values())]
    months = figures.months[active[0] :] if active else figures.months
    return web.member_page(
        found,
        "analytics.html",
        figures=figures,
        funnel_top=max(figures.funnel[0][1], 1),
        month_peak=peak,
        months=months,
        has_activity=any(v for v in figures.totals.values()),
    )


def rows_of(table: str, figures: Any) -> list[list[Any]]:
    if table == "funnel":
        return [["step", "count", "conversion_from_previous"]] + [
            [label, int(count), f"{rate:.3f}" if rate is not None else ""] for label, count, rate in figures.funnel
        ]
    if table == "per_connector":
        return [["connectors", "joined", "introductions", "per_connector_per_year"]] + [
            [r["connectors"], r["count"], int(r["introductions"]),
             f"{r['per_connector']:.2f}" if r["per_connector"] is not None else ""]
            for r in figures.per_connector
        ]  # fmt: skip
    if table == "months":
        names = ["requested", "asked", "accepted", "introduced", "meetings", "referred_opportunities", "referred_won",
                 "referred_won_amount", "won", "won_amount", "rewards_earned", "rewards_paid",
                 "introduced_by_customer"]  # fmt: skip
        return [["month", *names]] + [[month, *(_number(row[n]) for n in names)] for month, row in figures.months]
    if table == "comparison":
        measures = ("win_rate", "average_deal", "cycle_days")
        rows: list[list[Any]] = [["deals", "won", *measures]]
        for kind, v in figures.comparison.items():
            rows.append([kind, _number(v["won"]), *(f"{v[k]:.3f}" if v[k] is not None else "" for k in measures)])
        return rows
    header = ["name", "email", "score", "answered", "introduced", "meetings", "opportunities", "revenue"]
    return [header] + [[_number(r[k]) for k in header] for r in figures.leaderboard]


def _number(value: Any) -> Any:
    """Counts as whole numbers (counters are stored as decimals), other figures to two places."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 2)
    return value


@router.get("/admin/analytics.csv", include_in_schema=False)
def export() -> Response[str]:
    found = _admin()
    table = (router.current_event.query_string_parameters or {}).get("table", "funnel")
    if table not in TABLES:
        raise InvalidInput(f"table must be one of {', '.join(TABLES)}")
    figures = _dashboard(found.member.tenant)
    if table == "leaderboard" and figures.leaderboard_hidden:
        raise Forbidden("The leaderboard is hidden for this company.")
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=csv_text(rows_of(table, figures)),
        headers={"Content-Disposition": f'attachment; filename="warmpath-{table}.csv"'},
    )
