"""Ranking paths (warmpath.ranking, warmpath.pathfinding.rank): features, fatigue, order and reasons."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from warmpath.models import Member
from warmpath.pathfinding import MAX_PATHS, Candidate, path_id_for, rank
from warmpath.ranking import (
    DEFAULT_WEIGHTS,
    ConnectorHistory,
    FatigueRules,
    PathFacts,
    RankingSettings,
    common_reasons,
    responsiveness_label,
    score,
    title_level,
    unavailable_reason,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SETTINGS = RankingSettings()


def facts(**overrides: object) -> PathFacts:
    base = PathFacts(
        kind="direct",
        strength="average",
        rated_by_connector=False,
        match_confidence=1.0,
        connector_type="investor",
        target_level="vp",
        history=ConnectorHistory(),
        connected_on="2024-01-01",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def candidate(name: str, *, email: str | None = None, kind: str = "direct", **fact_overrides: object) -> Candidate:
    email = email or f"{name.split()[0].lower()}@acme.example"
    member = Member(tenant="acme", email=email, name=name, roles={"connector"}, title="Partner", location="Paris")
    member.connector_type = str(fact_overrides.get("connector_type", "investor"))
    return Candidate(
        member=member,
        kind=kind,
        person_id="p-tom",
        facts=facts(kind=kind, **fact_overrides),
        via_name="Tom Target",
        via_title=None,
        reasons=[f"Knows Tom Target ({kind})"],
    )


def names(candidates: list[Candidate], settings: RankingSettings = SETTINGS) -> list[str]:
    return [p.connector_name for p in rank(candidates, "r1", settings, NOW)]


def value(**overrides: object) -> float:
    return score(facts(**overrides), SETTINGS, NOW)


# -- seniority -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Chief Executive Officer", "c_level"),
        ("CEO & Co-Founder", "c_level"),
        ("CFO", "c_level"),
        ("Managing Director, EMEA", "c_level"),
        ("General Partner", "c_level"),
        ("Vice President, Sales", "vp"),
        ("SVP Engineering", "vp"),
        ("VP Marketing", "vp"),
        ("Director of Procurement", "director"),
        ("Head of Data", "director"),
        ("Engineering Manager", "manager"),
        ("Team Lead, Support", "manager"),
        ("Software Engineer", "individual"),
        ("Account Executive", "individual"),
        ("", None),
        (None, None),
    ],
)
def test_titles_are_read_as_seniority_levels(title: str | None, level: str | None) -> None:
    assert title_level(title) == level


# -- features ----------------------------------------------------------------------------------------------


def test_stronger_ties_score_higher() -> None:
    ordered = [value(strength=s) for s in ("very_strong", "strong", "average", "unknown", "weak")]
    assert ordered == sorted(ordered, reverse=True) and len(set(ordered)) == 5


def test_a_connector_rating_beats_an_inferred_tie_of_equal_strength_but_not_a_stronger_one() -> None:
    assert value(strength="strong", rated_by_connector=True) > value(strength="strong")
    assert value(strength="strong") > value(strength="average", rated_by_connector=True)


def test_any_direct_path_beats_an_indirect_one_with_otherwise_equal_facts() -> None:
    assert value(kind="direct", strength="weak") > value(kind="indirect", strength="very_strong")


def test_a_recent_connection_beats_an_old_one_and_an_unknown_date_sits_between() -> None:
    recent, unknown, old = value(connected_on="2026-01-01"), value(connected_on=None), value(connected_on="2012-01-01")
    assert recent > unknown > old


def test_board_members_and_investors_fit_c_level_targets_better_than_employees() -> None:
    for kind in ("board_member", "investor"):
        assert value(connector_type=kind, target_level="c_level") > value(
            connector_type="employee", target_level="c_level"
        )
    assert value(connector_type="employee", target_level="individual") > value(
        connector_type="investor", target_level="individual"
    )


def test_channel_partners_get_a_bonus_on_new_accounts() -> None:
    assert value(connector_type="channel_partner", new_account=True) > value(connector_type="channel_partner")


def test_responsive_connectors_rank_above_unresponsive_ones_and_history_is_smoothed() -> None:
    eager = ConnectorHistory(answered=10, accepted=9, response_hours=[2, 3, 4])
    reluctant = ConnectorHistory(answered=10, accepted=1, response_hours=[90, 100])
    one_yes = ConnectorHistory(answered=1, accepted=1)

    assert value(history=eager) > value(history=ConnectorHistory()) > value(history=reluctant)
    assert one_yes.acceptance == pytest.approx(2 / 3)  # one yes is not 100%


def test_current_load_lowers_the_score_and_old_asks_do_not_count() -> None:
    busy = ConnectorHistory(ask_times=[NOW - timedelta(days=d) for d in (1, 5)])
    long_ago = ConnectorHistory(ask_times=[NOW - timedelta(days=d) for d in (40, 60)])

    assert value(history=busy) < value(history=long_ago) == value(history=ConnectorHistory())


def test_having_introduced_this_requester_before_raises_the_score() -> None:
    assert value(history=ConnectorHistory(introduced_requester=1)) > value()


# -- settings ---------------------------------------------------------------------------------------------


def test_a_tenant_overrides_weights_and_fatigue_rules() -> None:
    settings = RankingSettings.from_tenant(
        {"weights": {"type_fit": 0}, "asks_per_30_days": 5, "decline_cooldown_days": 0}
    )

    assert settings.weights["type_fit"] == 0 and settings.weights["strength"] == DEFAULT_WEIGHTS["strength"]
    assert settings.fatigue == FatigueRules(asks_per_30_days=5, decline_cooldown_days=0)
    assert RankingSettings.from_tenant(None) == RankingSettings()


def test_weights_change_the_order() -> None:
    investor = candidate("Ivy Investor", connector_type="investor", target_level="c_level", strength="average")
    colleague = candidate("Emil Employee", connector_type="employee", target_level="c_level", strength="strong")
    only_fit = RankingSettings.from_tenant({"weights": {k: 0 for k in DEFAULT_WEIGHTS if k != "type_fit"}})

    assert names([investor, colleague]) == ["Emil Employee", "Ivy Investor"]
    assert names([investor, colleague], only_fit) == ["Ivy Investor", "Emil Employee"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"weights": {"charm": 3}}, "unknown ranking weight 'charm'"),
        ({"asks_per_30_days": 0}, "asks_per_30_days must be at least 1"),
        ({"decline_cooldown_days": -1}, "decline_cooldown_days must be from 0 to 365"),
    ],
)
def test_bad_settings_say_what_to_fix(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RankingSettings.from_tenant(settings)


# -- fatigue ----------------------------------------------------------------------------------------------

RULES = FatigueRules(asks_per_30_days=3, decline_cooldown_days=14)


@pytest.mark.parametrize(
    ("history", "reason"),
    [
        (ConnectorHistory(), None),
        (ConnectorHistory(paused=True), "Not available: has paused all asks"),
        (ConnectorHistory(snoozed_until=NOW + timedelta(days=3)), "Not available: snoozed until 28 Nov 2026"),
        (ConnectorHistory(snoozed_until=NOW - timedelta(days=1)), None),
        (
            ConnectorHistory(ask_times=[NOW - timedelta(days=d) for d in (1, 2, 3)]),
            "Not available: asked 3 times in the last 30 days (limit 3)",
        ),
        (ConnectorHistory(ask_times=[NOW - timedelta(days=d) for d in (1, 2, 31)]), None),
        (
            ConnectorHistory(last_declined_at=NOW - timedelta(days=5)),
            "Not available: declined an ask 5 days ago (resting until 04 Dec 2026)",
        ),
        (ConnectorHistory(last_declined_at=NOW - timedelta(days=15)), None),
    ],
)
def test_fatigue_rules_say_why_a_connector_cannot_be_asked(history: ConnectorHistory, reason: str | None) -> None:
    assert unavailable_reason(history, RULES, NOW) == reason


def test_unavailable_connectors_come_last_with_their_reason() -> None:
    capped = ConnectorHistory(ask_times=[NOW - timedelta(days=d) for d in (1, 2, 3)])
    ranked = rank(
        [
            candidate("Anna Capped", strength="very_strong", history=capped),
            candidate("Ben Weak", strength="weak"),
        ],
        "r1",
        SETTINGS,
        NOW,
    )

    assert [(p.connector_name, p.unavailable) for p in ranked] == [
        ("Ben Weak", None),
        ("Anna Capped", "Not available: asked 3 times in the last 30 days (limit 3)"),
    ]


# -- order, limits and reasons -----------------------------------------------------------------------------


def test_equal_scores_are_ordered_by_name_then_email() -> None:
    candidates = [
        candidate("bob Brown", email="bob2@acme.example"),
        candidate("Anna Adams"),
        candidate("Bob Brown", email="bob1@acme.example"),
    ]

    ranked = rank(candidates, "r1", SETTINGS, NOW)

    assert [p.connector_email for p in ranked] == ["anna@acme.example", "bob1@acme.example", "bob2@acme.example"]


def test_the_order_does_not_depend_on_the_order_of_the_input() -> None:
    candidates = [
        candidate(name, strength=strength, rated_by_connector=rated, kind=kind)
        for name, strength, rated, kind in [
            ("Cleo", "strong", False, "direct"),
            ("Ben", "strong", False, "indirect"),
            ("Ada", "strong", True, "direct"),
            ("Dev", "weak", False, "direct"),
            ("Eve", "very_strong", False, "indirect"),
            ("Fay", "average", True, "direct"),
            ("Gus", "strong", False, "direct"),
        ]
    ]
    expected = [p.as_dict() for p in rank(candidates, "r1", SETTINGS, NOW)]
    shuffler = random.Random(42)

    for _ in range(10):
        shuffled = candidates[:]
        shuffler.shuffle(shuffled)
        assert [p.as_dict() for p in rank(shuffled, "r1", SETTINGS, NOW)] == expected


def test_at_most_max_paths_are_returned_and_they_are_the_best() -> None:
    strong = [candidate(f"Strong {i:02d}", strength="strong") for i in range(MAX_PATHS)]
    weak = [candidate(f"Aaron Weak {i:02d}", strength="weak") for i in range(5)]

    ranked = rank(weak + strong, "r1", SETTINGS, NOW)

    assert len(ranked) == MAX_PATHS and {p.strength for p in ranked} == {"strong"}


def test_a_path_carries_the_connector_the_person_known_and_the_score() -> None:
    [path] = rank([candidate("Cara Connector", strength="strong")], "r1", SETTINGS, NOW)

    assert (path.connector_email, path.connector_title, path.connector_location) == (
        "cara@acme.example",
        "Partner",
        "Paris",
    )
    assert (path.path_type, path.strength, path.via_name, path.person_id) == ("direct", "strong", "Tom Target", "p-tom")
    assert path.score == score(facts(strength="strong"), SETTINGS, NOW)
    assert path.path_id == path_id_for("r1", "cara@acme.example")
    assert path.responsiveness == "not asked here yet"


def test_a_path_id_is_stable_and_differs_per_connector_and_request() -> None:
    assert path_id_for("r1", "cara@acme.example") == path_id_for("r1", "cara@acme.example")
    assert path_id_for("r1", "cara@acme.example") != path_id_for("r1", "dan@acme.example")
    assert path_id_for("r1", "cara@acme.example") != path_id_for("r2", "cara@acme.example")


def test_common_reasons_state_fit_responsiveness_history_and_load() -> None:
    history = ConnectorHistory(
        answered=5, accepted=4, response_hours=[5, 6, 7], introduced_requester=2, ask_times=[NOW - timedelta(days=2)]
    )

    reasons = common_reasons(facts(connector_type="investor", target_level="c_level", history=history), RULES, NOW)

    assert reasons == [
        "An investor: a good fit for a C-level target",
        "Responsive: accepted 4 of 5 asks, usually within 6 hours",
        "Has introduced you before (2 times)",
        "Asked 1 time in the last 30 days (limit 3)",
    ]


def test_a_connector_never_asked_has_no_responsiveness_claim() -> None:
    assert common_reasons(facts(connector_type="other", target_level=None), RULES, NOW) == []
    assert responsiveness_label(ConnectorHistory()) == "not asked here yet"


def test_the_best_unavailable_connectors_are_still_shown_after_a_full_list() -> None:
    capped = ConnectorHistory(ask_times=[NOW - timedelta(days=d) for d in (1, 2, 3)])
    available = [candidate(f"Able {i:02d}") for i in range(MAX_PATHS)]
    resting = [candidate(f"Resting {i}", strength="very_strong", history=capped) for i in range(5)]

    ranked = rank(resting + available, "r1", SETTINGS, NOW)

    assert [p.unavailable is None for p in ranked] == [True] * MAX_PATHS + [False] * 3


# -- references -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [("1,200", "1001-5000"), ("51-200", "51-200"), ("40", "1-50"), ("12000", "5000+"), ("", None), ("lots", None)],
)
def test_company_sizes_become_bands(value: str, band: str | None) -> None:
    from warmpath.ranking import size_band

    assert size_band(value) == band


def test_a_customer_who_matches_the_prospect_says_how() -> None:
    from warmpath.ranking import Prospect, reference_fit

    prospect = Prospect(
        title="VP Finance", industry="Healthcare", size="1001-5000", region="Ottawa, CA", product="Analytics"
    )

    values, reasons = reference_fit(
        prospect, industry="healthcare", title="VP Operations", size="1001-5000", location="Toronto, CA",
        products=["Analytics", "Reports"],
    )  # fmt: skip
    none, nothing = reference_fit(
        prospect, industry="Retail", title="Engineer", size="1-50", location="Paris, FR", products=[]
    )

    assert values == {"industry": 1.0, "level": 1.0, "size": 1.0, "region": 1.0, "product": 1.0}
    assert reasons == [
        "Same industry: healthcare",
        "A peer: VP-level like the prospect",
        "A company of the same size (1001-5000 people)",
        "In the same region (Toronto, CA)",
        "Uses Analytics",
    ]
    assert nothing == [] and none == {"level": 0.0, "size": 0.0}
