"""Finding the paths from a tenant's connectors to a target: direct and indirect, private and fatigue-aware.

Used by the matching function (for requests) and ``warmpath paths`` (for admins and support).

- **Direct**: the connector knows the target. The target is looked up through identity resolution
  (mailbox, LinkedIn profile, name at the organisation or at an organisation linked to it), and the ties to
  each person found are read from the KNOWN# index.
- **Indirect**: the connector knows someone at the target's organisation (or a linked one), who can pass
  the request on. Read from the per-connector-per-organisation aggregates (ORGTIES# index), never from ties.

Only joined connectors of the tenant count, and only ties they let this tenant see (the tie's own
privacy and the tenant's sharing, ``network.effective_visibility``). Hidden ties never surface; an
ask-me-first direct tie surfaces as an anonymous path ("a connector who keeps this contact private",
nothing that names them) which the requester may ask: the connector is named only if they accept. "Never
ask me about X" removes the connector. Reads are O(candidates): a query of the
organisation's links, a batch read of the target's claims, one index query per person found and per
organisation, then batch reads of the candidates' memberships and "never ask" settings (a connector whose
ties there are all private is no candidate, and their membership is not read). No scan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from warmpath.identity import Claim, OrgLink, organisation_key, target_claims
from warmpath.models import PRIVATE_CONNECTOR, STRENGTHS, Member, OrgTies, PathMap, Relationship
from warmpath.network import effective_visibility, top_entries
from warmpath.ranking import (
    SOURCE_LABELS,
    STRENGTH_LABELS,
    ConnectorHistory,
    PathFacts,
    Prospect,
    RankingSettings,
    common_reasons,
    load,
    reference_fit,
    responsiveness_label,
    score,
    title_level,
    unavailable_reason,
)
from warmpath.repository import Repository, requester_key

MAX_PATHS = 10
T = TypeVar("T")
MAX_UNAVAILABLE_SHOWN = 3


@dataclass(frozen=True)
class Target:
    """Who a requester wants to meet (a request's target, or the CLI's arguments)."""

    name: str
    company: str
    title: str | None = None
    email: str | None = None
    linkedin_url: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One connector's best path: a direct tie, or their aggregate at the target's organisation."""

    member: Member
    kind: str  # direct, indirect
    person_id: str  # the person the connector knows (the target, or their colleague)
    facts: PathFacts
    via_name: str | None
    via_title: str | None
    reasons: list[str]
    anonymous: bool = False


def path_id_for(request_id: str, connector_email: str) -> str:
    return hashlib.sha256(f"{request_id}|{connector_email}".encode()).hexdigest()[:12]


def history_of(member: Member, requester_email: str) -> ConnectorHistory:
    times = []
    for value in cast(list[str], member.ask_times or []):
        try:
            times.append(datetime.fromisoformat(value))
        except ValueError:
            continue
    return ConnectorHistory(
        ask_times=times,
        answered=int(member.answered or 0),
        accepted=int(member.accepted or 0),
        response_hours=cast(list[float], member.response_hours or []),
        last_declined_at=member.last_declined_at,
        paused=bool(member.paused),
        snoozed_until=member.snoozed_until,
        introduced_requester=cast(list[str], member.introduced_for or []).count(requester_key(requester_email)),
    )


def _shared(member: Member | None, visibility: str, allow: str = "visible") -> bool:
    """Whether this tenant may see a tie of ``visibility`` through this membership (named, or anonymously
    with ``allow="ask_first"``)."""
    return (
        member is not None
        and "connector" in member.roles
        and member.status == "joined"
        and effective_visibility(visibility, member.network_sharing or "visible") == allow
    )


def _better(tie: Relationship, current: Relationship) -> bool:
    """Visible ties beat ask-me-first ones; then the stronger tie wins."""
    rank = (tie.visibility == "visible", STRENGTHS.get(tie.strength, 0))
    return rank > (current.visibility == "visible", STRENGTHS.get(current.strength, 0))


def find_paths(
    repo: Repository,
    tenant: str,
    requester_email: str,
    target: Target,
    *,
    request_id: str,
    now: datetime,
    settings: RankingSettings | None = None,
    limit: int = MAX_PATHS,
) -> list[PathMap]:
    """The ranked paths to ``target`` for ``requester_email`` in ``tenant``: available first, best first."""
    settings = settings or RankingSettings()
    org_key = organisation_key(target.company)
    links = repo.org_links(org_key)
    claims = target_claims(
        email=target.email, linkedin_url=target.linkedin_url, name=target.name, organisation=target.company, links=links
    )
    # Direct ties, the best per connector (visible before ask-me-first, then strongest), with the claim
    # that recognised the target. Hidden ties are never read further.
    direct: dict[str, tuple[Relationship, Claim]] = {}
    target_people: set[str] = set()
    for person_id, claim in repo.find_people(claims):
        target_people.add(person_id)
        for tie in repo.ties_to(person_id):
            if tie.visibility == "hidden" or tie.connector_email == requester_email:
                continue
            current = direct.get(tie.connector_email)
            if current is None or _better(tie, current[0]):
                direct[tie.connector_email] = (tie, claim)
    # Indirect: aggregates at the organisation and at every organisation linked to it.
    family: dict[str, OrgLink | None] = {org_key: None, **{link.other(org_key): link for link in links}}
    indirect: dict[str, tuple[OrgTies, OrgLink | None, list[dict[str, str]]]] = {}
    seen: set[str] = set()  # the first aggregate met stands for the connector, usable or not
    for key, link in family.items():
        for aggregate in repo.connectors_at(key):
            email = aggregate.connector_email
            if email in direct or email == requester_email or email in seen:
                continue
            seen.add(email)
            shown = _colleagues(aggregate, target_people)
            if shown:  # else nothing there to see: their membership is not read
                indirect[email] = (aggregate, link, shown)
    members = repo.get_members(tenant, sorted({*direct, *indirect}))
    organisations = set(family) | {t.org_key for t, _ in direct.values() if t.org_key}
    never = repo.never_ask_among(sorted(members), sorted(organisations))
    level = title_level(target.title)

    candidates: list[Candidate] = []
    for email, member in members.items():
        if email in never:
            continue
        history = history_of(member, requester_email)
        if email in direct:
            tie, claim = direct[email]
            if _shared(member, tie.visibility):
                candidates.append(_direct(member, tie, claim, target, level, history))
            elif _shared(member, "ask_first", allow="ask_first"):
                candidates.append(_private(member, tie, claim, target, level, history))
        else:
            aggregate, link, shown = indirect[email]
            found = _indirect(member, aggregate, link, target, level, history, shown)
            if found is not None:
                candidates.append(found)
    return rank(candidates, request_id, settings, now, limit)


def _direct(
    member: Member, tie: Relationship, claim: Claim, target: Target, level: str | None, history: ConnectorHistory
) -> Candidate:
    source = SOURCE_LABELS.get(tie.source, tie.source)
    knows = f"Knows {target.name} directly ({source}"
    knows += f", connected on {tie.connected_on})" if tie.connected_on else ")"
    rated = "rated by the connector" if tie.strength_rated_by == "connector" else "inferred"
    facts = PathFacts(
        kind="direct",
        strength=tie.strength,
        rated_by_connector=tie.strength_rated_by == "connector",
        match_confidence=claim.confidence,
        connector_type=member.connector_type,
        target_level=level,
        history=history,
        connected_on=tie.connected_on,
        source=tie.source,
    )
    reasons = [
        knows,
        f"Relationship strength: {STRENGTH_LABELS.get(tie.strength, tie.strength)} ({rated})",
        f"Recognised by {claim.evidence}",
    ]
    return Candidate(member, "direct", tie.person_id, facts, tie.person_name, tie.person_title, reasons)


def _private(
    member: Member, tie: Relationship, claim: Claim, target: Target, level: str | None, history: ConnectorHistory
) -> Candidate:
    """An ask-me-first tie: ranked like any direct tie, shown without anything that names the connector."""
    found = _direct(member, tie, claim, target, level, history)
    reasons = [
        f"Someone in the network knows {target.name} directly and asked to be asked first: they are named "
        "only if they agree to introduce you",
        found.reasons[1],
    ]
    return Candidate(member, "direct", tie.person_id, found.facts, target.name, None, reasons, anonymous=True)


def _colleagues(aggregate: OrgTies, target_people: set[str]) -> list[dict[str, str]]:
    """The aggregate's visible contacts other than the target: who could pass a request on (none when the
    connector keeps every tie there private)."""
    if not (aggregate.visible_count or 0):
        return []
    return [
        e
        for e in top_entries(aggregate)
        if e.get("visibility") == "visible" and e.get("person_id") not in target_people
    ]


def _indirect(
    member: Member,
    aggregate: OrgTies,
    link: OrgLink | None,
    target: Target,
    level: str | None,
    history: ConnectorHistory,
    shown: list[dict[str, str]],
) -> Candidate | None:
    """A colleague of the target the connector knows (``shown``: ``_colleagues``, never empty) and lets this
    tenant see; None when the tenant may not see them."""
    if not _shared(member, "visible"):
        return None
    best = shown[0]
    count = int(aggregate.visible_count or 0)
    where = aggregate.organisation
    colleague = best["name"] + (f" ({best['title']})" if best.get("title") else "")
    others = f" and {count - 1} other{'s' if count > 2 else ''}" if count > 1 else ""
    reasons = [
        f"Knows {colleague}{others} at {where}, who can pass the request on to {target.name}",
        f"Strongest tie there: {STRENGTH_LABELS.get(best['strength'], best['strength'])}",
    ]
    if link is not None:
        reasons.append(f"{where} is linked to {target.company}: {link.describe()}")
    facts = PathFacts(
        kind="indirect",
        strength=best["strength"],
        rated_by_connector=False,
        match_confidence=link.confidence if link is not None else 1.0,
        connector_type=member.connector_type,
        target_level=level,
        history=history,
    )
    return Candidate(member, "indirect", best["person_id"], facts, best["name"], best.get("title") or None, reasons)


Row = tuple[str | None, float, Member, T]


def _shortlist(rows: list[Row[T]], limit: int) -> list[Row[T]]:
    """Rows of (why unavailable or None, score, member, payload): up to ``limit`` available ones best first,
    then the best MAX_UNAVAILABLE_SHOWN unavailable ones; ties broken by name then email."""
    rows = sorted(rows, key=lambda row: (row[0] is not None, -row[1], row[2].name.lower(), row[2].email))
    return [r for r in rows if r[0] is None][:limit] + [r for r in rows if r[0] is not None][:MAX_UNAVAILABLE_SHOWN]


def rank(
    candidates: list[Candidate], request_id: str, settings: RankingSettings, now: datetime, limit: int = MAX_PATHS
) -> list[PathMap]:
    """Available connectors first, then by score, name and email (the same data always gives the same order).

    Up to ``limit`` available ones, then the best MAX_UNAVAILABLE_SHOWN who cannot be asked now (fatigue),
    with the reason: a requester sees why their best path is not offered.
    """
    scored = [
        (unavailable_reason(c.facts.history, settings.fatigue, now), score(c.facts, settings, now), c.member, c)
        for c in candidates
    ]
    paths = []
    for unavailable, value, _, c in _shortlist(scored, limit):
        private = c.anonymous
        reasons = c.reasons if private else c.reasons + common_reasons(c.facts, settings.fatigue, now)
        paths.append(
            PathMap(
                path_id=path_id_for(request_id, c.member.email),
                person_id=c.person_id,
                connector_email=c.member.email,
                connector_name=PRIVATE_CONNECTOR if private else c.member.name,
                connector_title=None if private else c.member.title,
                connector_location=None if private else c.member.location,
                connector_type=None if private else c.member.connector_type,
                anonymous=private,
                path_type=c.kind,
                strength=c.facts.strength,
                score=value,
                reasons=reasons,
                via_name=c.via_name,
                via_title=c.via_title,
                responsiveness=None if private else responsiveness_label(c.facts.history),
                unavailable=("Not available just now" if private and unavailable else unavailable),
            )
        )
    return paths


def find_references(
    repo: Repository,
    tenant: str,
    requester_email: str,
    target: Target,
    prospect: Prospect,
    *,
    request_id: str,
    now: datetime,
    settings: RankingSettings | None = None,
    limit: int = MAX_PATHS,
) -> list[PathMap]:
    """Customer connectors ranked as references for a prospect: fit to the prospect, any tie to them, and
    the same fatigue rules as introductions (reference burnout is what ends advocate programs).

    Reads the tenant's members (one query: the customers are the candidates), the prospect's claims and
    ties, and the aggregates at their organisation. A customer is listed only when something fits.
    """
    settings = settings or RankingSettings()
    org_key = organisation_key(target.company)
    customers = {
        m.email: m
        for m in repo.list_members(tenant)
        if m.connector_type == "customer" and m.email != requester_email and _shared(m, "visible")
    }
    claims = target_claims(
        email=target.email, linkedin_url=target.linkedin_url, name=target.name, organisation=target.company
    )
    knows: set[str] = set()
    for person_id, _ in repo.find_people(claims):
        knows |= {t.connector_email for t in repo.ties_to(person_id) if t.visibility == "visible"}
    at_org = {a.connector_email for a in repo.connectors_at(org_key) if a.visible_count}
    never = repo.never_ask_among(sorted(customers), [org_key])
    weights = settings.reference_weights
    rows: list[Row[tuple[list[str], ConnectorHistory]]] = []
    for email, member in customers.items():
        if email in never:
            continue
        values, reasons = reference_fit(
            prospect,
            industry=member.industry,
            title=member.title,
            size=member.company_size,
            location=member.location,
            products=sorted(member.products or ()),
        )
        if email in knows:
            values["tie"] = 1.0
            reasons.append(f"Knows {target.name} already")
        elif email in at_org:
            values["tie"] = 0.5
            reasons.append(f"Knows people at {target.company}")
        if not any(v > 0 for v in values.values()):
            continue  # nothing in common with the prospect
        history = history_of(member, requester_email)
        values["responsiveness"] = history.acceptance
        values["load"] = -load(history, settings.fatigue, now)
        value = round(sum(weights.get(k, 0.0) * v for k, v in values.items()), 2)
        unavailable = unavailable_reason(history, settings.fatigue, now)
        reasons += common_reasons(
            PathFacts("reference", "unknown", False, 1.0, None, None, history), settings.fatigue, now
        )
        rows.append((unavailable, value, member, (reasons, history)))
    return [
        PathMap(
            path_id=path_id_for(request_id, member.email),
            person_id=None,
            connector_email=member.email,
            connector_name=member.name,
            connector_title=member.title,
            connector_location=member.location,
            connector_type=member.connector_type,
            path_type="reference",
            strength="unknown",
            score=value,
            reasons=reasons,
            responsiveness=responsiveness_label(history),
            unavailable=unavailable,
        )
        for unavailable, value, member, (reasons, history) in _shortlist(rows, limit)
    ]


def digest_connectors(repo: Repository, tenant: str, company: str) -> list[str]:
    """The tenant's connectors with any tie at the organisation (or one linked to it), for the open-requests
    digest: they may be able to help even though no path could be shown (their ties there are private).

    Connectors who share nothing with this tenant, or never want to be asked about it, are left out.
    """
    org_key = organisation_key(company)
    keys = [org_key, *(link.other(org_key) for link in repo.org_links(org_key))]
    emails = sorted({a.connector_email for key in keys for a in repo.connectors_at(key)})
    members = repo.get_members(tenant, emails)
    never = repo.never_ask_among(sorted(members), keys)
    return sorted(
        email
        for email, m in members.items()
        if email not in never and "connector" in m.roles and m.status == "joined" and m.network_sharing != "hidden"
    )
