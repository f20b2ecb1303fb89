"""Finding and ranking the paths from a tenant's connectors to a request's target.

Direct ties only so far: the connector knows the target, matched through identity resolution (email
mailbox, LinkedIn profile, or name at the organisation or at an organisation linked to it by a rename, a
parent or a shared domain; nicknames and company-name variants included).

Privacy: a tie surfaces only when it is visible by its own setting *and* by what the connector shares
with this tenant (``network.effective_visibility``), and never when the connector asked not to be asked
about the target's organisation (or one linked to it).

Reads are O(candidates): one query of the organisation's links, one batch read of the target's identity
claims, one index query of the ties to each matching person, one batch read each of the candidates'
memberships and "never ask me" settings -- never a scan of a network.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from warmpath.identity import Claim, organisation_key, target_claims
from warmpath.models import STRENGTHS, IntroRequest, Member, PathMap, Relationship
from warmpath.network import effective_visibility
from warmpath.repository import Repository

MAX_PATHS = 10

# Weights in one place; per-tenant overrides arrive with the matching work.
WEIGHTS = {
    "strength": 10.0,
    "direct_path": 5.0,
    "rated_by_connector": 2.0,
}

STRENGTH_LABELS = {"very_strong": "very strong", "strong": "strong", "average": "average", "weak": "weak"}
SOURCE_LABELS = {
    "linkedin": "LinkedIn connection",
    "google": "Google contact",
    "outlook": "Outlook contact",
    "vcard": "address book",
    "manual": "added by the connector",
    "seed": "added by the admin",
}


@dataclass(frozen=True)
class Candidate:
    member: Member
    tie: Relationship
    match: Claim | None = None  # how the target was recognised in the connector's network


def path_id_for(request_id: str, connector_email: str) -> str:
    return hashlib.sha256(f"{request_id}|{connector_email}".encode()).hexdigest()[:12]


def find_candidates(repo: Repository, request: IntroRequest) -> list[Candidate]:
    """Joined connectors of the request's tenant with a direct tie to the target that they let it see."""
    org_key = organisation_key(request.target_company)
    links = repo.org_links(org_key)
    claims = target_claims(
        email=request.target_email,
        linkedin_url=request.target_linkedin_url,
        name=request.target_name,
        organisation=request.target_company,
        links=links,
    )
    best: dict[str, tuple[Relationship, Claim]] = {}
    for person_id, claim in repo.find_people(claims):
        for tie in repo.ties_to(person_id):
            # Hidden and ask-me-first ties never surface by name (ask-me-first opt-in comes later).
            if tie.visibility != "visible" or tie.connector_email == request.requester_email:
                continue
            current = best.get(tie.connector_email)
            if current is None or STRENGTHS.get(tie.strength, 0) > STRENGTHS.get(current[0].strength, 0):
                best[tie.connector_email] = (tie, claim)
    members = repo.get_members(request.tenant, sorted(best))
    shared = {
        email: m
        for email, m in members.items()
        if "connector" in m.roles
        and m.status == "joined"
        and effective_visibility(best[email][0].visibility, m.network_sharing or "visible") == "visible"
    }
    organisations = {org_key, *(link.other(org_key) for link in links)}
    organisations |= {t.org_key for t, _ in best.values() if t.org_key}
    never = repo.never_ask_among(sorted(shared), sorted(organisations))
    return [
        Candidate(member=m, tie=best[email][0], match=best[email][1])
        for email, m in shared.items()
        if email not in never
    ]


def score(candidate: Candidate) -> float:
    tie = candidate.tie
    value = WEIGHTS["strength"] * STRENGTHS.get(tie.strength, 0) + WEIGHTS["direct_path"]
    if tie.strength_rated_by == "connector":
        value += WEIGHTS["rated_by_connector"]
    return value


def reasons_for(candidate: Candidate, request: IntroRequest) -> list[str]:
    tie = candidate.tie
    source = SOURCE_LABELS.get(tie.source, tie.source)
    knows = f"Knows {request.target_name} directly ({source}"
    knows += f", connected on {tie.connected_on})" if tie.connected_on else ")"
    rated = "rated by the connector" if tie.strength_rated_by == "connector" else "inferred"
    reasons = [knows, f"Relationship strength: {STRENGTH_LABELS.get(tie.strength, tie.strength)} ({rated})"]
    if candidate.match is not None:
        reasons.append(f"Recognised by {candidate.match.evidence}")
    return reasons


def rank_paths(candidates: list[Candidate], request: IntroRequest) -> list[PathMap]:
    """Best first; ties broken by name then email so the same data always gives the same order."""
    ordered = sorted(candidates, key=lambda c: (-score(c), c.member.name.lower(), c.member.email))
    return [
        PathMap(
            path_id=path_id_for(request.request_id, c.member.email),
            person_id=c.tie.person_id,
            connector_email=c.member.email,
            connector_name=c.member.name,
            connector_title=c.member.title,
            connector_location=c.member.location,
            connector_type=c.member.connector_type,
            path_type="direct",
            strength=c.tie.strength,
            score=score(c),
            reasons=reasons_for(c, request),
        )
        for c in ordered[:MAX_PATHS]
    ]
