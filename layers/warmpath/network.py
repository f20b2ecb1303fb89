"""A connector's network: turning parsed contacts into people, ties and per-organisation aggregates.

``import_contacts`` is the one write path for networks (file imports, the demo seed, later the CRM):

1. resolve every contact to a person through its hashed identity claims (one BatchGetItem per 100
   claims), falling back to a new person; contacts of one file that resolve to the same person merge;
2. read the connector's existing ties to those people (BatchGetItem), so a re-import updates ties in
   place instead of adding them twice and never overwrites what the connector set (strength, privacy);
3. write new people with their claims, the ties, and the connector's per-organisation aggregates
   (BatchWriteItem), which matching reads instead of ties;
4. learn from work email domains which organisations belong together (``identity.domain_links``).

Reads and writes are batched: O(contacts / 100) reads and O(contacts / 25) writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from warmpath.contacts import Contact, ParsedFile, Skipped
from warmpath.core.config import IMPORT_PREFIX
from warmpath.identity import claim_keys, domain_links, organisation_key, person_id_for, work_domain
from warmpath.models import STRENGTHS, VISIBILITIES, ImportJob, OrgTies, Person, Relationship
from warmpath.repository import Repository

TOP_CONTACTS = 5
SOURCES = {
    "linkedin": "linkedin",
    "google": "google",
    "google_legacy": "google",
    "outlook": "outlook",
    "vcard": "vcard",
}


@dataclass
class ImportReport:
    format: str
    imported: int = 0
    merged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    ties: list[Relationship] = field(default_factory=list, repr=False)  # as written, for follow-up work

    @property
    def total(self) -> int:
        return self.imported + self.merged + len(self.skipped)


def import_contacts(
    repo: Repository, connector_email: str, parsed: ParsedFile, source: str | None = None, mark: str | None = None
) -> ImportReport:
    """Add a parsed file's contacts to a connector's network; returns what was imported, merged and skipped.

    ``mark`` names this write (a chunk of one file of an import job, ``<job id>:<digest>#<chunk>``) so that
    writing the same chunk again after a crash counts and aggregates exactly what one whole run would: a tie
    carrying the mark was new in this chunk (imported, not merged), an aggregate carrying it has this chunk's
    ties counted.
    """
    report = ImportReport(format=parsed.format, skipped=list(parsed.skipped))
    source = source or SOURCES.get(parsed.format, parsed.format)
    claims_of = {
        id(c): claim_keys(email=c.email, linkedin_url=c.linkedin_url, name=c.name, organisation=c.organisation)
        for c in parsed.contacts
    }
    known = repo.resolve_claims([claim for claims in claims_of.values() for claim in claims])

    by_person: dict[str, Contact] = {}
    new_people: dict[str, Person] = {}
    new_claims: dict[str, set[str]] = defaultdict(set)  # claims this file adds to people already known
    for contact in parsed.contacts:
        claims = claims_of[id(contact)]
        person_id = next((known[c] for c in claims if c in known), None)
        if person_id is None:
            person_id = person_id_for(
                email=contact.email,
                linkedin_url=contact.linkedin_url,
                name=contact.name,
                organisation=contact.organisation or "",
            )
            new_people.setdefault(
                person_id,
                Person(
                    person_id=person_id,
                    name=contact.name,
                    title=contact.title,
                    organisation=contact.organisation,
                    org_key=organisation_key(contact.organisation) if contact.organisation else None,
                    claims=set(),
                ),
            )
        if person_id in new_people:
            new_people[person_id].claims = (new_people[person_id].claims or set()) | set(claims)
        else:
            new_claims[person_id] |= {c for c in claims if c not in known}
        for claim in claims:
            known.setdefault(claim, person_id)  # a later row of this file with the same identifier merges
        if person_id in by_person:
            report.merged += 1
            by_person[person_id] = _more_complete(by_person[person_id], contact)
        else:
            by_person[person_id] = contact

    existing = repo.ties_of(connector_email, list(by_person))
    if mark is not None:  # ties an earlier try of this very chunk wrote are this chunk's new ties
        existing = {p: t for p, t in existing.items() if getattr(t, "import_mark", None) != mark}
    ties: list[Relationship] = []
    for person_id, contact in by_person.items():
        tie = existing.get(person_id)
        if tie is None:
            report.imported += 1
            tie = Relationship(connector_email=connector_email, person_id=person_id, source=source, import_mark=mark)
        else:
            report.merged += 1
        _update_tie(tie, contact)
        ties.append(tie)

    repo.put_people([p for p in new_people.values() if p.claims])
    repo.add_claims({p: c for p, c in new_claims.items() if c})
    repo.put_relationships(ties)
    report.ties = ties
    new_ties = [t for t in ties if t.person_id not in existing]
    repo.put_org_ties(_aggregates(repo, connector_email, new_ties, ties, mark))
    link_organisations(repo, [(c.email, c.organisation) for c in by_person.values()])
    return report


def link_organisations(repo: Repository, records: list[tuple[str | None, str | None]]) -> None:
    """Record which organisation owns each work domain seen, and link the organisations that share one."""
    domains = sorted({d for d in (work_domain(email) for email, organisation in records if organisation) if d})
    if not domains:
        return
    new_owners, links = domain_links(records, repo.domain_owners(domains))
    repo.claim_domains(new_owners)
    repo.put_org_links(links, source="import")


def effective_visibility(tie_visibility: str, network_sharing: str) -> str:
    """What a tenant may see of a tie: the stricter of the tie's own setting and what the tenant is shared."""
    return max(tie_visibility, network_sharing, key=VISIBILITIES.index)


def _more_complete(a: Contact, b: Contact) -> Contact:
    """Of two rows for one person in one file, keep the later one, filling its gaps from the earlier."""
    return Contact(
        line=b.line,
        name=b.name or a.name,
        email=b.email or a.email,
        linkedin_url=b.linkedin_url or a.linkedin_url,
        organisation=b.organisation or a.organisation,
        title=b.title or a.title,
        connected_on=b.connected_on or a.connected_on,
    )


def _update_tie(tie: Relationship, contact: Contact) -> None:
    """Take the export's facts (a newer export wins); leave what the connector decided alone."""
    tie.person_name = contact.name
    tie.person_title = contact.title or getattr(tie, "person_title", None)
    tie.person_organisation = contact.organisation or getattr(tie, "person_organisation", None)
    tie.org_key = organisation_key(tie.person_organisation) if tie.person_organisation else None
    tie.person_email = contact.email or getattr(tie, "person_email", None)
    tie.person_linkedin_url = contact.linkedin_url or getattr(tie, "person_linkedin_url", None)
    tie.connected_on = contact.connected_on or getattr(tie, "connected_on", None)


def _aggregates(
    repo: Repository,
    connector_email: str,
    new_ties: Iterable[Relationship],
    touched: Iterable[Relationship],
    mark: str | None = None,
) -> list[OrgTies]:
    """Update the connector's per-organisation aggregates for the organisations this import touched.

    An aggregate already carrying ``mark`` has this chunk's new ties counted (an earlier try wrote it).
    """
    by_org: dict[str, list[Relationship]] = defaultdict(list)
    for tie in touched:
        if tie.org_key:
            by_org[tie.org_key].append(tie)
    added: dict[str, int] = defaultdict(int)
    added_visible: dict[str, int] = defaultdict(int)
    for tie in new_ties:
        if tie.org_key:
            added[tie.org_key] += 1
            added_visible[tie.org_key] += tie.visibility == "visible"
    current = repo.org_ties_of(connector_email, list(by_org))
    updated: list[OrgTies] = []
    for org_key, ties in by_org.items():
        aggregate = current.get(org_key) or OrgTies(
            connector_email=connector_email, org_key=org_key, organisation=ties[0].person_organisation or org_key
        )
        if mark is None or getattr(aggregate, "import_mark", None) != mark:
            aggregate.tie_count = (aggregate.tie_count or 0) + added[org_key]
            aggregate.visible_count = (aggregate.visible_count or 0) + added_visible[org_key]
        if mark is not None:
            aggregate.import_mark = mark
        _merge_top(aggregate, ties)
        updated.append(aggregate)
    return updated


def _merge_top(aggregate: OrgTies, ties: Iterable[Relationship]) -> None:
    """Fold these ties into the aggregate's few best-known contacts (visible first, then strongest)."""
    entries = {e["person_id"]: e for e in top_entries(aggregate)}
    for tie in ties:
        entries[tie.person_id] = {
            "person_id": tie.person_id,
            "name": tie.person_name,
            "title": tie.person_title or "",
            "strength": tie.strength,
            "visibility": tie.visibility,
        }
    ranked = sorted(
        entries.values(),
        key=lambda e: (e["visibility"] != "visible", -STRENGTHS.get(e["strength"], 0), e["name"], e["person_id"]),
    )
    aggregate.top = ranked[:TOP_CONTACTS]  # type: ignore[assignment]
    for entry in ranked:
        if STRENGTHS.get(entry["strength"], 0) > STRENGTHS.get(aggregate.strongest, 0):
            aggregate.strongest = entry["strength"]


def top_entries(aggregate: OrgTies) -> list[dict[str, str]]:
    """An aggregate's best-known contacts as plain dicts (stored as maps; built as dicts before saving)."""
    return [dict(e.as_dict() if hasattr(e, "as_dict") else e) for e in aggregate.top or []]


CHUNK = 5_000  # contacts per pass: bounds memory whatever the file's size


@dataclass(frozen=True)
class ChunkDone:
    """Where an import stands after a chunk: chunks written so far, totals so far, this chunk's organisations."""

    chunks: int
    imported: int
    merged: int
    org_keys: frozenset[str]


def import_in_chunks(
    repo: Repository,
    connector_email: str,
    parsed: ParsedFile,
    on_chunk: Callable[[ChunkDone], None] | None = None,
    *,
    mark: str | None = None,
    resume: ChunkDone | None = None,
    before_chunk: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Import a whole file a chunk at a time (later chunks see earlier ones, so merges still happen).

    Returns (imported, merged). ``on_chunk`` is called after each chunk. ``resume`` (what an earlier,
    interrupted run recorded) skips the chunks it wrote and continues its totals; with ``mark`` (the job and
    its file) each chunk's writes are marked ``<mark>#<chunk>``, so a chunk interrupted half-way and written
    again counts once. ``before_chunk(index)`` may raise to stop before a chunk (a time limit).
    """
    done = resume or ChunkDone(0, 0, 0, frozenset())
    imported, merged = done.imported, done.merged
    for index, start in enumerate(range(0, len(parsed.contacts), CHUNK)):
        if index < done.chunks:
            continue
        if before_chunk is not None:
            before_chunk(index)
        report = import_contacts(
            repo,
            connector_email,
            ParsedFile(parsed.format, parsed.contacts[start : start + CHUNK]),
            mark=f"{mark}#{index}" if mark else None,
        )
        imported, merged = imported + report.imported, merged + report.merged
        if on_chunk is not None:
            on_chunk(ChunkDone(index + 1, imported, merged, frozenset(t.org_key for t in report.ties if t.org_key)))
    return imported, merged


def new_import_job(
    repo: Repository, connector_email: str, requested_by: str, tenant: str | None, filename: str | None
) -> ImportJob:
    """Open an import job waiting for its file at ``imports/<job id>`` in the uploads bucket."""
    import secrets

    job_id = secrets.token_hex(8)
    return repo.create_import_job(
        ImportJob(
            job_id=job_id,
            connector_email=connector_email,
            requested_by=requested_by,
            tenant=tenant,
            filename=filename,
            s3_key=f"{IMPORT_PREFIX}{job_id}",
        )
    )


def describe_job(job: ImportJob) -> dict[str, object]:
    """A job as the CLI and pages show it (the CLI's --json shape)."""
    return {
        "job_id": job.job_id,
        "status": job.status,
        "format": job.format,
        "filename": job.filename,
        "total": int(job.total or 0),
        "imported": int(job.imported or 0),
        "merged": int(job.merged or 0),
        "skipped": [{"line": int(s.line), "reason": s.reason} for s in job.skipped or []],
        "skipped_count": int(job.skipped_count or 0),
        "error": job.error,
        "created_at": job.created_at.isoformat(),
    }


def rate_tie(
    repo: Repository,
    connector_email: str,
    person_id: str,
    strength: str,
    visibility: str | None = None,
    rated_by: str = "connector",
) -> Relationship:
    """The connector says how well they know someone (and who may see it); the aggregate follows."""
    if strength not in STRENGTHS:
        raise ValueError(f"strength must be one of {', '.join(STRENGTHS)}")
    tie = repo.tie(connector_email, person_id)
    if tie is None:
        raise ValueError("that person is not in this network")
    was_visible = tie.visibility == "visible"
    tie.strength, tie.strength_rated_by = strength, rated_by
    if visibility is not None:
        tie.visibility = visibility
    repo.put_relationships([tie])
    if tie.org_key:
        aggregate = repo.org_ties_of(connector_email, [tie.org_key]).get(tie.org_key)
        if aggregate is not None:
            change = (tie.visibility == "visible") - was_visible
            aggregate.visible_count = max(0, (aggregate.visible_count or 0) + change)
            _merge_top(aggregate, [tie])
            repo.put_org_ties([aggregate])
    return tie
