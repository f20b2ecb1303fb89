"""Data access: every read and write of the table goes through here (handlers never touch PynamoDB).

Invariants that span items are written in one transaction with conditions, so a retried or duplicated
call has exactly one effect and nothing is ever half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from warmpath.core.errors import NotFound
from warmpath.identity import Claim, OrgLink, organisation_key, target_claims
from warmpath.lifecycle import ASKABLE_STATUSES, OPEN_ASK_STATUSES, OPEN_STATUSES
from warmpath.models import (
    DIGEST_FREQUENCIES,
    AccountOwner,
    Ask,
    CrmContactIndex,
    CrmDelivery,
    CrmOrganisation,
    CrmRecord,
    DomainOwner,
    IdentityClaim,
    ImportJob,
    InboundMessage,
    IntroRequest,
    InviteBatch,
    InviteJob,
    InviteJobRows,
    InviteUpload,
    Member,
    MetricCounter,
    NeverAsk,
    Offer,
    OpenAtOrg,
    Organisation,
    OrgLinkItem,
    OrgTies,
    PathMap,
    Person,
    Relationship,
    ReplyAddress,
    RewardEntry,
    Session,
    Suppressed,
    TargetAccount,
    TargetClaim,
    Tenant,
    Throttle,
    TimelineEntry,
    UsedToken,
    WarmpathItem,
    bind_table,
    shared_connection,
    utcnow,
)

BATCH_GET_LIMIT = 100
INTRO_CLAIM_TIMEOUT = timedelta(minutes=15)


@dataclass
class RequestBundle:
    """A request with everything its page shows, read in one query of its partition."""

    request: IntroRequest
    asks: list[Ask]
    timeline: list[TimelineEntry]

    def ask_for(self, connector_email: str) -> Ask | None:
        return next((a for a in self.asks if a.connector_email == connector_email), None)

    @property
    def introducer(self) -> str | None:
        """The connector who made the introduction, once it is made."""
        return next((a.connector_email for a in self.asks if a.introduced_at is not None), None)


@dataclass
class _Outcome:
    written: bool = True


@dataclass(frozen=True)
class AnswerOutcome:
    """What recording an answer did: ``recorded`` is False when the ask had already been answered."""

    recorded: bool
    ask: Ask


def requester_key(email: str) -> str:
    """The key a requester is counted under on a connector's membership (no address in an attribute name)."""
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def _hash_session(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _timeline(tenant: str, request_id: str, what: str, detail: str | None = None) -> TimelineEntry:
    now = utcnow()
    return TimelineEntry(
        PK=IntroRequest.partition(tenant, request_id),
        SK=f"EVENT#{now.isoformat()}#{secrets.token_hex(3)}",
        at=now,
        what=what,
        detail=detail,
    )


def _condition_failed(error: TransactWriteError) -> bool:
    """Whether a cancelled transaction failed one of its conditions (rather than, say, a throttle).

    Each transaction here has conditions only on the items whose state makes it "already done", so
    which one failed does not matter (and moto does not report the position as DynamoDB does).
    """
    return any(r is not None and r.code == "ConditionalCheckFailed" for r in error.cancellation_reasons or [])


def _save_unless(item: WarmpathItem, condition: Any) -> bool:
    """Save ``item`` if ``condition`` holds; False when it does not (any other failure raises)."""
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


CRM_DELIVERY_MEMORY = timedelta(days=30)
PROVISIONAL_OUTCOME = "no_response"  # an answer to "Did you meet?" that a later one may replace


def _delivery_marker(tenant: str, provider: str, delivery: str) -> CrmDelivery:
    """The item that says a CRM delivery was applied (kept 30 days: longer than any CRM retries)."""
    ttl = int((utcnow() + CRM_DELIVERY_MEMORY).timestamp())
    return CrmDelivery(PK=f"TENANT#{tenant}#CRMDELIVERY#{provider}#{delivery}", SK="DELIVERY", ttl=ttl)


def _update_if(item: WarmpathItem, actions: list[Action], condition: Any) -> bool:
    """Update ``item`` if ``condition`` holds; False when it does not (any other failure raises)."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _used_token(jti: str, expires_at: int, outcome: str | None) -> UsedToken:
    """The marker that spends a single-use token (saved on condition that it does not exist yet)."""
    return UsedToken(PK=f"USED#{jti}", SK="USED", ttl=expires_at, outcome=outcome)


def _batch_get(keys: Sequence[tuple[str, str]]) -> Iterator[WarmpathItem]:
    """Read items by key, BATCH_GET_LIMIT per BatchGetItem call (unprocessed keys are retried by PynamoDB)."""
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        yield from WarmpathItem.batch_get(keys[start : start + BATCH_GET_LIMIT])


class Repository:
    """The table, seen as the operations Warmpath needs."""

    def __init__(self, table_name: str) -> None:
        bind_table(table_name)
        self.table_name = table_name

    def _transaction(self) -> TransactWrite:
        return TransactWrite(connection=shared_connection().connection)

    @contextlib.contextmanager
    def _written_once(self) -> Iterator[tuple[TransactWrite, _Outcome]]:
        """A transaction whose conditions say "already done": ``outcome.written`` is False when one failed.

        Any other failure (a throttle, a network error) raises.
        """
        outcome = _Outcome()
        try:
            with self._transaction() as transaction:
                yield transaction, outcome
        except TransactWriteError as error:
            if not _condition_failed(error):
                raise
            outcome.written = False

    # -- tenants and members -------------------------------------------------------------------

    def get_tenant(self, slug: str) -> Tenant:
        try:
            return Tenant.get(*Tenant.key(slug))
        except DoesNotExist:
            raise NotFound(f"there is no tenant '{slug}'") from None

    def put_tenant(self, slug: str, name: str) -> Tenant:
        pk, sk = Tenant.key(slug)
        tenant = Tenant(PK=pk, SK=sk, GSI1PK="TENANTS", GSI1SK=slug, slug=slug, name=name)
        tenant.save()
        return tenant

    def tenant_settings(self, slug: str) -> dict[str, Any]:
        """A tenant's settings as plain values ({} when it overrides nothing)."""
        settings = self.get_tenant(slug).settings
        return settings.as_dict() if settings else {}

    def list_tenants(self) -> list[Tenant]:
        return [t for t in WarmpathItem.gsi1.query("TENANTS") if isinstance(t, Tenant)]

    def put_member(
        self,
        tenant: str,
        email: str,
        name: str,
        roles: Iterable[str],
        *,
        connector_type: str | None = None,
        title: str | None = None,
        organisation: str | None = None,
        location: str | None = None,
        status: str = "joined",
    ) -> Member:
        pk, sk = Member.key(tenant, email)
        member = Member(
            PK=pk,
            SK=sk,
            GSI1PK=f"USER#{email}",
            GSI1SK=f"TENANT#{tenant}",
            tenant=tenant,
            email=email,
            name=name,
            roles=set(roles),
            status=status,
            connector_type=connector_type,
            title=title,
            organisation=organisation,
            location=location,
        )
        member.save()
        return member

    def add_member(self, member: Member) -> bool:
        """Store a new membership unless the address is a member already (False then): an invited connector,
        or a requester or admin an admin added."""
        member.PK, member.SK = Member.key(member.tenant, member.email)
        member.GSI1PK, member.GSI1SK = f"USER#{member.email}", f"TENANT#{member.tenant}"
        return _save_unless(member, Member.PK.does_not_exist())

    def set_member_access(self, member: Member, *, roles: set[str], approver_email: str | None) -> None:
        """An admin's change to a membership: its roles and the connector's approver (None removes it)."""
        actions: list[Action] = [Member.roles.set(roles)]
        actions.append(Member.approver_email.set(approver_email) if approver_email else Member.approver_email.remove())
        member.update(actions=actions, condition=Member.PK.exists())

    def remove_member(self, tenant: str, email: str) -> None:
        """Delete a membership (its sessions stop working: a session needs a live membership)."""
        Member(*Member.key(tenant, email)).delete()

    def join(self, member: Member, now: datetime, *, jti: str, token_expires_at: int) -> bool:
        """An invited connector joins once, spending the Join link in the same transaction.

        False when the link was used already (a double click, a replay after signing out) or the member may
        not join (joined already through another link, said no, bounced): the caller then opens no session.
        """
        with self._written_once() as (transaction, outcome):
            transaction.save(_used_token(jti, token_expires_at, "joined"), condition=UsedToken.PK.does_not_exist())
            transaction.update(
                member,
                actions=[Member.status.set("joined"), Member.joined_at.set(now)],
                condition=Member.status.is_in("invited", "reminded"),
            )
        if outcome.written:
            member.refresh()
        return outcome.written

    def mark_undeliverable(self, email: str, status: str) -> None:
        """After a hard bounce ("bounced", every membership) or a complaint ("opted_out", pending invitations)."""
        pending = ("invited", "reminded")
        for member in self.memberships_of(email):
            if status == "bounced" or member.status in pending:
                with contextlib.suppress(UpdateError):
                    member.update(actions=[Member.status.set(status)], condition=Member.status != status)

    def mark_reminded(self, member: Member) -> None:
        """Shown to the admin; only while the person has neither joined nor said no."""
        with contextlib.suppress(UpdateError):
            member.update(actions=[Member.status.set("reminded")], condition=Member.status.is_in("invited", "reminded"))

    def opt_out(self, member: Member) -> None:
        """An invited connector declines: no reminders, shown as opted out; a joined one is left as is."""
        with contextlib.suppress(UpdateError):
            member.update(
                actions=[Member.status.set("opted_out")], condition=Member.status.is_in("invited", "reminded")
            )

    def set_email_preferences(
        self, member: Member, *, digest: str | None = None, reminders: bool | None = None
    ) -> None:
        """A membership's email preferences (from the preferences page or a List-Unsubscribe click)."""
        actions: list[Action] = []
        if digest is not None:
            if digest not in DIGEST_FREQUENCIES:
                raise ValueError(f"digest must be one of {', '.join(DIGEST_FREQUENCIES)}")
            actions.append(Member.digest.set(digest))
        if reminders is not None:
            actions.append(Member.reminders.set(reminders))
        if actions:
            member.update(actions=actions, condition=Member.PK.exists())

    def set_opted_out(self, member: Member, opted_out: bool) -> None:
        """A member stops (or resumes) every email from this tenant; an opted-out connector is never asked.

        Resuming restores the status they had (an invitation's "no" is undone only by its own link).
        """
        if opted_out:
            if member.status in ("joined", "invited", "reminded"):
                _update_if(
                    member,
                    [Member.status.set("opted_out"), Member.opted_out_from.set(member.status)],
                    Member.status == member.status,
                )
        elif member.status == "opted_out" and member.opted_out_from:
            _update_if(
                member,
                [Member.status.set(member.opted_out_from), Member.opted_out_from.remove()],
                Member.status == "opted_out",
            )

    def suppressed(self, emails: Sequence[str]) -> set[str]:
        keys = [(f"SUPPRESSED#{e}", "SUPPRESSED") for e in dict.fromkeys(emails)]
        found: set[str] = set()
        for item in _batch_get(keys):
            if isinstance(item, Suppressed):
                found.add(item.PK.removeprefix("SUPPRESSED#"))
        return found

    def suppress(self, email: str, reason: str) -> None:
        Suppressed(PK=f"SUPPRESSED#{email}", SK="SUPPRESSED", reason=reason).save()

    def save_invite_batch(self, batch: InviteBatch) -> None:
        batch.PK = f"TENANT#{batch.tenant}"
        batch.SK = f"INVITES#{batch.created_at.isoformat()}#{batch.batch_id}"
        batch.save()

    def invite_batches(self, tenant: str, limit: int = 5) -> list[InviteBatch]:
        items = WarmpathItem.query(
            f"TENANT#{tenant}", WarmpathItem.SK.startswith("INVITES#"), scan_index_forward=False, limit=limit
        )
        return [b for b in items if isinstance(b, InviteBatch)]

    def get_invite_batch(self, tenant: str, batch_id: str) -> InviteBatch:
        for batch in self.invite_batches(tenant, limit=50):
            if batch.batch_id == batch_id:
                return batch
        raise NotFound(f"there is no invite batch '{batch_id}'")

    # -- bulk invite jobs ------------------------------------------------------------------------

    def open_invite_job(self, job: InviteJob, fingerprint: str, now: datetime, window: timedelta) -> InviteJob:
        """Store a new invite job, unless the same file went to a job within ``window`` that has not failed, or
        to a job still waiting or running: then that job (a double click, a reload, or the CLI run again to wait
        has one effect). Compare ``job_id`` to tell which."""
        job.PK, job.SK = InviteJob.key(job.job_id)
        job.GSI1PK, job.GSI1SK = f"TENANT#{job.tenant}#INVITEJOBS", f"{job.created_at.isoformat()}#{job.job_id}"
        pk, sk = f"TENANT#{job.tenant}", f"INVITEUPLOAD#{fingerprint}"
        try:  # a job still at work on this file is the one, however long ago it opened (`warmpath invite` again)
            unfinished = self.get_invite_job(InviteUpload.get(pk, sk).job_id)
            if unfinished.status in ("waiting", "running"):
                return unfinished
        except (DoesNotExist, NotFound):
            pass
        upload = InviteUpload(PK=pk, SK=sk, job_id=job.job_id, ttl=int((now + window).timestamp()))
        free = InviteUpload.PK.does_not_exist() | (InviteUpload.ttl <= int(now.timestamp()))
        for _ in range(3):
            with self._written_once() as (transaction, outcome):
                transaction.save(upload, condition=free)
                transaction.save(job, condition=InviteJob.PK.does_not_exist())
            if outcome.written:
                return job
            try:
                earlier = InviteUpload.get(pk, sk)
                existing = self.get_invite_job(earlier.job_id)
            except (DoesNotExist, NotFound):
                continue
            if existing.status != "failed":
                return existing
            free = InviteUpload.job_id == earlier.job_id  # a failed upload may be tried again at once
        raise RuntimeError("could not open the invite job")  # three races in a row: let the caller retry

    def get_invite_job(self, job_id: str) -> InviteJob:
        try:
            return InviteJob.get(*InviteJob.key(job_id))
        except DoesNotExist:
            raise NotFound(f"there is no invite job '{job_id}'") from None

    def invite_jobs(self, tenant: str, limit: int = 5) -> list[InviteJob]:
        items = WarmpathItem.gsi1.query(f"TENANT#{tenant}#INVITEJOBS", scan_index_forward=False, limit=limit)
        return [j for j in items if isinstance(j, InviteJob)]

    def start_invite_job(self, job: InviteJob, now: datetime, lease: timedelta) -> bool:
        """Take a waiting job, or a running one whose worker stopped renewing its lease (a crash, a timeout);
        False when another worker holds it or it is finished."""
        abandoned = (InviteJob.status == "running") & (InviteJob.lease_until < now)
        return _update_if(
            job,
            [InviteJob.status.set("running"), InviteJob.lease_until.set(now + lease)],
            (InviteJob.status == "waiting") | abandoned,
        )

    def release_invite_job(self, job: InviteJob, now: datetime) -> None:
        """A worker that failed gives its lease up, so a retry may resume the job straight away."""
        _update_if(job, [InviteJob.lease_until.set(now)], InviteJob.status == "running")

    def record_invite_chunk(
        self, job: InviteJob, chunk: int, rows: list[dict[str, Any]], processed: int, lease_until: datetime
    ) -> None:
        """Keep one chunk's report and move the job's progress past it (renewing the worker's lease)."""
        InviteJobRows(PK=job.PK, SK=f"ROWS#{chunk:05d}", rows=rows).save()
        job.update(
            actions=[
                InviteJob.processed.set(processed),
                InviteJob.chunks_done.set(chunk + 1),
                InviteJob.lease_until.set(lease_until),
            ]
        )

    def invite_job_rows(self, job_id: str) -> list[dict[str, Any]]:
        """Every report line of a job, in file order."""
        pk, _ = InviteJob.key(job_id)
        rows: list[dict[str, Any]] = []
        for item in WarmpathItem.query(pk, WarmpathItem.SK.startswith("ROWS#")):
            if isinstance(item, InviteJobRows):
                for raw in item.rows or []:
                    row = dict(raw.as_dict()) if hasattr(raw, "as_dict") else dict(raw)
                    rows.append(
                        {"line": int(row["line"]), "email": str(row["email"]), "status": str(row["status"]),
                         "reason": str(row.get("reason") or "")}
                    )  # fmt: skip
        return rows

    def finish_invite_job(
        self, job: InviteJob, status: str, now: datetime, counts: Mapping[str, int] | None = None, error: str = ""
    ) -> None:
        actions: list[Action] = [InviteJob.status.set(status), InviteJob.finished_at.set(now)]
        if counts is not None:
            actions.append(InviteJob.counts.set(dict(counts)))
        if error:
            actions.append(InviteJob.error.set(error))
        job.update(actions=actions)

    def store_invitations(self, members: Sequence[Member]) -> set[str]:
        """Store new memberships with pending invitations, each on condition that it does not exist; returns the
        addresses that turned out to be members already (a concurrent upload stored them first).

        One conditional put each, not a transaction per chunk: each membership stands alone (a retry after a
        crash mid-chunk finds the stored ones pending), and a put costs half a transactional write.
        """
        return {m.email for m in members if not self.add_member(m)}

    def mark_invitation_sent(self, member: Member) -> None:
        """The sender sent the first invitation: a re-upload no longer queues it."""
        with contextlib.suppress(UpdateError):
            member.update(actions=[Member.invitation.set("sent")], condition=Member.PK.exists())

    def get_member(self, tenant: str, email: str) -> Member | None:
        try:
            return Member.get(*Member.key(tenant, email))
        except DoesNotExist:
            return None

    def get_members(self, tenant: str, emails: Sequence[str]) -> dict[str, Member]:
        """Batch-read the given members of one tenant (one read per candidate, never a scan)."""
        keys = [Member.key(tenant, e) for e in dict.fromkeys(emails)]
        found: dict[str, Member] = {}
        for item in _batch_get(keys):
            if isinstance(item, Member):
                found[item.email] = item
        return found

    def memberships_of(self, email: str) -> list[Member]:
        return [m for m in WarmpathItem.gsi1.query(f"USER#{email}") if isinstance(m, Member)]

    def list_members(self, tenant: str) -> list[Member]:
        return [
            m
            for m in WarmpathItem.query(f"TENANT#{tenant}", WarmpathItem.SK.startswith("MEMBER#"))
            if isinstance(m, Member)
        ]

    # -- people and networks -------------------------------------------------------------------

    def put_organisations(self, organisations: Sequence[Organisation]) -> None:
        with WarmpathItem.batch_write() as batch:
            for organisation in organisations:
                organisation.PK, organisation.SK = f"ORG#{organisation.org_key}", "ORG"
                batch.save(organisation)

    def get_organisation(self, org_key: str) -> Organisation | None:
        try:
            return Organisation.get(f"ORG#{org_key}", "ORG")
        except DoesNotExist:
            return None

    def put_people(self, people: Sequence[Person]) -> None:
        """Write people and the identity claims that point at them (BatchWriteItem, 25 per call)."""
        with WarmpathItem.batch_write() as batch:
            for person in people:
                person.PK, person.SK = f"PERSON#{person.person_id}", "PERSON"
                batch.save(person)
                for claim in person.claims or ():
                    batch.save(IdentityClaim(PK=f"IDENT#{claim}", SK="IDENT", person_id=person.person_id))

    def add_claims(self, claims_by_person: dict[str, set[str]]) -> None:
        """Point more identifiers at people already known (and remember them on the person, for deletion)."""
        with WarmpathItem.batch_write() as batch:
            for person_id, claims in claims_by_person.items():
                for claim in claims:
                    batch.save(IdentityClaim(PK=f"IDENT#{claim}", SK="IDENT", person_id=person_id))
        for person_id, claims in claims_by_person.items():
            Person(PK=f"PERSON#{person_id}", SK="PERSON").update(actions=[Person.claims.add(claims)])

    def get_person(self, person_id: str) -> Person | None:
        try:
            return Person.get(f"PERSON#{person_id}", "PERSON")
        except DoesNotExist:
            return None

    def resolve_claims(self, claims: Sequence[str]) -> dict[str, str]:
        """Which of these hashed identifiers already name a person: {claim: person id}."""
        keys = [(f"IDENT#{c}", "IDENT") for c in dict.fromkeys(claims)]
        found: dict[str, str] = {}
        for item in _batch_get(keys):
            if isinstance(item, IdentityClaim):
                found[item.PK.removeprefix("IDENT#")] = item.person_id
        return found

    def find_person_ids(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        name: str | None = None,
        organisation: str | None = None,
    ) -> list[str]:
        """People matching any of these identifiers (exact after normalisation), strongest identifier first."""
        claims = target_claims(email=email, linkedin_url=linkedin_url, name=name, organisation=organisation)
        return [person_id for person_id, _ in self.find_people(claims)]

    def find_people(self, claims: Sequence[Claim]) -> list[tuple[str, Claim]]:
        """Each person any claim names, with the strongest claim that named them (strongest first)."""
        found = self.resolve_claims([c.key for c in claims])
        people: dict[str, Claim] = {}
        for claim in claims:
            if claim.key in found:
                people.setdefault(found[claim.key], claim)
        return list(people.items())

    def put_relationships(self, ties: Sequence[Relationship]) -> None:
        """Write ties (BatchWriteItem, 25 per call); a tie to the same person is replaced."""
        with WarmpathItem.batch_write() as batch:
            for tie in ties:
                tie.PK = f"NETWORK#{tie.connector_email}"
                tie.SK = f"TIE#{tie.person_id}"
                tie.GSI1PK = f"KNOWN#{tie.person_id}"
                tie.GSI1SK = f"NETWORK#{tie.connector_email}"
                batch.save(tie)

    def ties_of(self, connector_email: str, person_ids: Sequence[str]) -> dict[str, Relationship]:
        """This connector's existing ties to these people (BatchGetItem, 100 per call)."""
        keys = [(f"NETWORK#{connector_email}", f"TIE#{p}") for p in dict.fromkeys(person_ids)]
        found: dict[str, Relationship] = {}
        for item in _batch_get(keys):
            if isinstance(item, Relationship):
                found[item.person_id] = item
        return found

    def ties_to(self, person_id: str) -> list[Relationship]:
        return [t for t in WarmpathItem.gsi1.query(f"KNOWN#{person_id}") if isinstance(t, Relationship)]

    def network_of(self, connector_email: str) -> list[Relationship]:
        return [
            t
            for t in WarmpathItem.query(f"NETWORK#{connector_email}", WarmpathItem.SK.startswith("TIE#"))
            if isinstance(t, Relationship)
        ]

    def network_page(
        self, connector_email: str, *, limit: int, after: str | None = None
    ) -> tuple[list[Relationship], str | None]:
        """One page of a connector's ties and the key to the next page (None at the end)."""
        start = {"PK": {"S": f"NETWORK#{connector_email}"}, "SK": {"S": f"TIE#{after}"}} if after else None
        results = WarmpathItem.query(
            f"NETWORK#{connector_email}", WarmpathItem.SK.startswith("TIE#"), limit=limit, last_evaluated_key=start
        )
        ties = [t for t in results if isinstance(t, Relationship)]
        last = results.last_evaluated_key
        return ties, (last["SK"]["S"].removeprefix("TIE#") if last else None)

    def search_network(
        self, connector_email: str, text: str, *, limit: int, after: str | None = None, page_size: int = 500
    ) -> tuple[list[Relationship], str | None]:
        """A connector's ties whose name, title or organisation contains ``text`` (any case), a page at a time.

        It reads the connector's own partition, page by page, until ``limit`` ties match: the cost grows
        with that one network (thousands of ties at most), never with the tenant or the table.
        """
        needle = text.casefold()
        start = {"PK": {"S": f"NETWORK#{connector_email}"}, "SK": {"S": f"TIE#{after}"}} if after else None
        results = WarmpathItem.query(
            f"NETWORK#{connector_email}",
            WarmpathItem.SK.startswith("TIE#"),
            last_evaluated_key=start,
            page_size=page_size,
        )
        found: list[Relationship] = []
        for tie in results:
            if not isinstance(tie, Relationship):
                continue
            words = " ".join(filter(None, (tie.person_name, tie.person_title, tie.person_organisation)))
            if needle in words.casefold():
                found.append(tie)
                if len(found) == limit:
                    return found, tie.SK.removeprefix("TIE#")
        return found, None

    def org_ties_of(self, connector_email: str, org_keys: Sequence[str]) -> dict[str, OrgTies]:
        keys = [(f"NETWORK#{connector_email}", f"ORG#{k}") for k in dict.fromkeys(org_keys)]
        found: dict[str, OrgTies] = {}
        for item in _batch_get(keys):
            if isinstance(item, OrgTies):
                found[item.org_key] = item
        return found

    def put_org_ties(self, aggregates: Sequence[OrgTies]) -> None:
        with WarmpathItem.batch_write() as batch:
            for aggregate in aggregates:
                aggregate.PK = f"NETWORK#{aggregate.connector_email}"
                aggregate.SK = f"ORG#{aggregate.org_key}"
                aggregate.GSI1PK = f"ORGTIES#{aggregate.org_key}"
                aggregate.GSI1SK = f"NETWORK#{aggregate.connector_email}"
                batch.save(aggregate)

    def connectors_at(self, org_key: str) -> list[OrgTies]:
        return [a for a in WarmpathItem.gsi1.query(f"ORGTIES#{org_key}") if isinstance(a, OrgTies)]

    # -- organisation links and per-organisation privacy ---------------------------------------

    def put_org_links(self, links: Sequence[OrgLink], source: str) -> None:
        """Record links under both organisations. An import's inferred link never replaces a stated one."""
        for link in links:
            for here, there in ((link.a, link.b), (link.b, link.a)):
                item = OrgLinkItem(
                    PK=f"ORG#{here}",
                    SK=f"LINK#{there}",
                    a=link.a,
                    b=link.b,
                    relation=link.relation,
                    evidence=link.evidence,
                    source=source,
                )
                if source == "import":
                    _save_unless(item, OrgLinkItem.PK.does_not_exist())  # a link already known stays
                else:
                    item.save()

    def org_links(self, org_key: str) -> list[OrgLink]:
        items = WarmpathItem.query(f"ORG#{org_key}", WarmpathItem.SK.startswith("LINK#"))
        return [OrgLink(i.a, i.b, i.relation, i.evidence) for i in items if isinstance(i, OrgLinkItem)]

    def remove_org_link(self, a: str, b: str) -> None:
        with WarmpathItem.batch_write() as batch:
            batch.delete(OrgLinkItem(PK=f"ORG#{a}", SK=f"LINK#{b}"))
            batch.delete(OrgLinkItem(PK=f"ORG#{b}", SK=f"LINK#{a}"))

    def domain_owners(self, domains: Sequence[str]) -> dict[str, str]:
        keys = [(f"DOMAIN#{d}", "DOMAIN") for d in dict.fromkeys(domains)]
        return {i.PK.removeprefix("DOMAIN#"): i.org_key for i in _batch_get(keys) if isinstance(i, DomainOwner)}

    def claim_domains(self, owners: dict[str, str]) -> None:
        """Record who owns each domain unless someone already does (the first organisation keeps it)."""
        for domain, org_key in owners.items():
            owner = DomainOwner(PK=f"DOMAIN#{domain}", SK="DOMAIN", org_key=org_key)
            _save_unless(owner, DomainOwner.PK.does_not_exist())

    def never_ask_list(self, connector_email: str) -> list[NeverAsk]:
        items = WarmpathItem.query(f"NETWORK#{connector_email}", WarmpathItem.SK.startswith("NEVER#"))
        return [i for i in items if isinstance(i, NeverAsk)]

    def set_never_ask(self, connector_email: str, organisation: str) -> NeverAsk:
        org_key = organisation_key(organisation)
        item = NeverAsk(
            PK=f"NETWORK#{connector_email}",
            SK=f"NEVER#{org_key}",
            connector_email=connector_email,
            org_key=org_key,
            organisation=organisation.strip(),
        )
        item.save()
        return item

    def remove_never_ask(self, connector_email: str, org_key: str) -> None:
        NeverAsk(PK=f"NETWORK#{connector_email}", SK=f"NEVER#{org_key}").delete()

    def never_ask_among(self, connector_emails: Sequence[str], org_keys: Sequence[str]) -> set[str]:
        """Which of these connectors asked never to be asked about any of these organisations."""
        orgs = list(dict.fromkeys(org_keys))
        keys = [(f"NETWORK#{e}", f"NEVER#{k}") for e in dict.fromkeys(connector_emails) for k in orgs]
        return {i.connector_email for i in _batch_get(keys) if isinstance(i, NeverAsk)}

    def set_availability(self, email: str, *, paused: bool, snoozed_until: datetime | None) -> int:
        """The connector's pause and snooze, on every membership they hold; returns how many were updated."""
        memberships = self.memberships_of(email)
        for member in memberships:
            actions: list[Action] = [Member.paused.set(paused)]
            actions.append(Member.snoozed_until.set(snoozed_until) if snoozed_until else Member.snoozed_until.remove())
            member.update(actions=actions, condition=Member.PK.exists())
        return len(memberships)

    def set_tenant_settings(self, slug: str, settings: dict[str, Any], *, if_version: int | None = None) -> bool:
        """Replace a tenant's settings (counting the change in ``settings_version``).

        With ``if_version``, only while the stored version is still that one -- the one a form showed -- so a
        save never silently undoes a change made in between; False when it was not. Raises NotFound for a
        tenant that does not exist.
        """
        condition = Tenant.PK.exists()
        if if_version:
            condition &= Tenant.settings_version == if_version
        elif if_version == 0:
            condition &= Tenant.settings_version.does_not_exist() | (Tenant.settings_version == 0)
        actions: list[Action] = [Tenant.settings.set(settings), Tenant.settings_version.add(1)]
        if _update_if(Tenant(*Tenant.key(slug)), actions, condition):
            return True
        self.get_tenant(slug)  # NotFound when the tenant is gone; else the version moved on
        return False

    def set_network_sharing(self, member: Member, sharing: str) -> None:
        member.update(actions=[Member.network_sharing.set(sharing)], condition=Member.PK.exists())

    def delete_network(self, connector_email: str) -> int:
        """Delete a connector's whole network: ties, aggregates, import jobs, and people no one else knows.

        Returns how many items were deleted.
        """
        doomed: list[WarmpathItem] = list(WarmpathItem.query(f"NETWORK#{connector_email}"))
        doomed += [j for j in WarmpathItem.gsi1.query(f"IMPORTS#{connector_email}") if isinstance(j, ImportJob)]
        for tie in [t for t in doomed if isinstance(t, Relationship)]:
            others = [
                k
                for k in WarmpathItem.gsi1.query(f"KNOWN#{tie.person_id}", limit=2)
                if k.connector_email != connector_email  # type: ignore[attr-defined]
            ]
            if others:
                continue
            person = self.get_person(tie.person_id)
            if person is not None:
                doomed.append(person)
                doomed += [IdentityClaim(PK=f"IDENT#{c}", SK="IDENT", person_id="") for c in person.claims or ()]
        with WarmpathItem.batch_write() as batch:
            for item in doomed:
                batch.delete(item)
        return len(doomed)

    # -- import jobs -----------------------------------------------------------------------------

    def create_import_job(self, job: ImportJob) -> ImportJob:
        job.PK, job.SK = f"IMPORT#{job.job_id}", "IMPORT"
        job.GSI1PK = f"IMPORTS#{job.connector_email}"
        job.GSI1SK = f"{job.created_at.isoformat()}#{job.job_id}"
        job.save(condition=ImportJob.PK.does_not_exist())
        return job

    def get_import_job(self, job_id: str) -> ImportJob:
        try:
            return ImportJob.get(f"IMPORT#{job_id}", "IMPORT")
        except DoesNotExist:
            raise NotFound(f"there is no import '{job_id}'") from None

    def import_jobs_of(self, connector_email: str, limit: int = 20) -> list[ImportJob]:
        items = WarmpathItem.gsi1.query(f"IMPORTS#{connector_email}", scan_index_forward=False, limit=limit)
        return [j for j in items if isinstance(j, ImportJob)]

    def claim_import_job(self, job: ImportJob, owner: str, now: datetime, lease: timedelta) -> bool:
        """Lease a job to the invocation ``owner`` (counting an attempt); False while another one holds it.

        A waiting job is taken; a running one is taken over when its lease has expired (or it has none, from
        before leases), or when ``owner`` already holds it: Lambda retries a failed or timed-out invocation
        with the same request id, and only after that invocation ended.
        """
        takeover = (
            (ImportJob.lease_owner == owner) | ImportJob.lease_until.does_not_exist() | (ImportJob.lease_until < now)
        )
        return _update_if(
            job,
            [
                ImportJob.status.set("running"),
                ImportJob.attempts.add(1),
                ImportJob.lease_owner.set(owner),
                ImportJob.lease_until.set(now + lease),
            ],
            (ImportJob.status == "waiting") | ((ImportJob.status == "running") & takeover),
        )

    def update_claimed_import_job(self, job: ImportJob, attempt: int, actions: list[Action]) -> bool:
        """Update a job still held by the attempt that claimed it as ``attempt``; False once another took it."""
        return _update_if(job, actions, (ImportJob.status == "running") & (ImportJob.attempts == attempt))

    # -- introduction requests -----------------------------------------------------------------

    def create_request(self, request: IntroRequest) -> bool:
        """Store a new request with its first timeline entry; False when a request with its id exists."""
        created = request.created_at.isoformat()
        request.PK = IntroRequest.partition(request.tenant, request.request_id)
        request.SK = "REQUEST"
        request.GSI1PK = f"TENANT#{request.tenant}#REQUESTS"
        request.GSI1SK = f"{created}#{request.request_id}"
        request.GSI2PK = f"TENANT#{request.tenant}#REQUESTER#{request.requester_email}"
        request.GSI2SK = f"{created}#{request.request_id}"
        with self._written_once() as (transaction, outcome):
            transaction.save(request, condition=IntroRequest.PK.does_not_exist())
            transaction.save(_timeline(request.tenant, request.request_id, "requested", request.reason))
        return outcome.written

    def delete_request(self, tenant: str, request_id: str) -> None:
        """Remove a request and everything in its partition (undoing a request that could not start)."""
        items = list(WarmpathItem.query(IntroRequest.partition(tenant, request_id)))
        with WarmpathItem.batch_write() as batch:
            for item in items:
                batch.delete(item)

    def get_request(self, tenant: str, request_id: str) -> IntroRequest:
        try:
            return IntroRequest.get(IntroRequest.partition(tenant, request_id), "REQUEST")
        except DoesNotExist:
            raise NotFound(f"there is no request '{request_id}'") from None

    def get_request_bundle(self, tenant: str, request_id: str) -> RequestBundle:
        request: IntroRequest | None = None
        asks: list[Ask] = []
        timeline: list[TimelineEntry] = []
        for item in WarmpathItem.query(IntroRequest.partition(tenant, request_id)):
            if isinstance(item, IntroRequest):
                request = item
            elif isinstance(item, Ask):
                asks.append(item)
            elif isinstance(item, TimelineEntry):
                timeline.append(item)
        if request is None:
            raise NotFound(f"there is no request '{request_id}'")
        return RequestBundle(request=request, asks=asks, timeline=timeline)

    def list_requests(self, tenant: str, *, requester: str | None = None, limit: int = 50) -> list[IntroRequest]:
        if requester:
            items = WarmpathItem.gsi2.query(
                f"TENANT#{tenant}#REQUESTER#{requester}", scan_index_forward=False, limit=limit
            )
        else:
            items = WarmpathItem.gsi1.query(f"TENANT#{tenant}#REQUESTS", scan_index_forward=False, limit=limit)
        return [r for r in items if isinstance(r, IntroRequest)]

    def open_request_for(self, request: IntroRequest, target_keys: Sequence[str]) -> str | None:
        """Another open request of the tenant for the same target (by any of its identifiers), or None.

        When there is none, this request becomes the open one for each identifier.
        """
        if not target_keys:
            return None
        partition = f"TENANT#{request.tenant}#TARGET#"
        keys = [(f"{partition}{k}", "TARGET") for k in dict.fromkeys(target_keys)]
        others = {c.request_id for c in _batch_get(keys) if isinstance(c, TargetClaim)} - {request.request_id}
        for other_id in sorted(others):
            try:
                other = self.get_request(request.tenant, other_id)
            except NotFound:
                continue
            if other.status in OPEN_STATUSES:
                return other.joined_request_id or other.request_id
        for pk, sk in keys:
            TargetClaim(PK=pk, SK=sk, request_id=request.request_id).save()
        return None

    def join_request(self, request: IntroRequest, first_id: str) -> bool:
        """The later request joins the earlier one (once); False when it was matched or joined before."""
        first = IntroRequest(PK=IntroRequest.partition(request.tenant, first_id), SK="REQUEST")
        with self._written_once() as (transaction, outcome):
            transaction.update(
                request,
                actions=[
                    IntroRequest.status.set("joined"),
                    IntroRequest.joined_request_id.set(first_id),
                    IntroRequest.updated_at.set(utcnow()),
                ],
                condition=IntroRequest.status == "matching",
            )
            transaction.update(
                first,
                actions=[IntroRequest.watchers.add({request.requester_email})],
                condition=IntroRequest.PK.exists(),
            )
            transaction.save(_timeline(request.tenant, request.request_id, "joined", first_id))
            transaction.save(_timeline(request.tenant, first_id, "watcher_added", request.requester_name))
        return outcome.written

    def open_requests_at(self, tenant: str, org_keys: Sequence[str]) -> dict[str, set[str]]:
        """The ids of the tenant's open requests at each of these organisations (those with any)."""
        prefix = f"TENANT#{tenant}#OPENORG#"
        keys = [(f"{prefix}{k}", "OPEN") for k in dict.fromkeys(org_keys)]
        return {
            i.PK.removeprefix(prefix): set(i.request_ids or ())
            for i in _batch_get(keys)
            if isinstance(i, OpenAtOrg) and i.request_ids
        }

    def drop_open_at(self, tenant: str, org_key: str, request_ids: set[str]) -> None:
        OpenAtOrg(PK=f"TENANT#{tenant}#OPENORG#{org_key}", SK="OPEN").update(
            actions=[OpenAtOrg.request_ids.delete(request_ids)]
        )

    def update_paths(self, request: IntroRequest, paths: list[PathMap], detail: str) -> bool:
        """Replace an open request's paths after a network change; False when the request moved on meanwhile."""
        status = "paths_found" if request.status == "no_path" else request.status
        with self._written_once() as (transaction, outcome):
            transaction.update(
                request,
                actions=[
                    IntroRequest.paths.set(paths),
                    IntroRequest.status.set(status),
                    IntroRequest.updated_at.set(utcnow()),
                ],
                condition=(IntroRequest.status == request.status) & (IntroRequest.updated_at == request.updated_at),
            )
            transaction.save(_timeline(request.tenant, request.request_id, "new_paths", detail))
        return outcome.written

    def save_paths(
        self, request: IntroRequest, paths: list[PathMap], status: str, detail: str, digest: Sequence[str] = ()
    ) -> bool:
        """Store matching's ranked paths once; False when the request was matched before.

        ``digest``: for an Open Request, the connectors its open-requests digest goes to.
        """
        actions: list[Action] = [
            IntroRequest.paths.set(paths),
            IntroRequest.status.set(status),
            IntroRequest.updated_at.set(utcnow()),
        ]
        if digest:
            actions.append(IntroRequest.digest_connectors.set(set(digest)))
        with self._written_once() as (transaction, outcome):
            transaction.update(
                request,
                actions=actions,
                condition=IntroRequest.status == "matching",
            )
            open_at = OpenAtOrg(
                PK=f"TENANT#{request.tenant}#OPENORG#{organisation_key(request.target_company)}", SK="OPEN"
            )
            transaction.update(
                open_at,
                # Created by this update when new: the type must be set, or it could not be read back.
                actions=[OpenAtOrg.kind.set(OpenAtOrg), OpenAtOrg.request_ids.add({request.request_id})],
            )
            transaction.save(_timeline(request.tenant, request.request_id, status, detail))
        return outcome.written

    def create_ask(
        self,
        request: IntroRequest,
        connector_email: str,
        connector_name: str,
        queue: Sequence[str] = (),
        awaiting_approval: bool = False,
        anonymous: bool = False,
    ) -> Ask | None:
        """Ask a connector once, and only while no other ask is open.

        Returns the new ask, or None when this connector was already asked or the request is not waiting
        for a pick (the conditions are checked against the stored request, so two concurrent picks cannot
        both become asks).
        """
        ask = Ask(
            PK=request.PK,
            SK=f"ASK#{connector_email}",
            GSI1PK=f"ASKED#{connector_email}",
            tenant=request.tenant,
            request_id=request.request_id,
            connector_email=connector_email,
            connector_name=connector_name,
            status="awaiting_approval" if awaiting_approval else "asked",
            anonymous=anonymous,
        )
        ask.GSI1SK = f"{ask.asked_at.isoformat()}#{request.tenant}#{request.request_id}"
        with self._written_once() as (transaction, outcome):
            transaction.save(ask, condition=Ask.PK.does_not_exist())
            transaction.update(
                request,
                actions=[
                    IntroRequest.status.set("asked"),
                    IntroRequest.updated_at.set(utcnow()),
                    IntroRequest.queue.set([str(p) for p in queue]),  # type: ignore[misc]
                ],
                condition=IntroRequest.status.is_in(*ASKABLE_STATUSES),
            )
            transaction.update(
                Member(*Member.key(request.tenant, connector_email)),
                actions=[Member.ask_times.set((Member.ask_times | []).append([ask.asked_at.isoformat()]))],
                condition=Member.PK.exists(),
            )
            transaction.save(_timeline(request.tenant, request.request_id, "asked", connector_name))
        return ask if outcome.written else None

    def note_skipped(self, request: IntroRequest, path_id: str, detail: str) -> None:
        """Record on the timeline that a connector was passed over (the same state writes the same entry)."""
        TimelineEntry(
            PK=request.PK,
            SK=f"EVENT#{request.updated_at.isoformat()}#skip-{path_id}",
            at=utcnow(),
            what="skipped",
            detail=detail,
        ).save()

    def find_ask(self, tenant: str, request_id: str, connector_email: str) -> Ask | None:
        try:
            return self.get_ask(tenant, request_id, connector_email)
        except NotFound:
            return None

    def get_ask(self, tenant: str, request_id: str, connector_email: str) -> Ask:
        try:
            return Ask.get(IntroRequest.partition(tenant, request_id), f"ASK#{connector_email}")
        except DoesNotExist:
            raise NotFound("this ask no longer exists") from None

    def answer_ask(
        self, ask: Ask, answer: str, *, jti: str, token_expires_at: int, intro_text: str | None = None
    ) -> AnswerOutcome:
        """Record a connector's answer exactly once, spending the token in the same transaction.

        ``intro_text`` is the connector's own wording of the introduction, kept with an acceptance.
        """
        now = utcnow()
        request = IntroRequest(PK=ask.PK, SK="REQUEST")
        used = UsedToken(PK=f"USED#{jti}", SK="USED", ttl=token_expires_at, outcome=answer)
        hours = round((now - ask.asked_at).total_seconds() / 3600, 2)
        history: list[Action] = [
            Member.answered.add(1),
            Member.response_hours.set((Member.response_hours | []).append([hours])),
        ]
        history.append(Member.accepted.add(1) if answer == "accepted" else Member.last_declined_at.set(now))
        with self._written_once() as (transaction, outcome):
            transaction.save(used, condition=UsedToken.PK.does_not_exist())
            ask_actions: list[Action] = [Ask.status.set(answer), Ask.answered_at.set(now)]
            if intro_text and answer == "accepted":
                ask_actions.append(Ask.intro_text.set(intro_text))
            transaction.update(ask, actions=ask_actions, condition=Ask.status == "asked")
            transaction.update(
                request,
                actions=[IntroRequest.status.set(answer), IntroRequest.updated_at.set(now)],
                condition=IntroRequest.PK.exists(),
            )
            transaction.update(
                Member(*Member.key(ask.tenant, ask.connector_email)), actions=history, condition=Member.PK.exists()
            )
            transaction.save(_timeline(ask.tenant, ask.request_id, answer, ask.connector_name))
        ask.refresh()
        return AnswerOutcome(recorded=outcome.written, ask=ask)

    def expire_ask(self, ask: Ask, now: datetime) -> bool:
        """An ask nobody answered in time expires (once): the request may ask the next connector.

        Counts as an ask without an answer in the connector's history (acceptance rate), not as a decline
        (no cooldown).
        """
        with self._written_once() as (transaction, outcome):
            transaction.update(
                ask,
                actions=[Ask.status.set("expired"), Ask.answered_at.set(now)],
                condition=Ask.status.is_in(*OPEN_ASK_STATUSES),
            )
            transaction.update(
                IntroRequest(PK=ask.PK, SK="REQUEST"),
                actions=[IntroRequest.status.set("declined"), IntroRequest.updated_at.set(now)],
                condition=IntroRequest.status == "asked",
            )
            transaction.update(
                Member(*Member.key(ask.tenant, ask.connector_email)),
                actions=[Member.answered.add(1)],
                condition=Member.PK.exists(),
            )
            transaction.save(_timeline(ask.tenant, ask.request_id, "expired", f"{ask.connector_name} did not answer"))
        return outcome.written

    def postpone_reminder(self, ask: Ask, until: datetime) -> None:
        """An auto-reply (out of office) moves the ask's reminder to ``until``."""
        ask.update(actions=[Ask.reminder_after.set(until)], condition=Ask.status == "asked")

    def mark_ask_reminded(self, ask: Ask, now: datetime) -> bool:
        """Record the reminder once; False when it was sent already or the ask is no longer open."""
        return _update_if(ask, [Ask.reminded_at.set(now)], (Ask.status == "asked") & Ask.reminded_at.does_not_exist())

    def mark_target_asked(self, ask: Ask, now: datetime) -> bool:
        """Double opt-in: record once that the target was asked; False when they were asked already."""
        asked = _update_if(
            ask, [Ask.target_asked_at.set(now)], (Ask.status == "accepted") & Ask.target_asked_at.does_not_exist()
        )
        if asked:
            _timeline(ask.tenant, ask.request_id, "target_asked", "waiting for them to agree").save()
        return asked

    def release_target_ask(self, ask: Ask) -> None:
        """A failed send of the target's email: let a retry ask them."""
        ask.update(actions=[Ask.target_asked_at.remove()], condition=Ask.target_answer.does_not_exist())

    def answer_as_target(self, ask: Ask, answer: str, *, jti: str, token_expires_at: int) -> bool:
        """The target's yes or no, once (spending the token): no closes the request, politely."""
        now = utcnow()
        used = UsedToken(PK=f"USED#{jti}", SK="USED", ttl=token_expires_at, outcome=answer)
        with self._written_once() as (transaction, outcome):
            transaction.save(used, condition=UsedToken.PK.does_not_exist())
            transaction.update(
                ask,
                actions=[Ask.target_answer.set(answer)],
                condition=(Ask.status == "accepted") & Ask.target_answer.does_not_exist(),
            )
            if answer == "no":
                transaction.update(
                    IntroRequest(PK=ask.PK, SK="REQUEST"),
                    actions=[IntroRequest.status.set("target_declined"), IntroRequest.updated_at.set(now)],
                    condition=IntroRequest.PK.exists(),
                )
            what = "target_agreed" if answer == "yes" else "target_declined"
            transaction.save(_timeline(ask.tenant, ask.request_id, what, None))
        ask.refresh()
        return outcome.written

    def record_outcome(self, tenant: str, request_id: str, result: str, *, jti: str, token_expires_at: int) -> bool:
        """The requester's answer to "Did you meet?", once (spending the token).

        "No response yet" is provisional: a later meeting or "not a fit" replaces it (with a token not yet
        spent -- the request page's, since one email's choices share one). The other answers are final.
        """
        now = utcnow()
        used = UsedToken(PK=f"USED#{jti}", SK="USED", ttl=token_expires_at, outcome=result)
        provisional = IntroRequest.outcome == PROVISIONAL_OUTCOME
        with self._written_once() as (transaction, outcome):
            transaction.save(used, condition=UsedToken.PK.does_not_exist())
            transaction.update(
                IntroRequest(PK=IntroRequest.partition(tenant, request_id), SK="REQUEST"),
                actions=[IntroRequest.outcome.set(result), IntroRequest.outcome_at.set(now)],
                condition=(IntroRequest.status == "introduced")
                & (IntroRequest.outcome.does_not_exist() | (provisional & (IntroRequest.outcome != result))),
            )
            transaction.save(_timeline(tenant, request_id, "outcome", result.replace("_", " ")))
        return outcome.written

    # -- offers to introduce --------------------------------------------------------------------

    def account_owner(self, tenant: str, org_key: str | None) -> str | None:
        """Who owns the account: the CRM's owner when the CRM told us (an AccountOwner item), else the
        tenant's first admin (by email, so the choice is stable)."""
        if org_key:
            try:
                return str(AccountOwner.get(f"TENANT#{tenant}#ACCOUNT#{org_key}", "OWNER").owner_email)
            except DoesNotExist:
                pass
        admins = sorted(m.email for m in self.list_members(tenant) if "admin" in m.roles and m.status == "joined")
        return admins[0] if admins else None

    def create_offer(self, offer: Offer) -> bool:
        """Store an offer once (its id is derived from what it offers); False when it was made before."""
        offer.PK, offer.SK = Offer.key(offer.tenant, offer.offer_id)
        offer.GSI1PK = f"OFFERS#{offer.tenant}#{offer.connector_email}"
        offer.GSI1SK = f"{offer.created_at.isoformat()}#{offer.offer_id}"
        return _save_unless(offer, Offer.PK.does_not_exist())

    def offers_of(self, tenant: str, connector_email: str, *, limit: int = 50) -> list[Offer]:
        """A connector's offers in this tenant, newest first."""
        found = WarmpathItem.gsi1.query(f"OFFERS#{tenant}#{connector_email}", scan_index_forward=False, limit=limit)
        return [o for o in found if isinstance(o, Offer)]

    def asks_of(self, tenant: str, connector_email: str, *, limit: int = 50) -> list[Ask]:
        """A connector's asks in this tenant, newest first (their asks elsewhere are filtered out).

        Asks still with the connector's approver, or that the approver declined, are asks the connector was
        never sent: the caller decides whether to show them."""
        found = WarmpathItem.gsi1.query(
            f"ASKED#{connector_email}", scan_index_forward=False, filter_condition=Ask.tenant == tenant, limit=limit
        )
        return [a for a in found if isinstance(a, Ask)]

    def get_requests(self, tenant: str, request_ids: Sequence[str]) -> dict[str, IntroRequest]:
        keys = [(IntroRequest.partition(tenant, r), "REQUEST") for r in dict.fromkeys(request_ids)]
        return {i.request_id: i for i in _batch_get(keys) if isinstance(i, IntroRequest)}

    def get_offer(self, tenant: str, offer_id: str) -> Offer:
        try:
            return Offer.get(*Offer.key(tenant, offer_id))
        except DoesNotExist:
            raise NotFound("this offer no longer exists") from None

    def accept_offer(self, offer: Offer, path: PathMap, *, jti: str, token_expires_at: int) -> bool:
        """The owner accepts (once, spending the token): the connector becomes a path the request can ask.

        False when the offer was accepted before or the request is no longer waiting for a path.
        """
        request = IntroRequest(PK=IntroRequest.partition(offer.tenant, offer.request_id or ""), SK="REQUEST")
        with self._written_once() as (transaction, outcome):
            transaction.save(UsedToken(PK=f"USED#{jti}", SK="USED", ttl=token_expires_at, outcome="accepted"),
                             condition=UsedToken.PK.does_not_exist())  # fmt: skip
            transaction.update(offer, actions=[Offer.status.set("accepted")], condition=Offer.status == "offered")
            transaction.update(
                request,
                actions=[
                    IntroRequest.paths.set((IntroRequest.paths | []).append([path])),  # type: ignore[list-item]
                    IntroRequest.status.set("paths_found"),
                    IntroRequest.updated_at.set(utcnow()),
                ],
                condition=IntroRequest.status.is_in("no_path", "paths_found", "declined"),
            )
            transaction.save(_timeline(offer.tenant, offer.request_id or "", "offer_accepted", offer.connector_name))
        return outcome.written

    # -- CRM records ---------------------------------------------------------------------------------

    def get_crm_record(self, tenant: str, kind: str, provider: str, external_id: str) -> CrmRecord | None:
        try:
            return CrmRecord.get(*CrmRecord.key(tenant, kind, provider, external_id))
        except DoesNotExist:
            return None

    def get_deal(self, tenant: str, deal: str) -> CrmRecord | None:
        """A deal by the reference events carry: ``<provider>:<the CRM's id>``."""
        provider, _, external_id = deal.partition(":")
        return self.get_crm_record(tenant, "deal", provider, external_id)

    def find_crm_record(self, tenant: str, kind: str, external_id: str) -> CrmRecord | None:
        """A record by the CRM's id, whichever provider sent it."""
        for provider in ("salesforce", "hubspot", "webhook"):
            record = self.get_crm_record(tenant, kind, provider, external_id)
            if record is not None:
                return record
        return None

    def save_crm_record(self, record: CrmRecord, *, delivery: str, previous_version: int | None) -> str:
        """Write a merged record and mark its delivery applied, together: "saved", "duplicate" (the delivery was
        applied before) or "conflict" (another writer changed the record first: read it again and retry)."""
        marker = _delivery_marker(record.tenant, record.provider, delivery)
        record.PK, record.SK = CrmRecord.key(record.tenant, record.record_kind, record.provider, record.external_id)
        if record.record_kind == "deal":
            record.GSI1PK, record.GSI1SK = f"TENANT#{record.tenant}#DEALS", f"{record.provider}#{record.external_id}"
        version_holds = (
            CrmRecord.PK.does_not_exist() if previous_version is None else CrmRecord.version == previous_version
        )
        try:
            with self._transaction() as transaction:
                transaction.save(marker, condition=CrmDelivery.PK.does_not_exist())
                transaction.save(record, condition=version_holds)
        except TransactWriteError as error:
            if not _condition_failed(error):
                raise
            # Which condition failed is not reported everywhere (moto): ask the marker.
            return "duplicate" if self.delivery_applied(record.tenant, record.provider, delivery) else "conflict"
        return "saved"

    def mark_delivery(self, tenant: str, provider: str, delivery: str) -> bool:
        """Note a delivery that changed nothing (older than what is stored): its replay is skipped too."""
        return _save_unless(_delivery_marker(tenant, provider, delivery), CrmDelivery.PK.does_not_exist())

    def delivery_applied(self, tenant: str, provider: str, delivery: str) -> bool:
        marker = _delivery_marker(tenant, provider, delivery)
        try:
            CrmDelivery.get(marker.PK, marker.SK)
        except DoesNotExist:
            return False
        return True

    def list_deals(self, tenant: str) -> list[CrmRecord]:
        return [d for d in WarmpathItem.gsi1.query(f"TENANT#{tenant}#DEALS") if isinstance(d, CrmRecord)]

    def set_account_owner(self, tenant: str, org_key: str, owner_email: str) -> None:
        AccountOwner(PK=f"TENANT#{tenant}#ACCOUNT#{org_key}", SK="OWNER", owner_email=owner_email).save()

    def put_crm_organisation(
        self, tenant: str, org_key: str, account: tuple[str, str], name: str, domain: str | None
    ) -> None:
        """A CRM account's name and domain, in its tenant (``account`` is (provider, the CRM's id))."""
        pk, sk = CrmOrganisation.key(tenant, org_key, *account)
        CrmOrganisation(PK=pk, SK=sk, name=name, domain=domain).save()

    def remove_crm_organisation(self, tenant: str, org_key: str, account: tuple[str, str]) -> None:
        pk, sk = CrmOrganisation.key(tenant, org_key, *account)
        CrmOrganisation(PK=pk, SK=sk).delete()

    def crm_organisations(self, tenant: str, org_key: str) -> list[CrmOrganisation]:
        """What the tenant's CRM accounts call an organisation (name, domain), one per account."""
        pk, _ = CrmOrganisation.key(tenant, org_key, "", "")
        items = CrmOrganisation.query(pk, CrmOrganisation.SK.startswith("ACCOUNT#"))
        return [i for i in items if isinstance(i, CrmOrganisation)]

    def every_crm_account(self) -> Iterator[CrmRecord]:
        """Every tenant's CRM accounts: a Scan, for the one-off ``warmpath crm migrate-orgs`` only."""
        for item in CrmRecord.scan(CrmRecord.PK.contains("#CRM#account#")):
            if isinstance(item, CrmRecord) and item.record_kind == "account":
                yield item

    def release_domain(self, domain: str, org_key: str) -> bool:
        """Forget who owns a domain, if ``org_key`` still does (the migration of CRM-made claims)."""
        try:
            DomainOwner(PK=f"DOMAIN#{domain}", SK="DOMAIN").delete(condition=DomainOwner.org_key == org_key)
        except DeleteError:
            return False
        return True

    def remove_organisation(self, org_key: str) -> None:
        """Delete a global organisation record (only the CRM migration does: nothing else writes them but seeds)."""
        Organisation(PK=f"ORG#{org_key}", SK="ORG").delete()

    def index_crm_contact(self, tenant: str, email: str, provider: str, external_id: str) -> None:
        CrmContactIndex(PK=f"TENANT#{tenant}#CRMCONTACT#{email.lower()}", SK=provider, external_id=external_id).save()

    def crm_contacts_by_email(self, tenant: str, email: str) -> dict[str, str]:
        """{provider: the CRM's contact id} for the contact with this email."""
        items = CrmContactIndex.query(f"TENANT#{tenant}#CRMCONTACT#{email.lower()}")
        return {i.SK: i.external_id for i in items if isinstance(i, CrmContactIndex)}

    # -- metric counters ---------------------------------------------------------------------------

    def add_counts(self, tenant: str, line: str, counts: Mapping[str, float]) -> None:
        """ADD to one counter line (created on first use, so its type is set too)."""
        item = MetricCounter(PK=f"TENANT#{tenant}#METRICS", SK=line)
        actions: list[Action] = [MetricCounter.kind.set(MetricCounter)]
        for name, value in counts.items():
            actions.append(getattr(MetricCounter, name).add(value))
        item.update(actions=actions)

    def counters(self, tenant: str, lines: Sequence[str]) -> dict[str, MetricCounter]:
        keys = [(f"TENANT#{tenant}#METRICS", line) for line in lines]
        return {i.SK: i for i in _batch_get(keys) if isinstance(i, MetricCounter)}

    def counter_lines(self, tenant: str, prefix: str) -> list[MetricCounter]:
        items = MetricCounter.query(f"TENANT#{tenant}#METRICS", MetricCounter.SK.startswith(prefix))
        return [i for i in items if isinstance(i, MetricCounter)]

    def save_target_account(self, target: TargetAccount) -> None:
        target.PK, target.SK = f"TENANT#{target.tenant}#TARGETACCOUNT#{target.org_key}", "TARGET"
        target.GSI1PK, target.GSI1SK = f"TENANT#{target.tenant}#TARGETS", target.org_key
        target.save()

    def target_accounts(self, tenant: str) -> list[TargetAccount]:
        return [t for t in WarmpathItem.gsi1.query(f"TENANT#{tenant}#TARGETS") if isinstance(t, TargetAccount)]

    def mark_converted(self, tenant: str, request_id: str, deal: str, now: datetime) -> bool:
        """An attributed deal reached closed-won: the introduction converted (once)."""
        request = IntroRequest(PK=IntroRequest.partition(tenant, request_id), SK="REQUEST")
        with self._written_once() as (transaction, outcome):
            transaction.update(
                request,
                actions=[IntroRequest.converted_at.set(now), IntroRequest.converted_deal.set(deal)],
                condition=IntroRequest.converted_at.does_not_exist() & (IntroRequest.status == "introduced"),
            )
            transaction.save(_timeline(tenant, request_id, "converted", deal))
        return outcome.written

    # -- rewards ledger -----------------------------------------------------------------------------

    def book_reward(self, entry: RewardEntry, key: str) -> bool:
        """Add a ledger line once (``key`` names it: a trigger, a request, a rule); False when it exists."""
        entry.PK, entry.SK = f"TENANT#{entry.tenant}#REWARDS#{entry.connector_email}", f"ENTRY#{key}"
        entry.GSI1PK, entry.GSI1SK = f"TENANT#{entry.tenant}#REWARDS", f"{entry.at.isoformat()}#{key}"
        return _save_unless(entry, RewardEntry.PK.does_not_exist())

    def ledger_of(self, tenant: str, connector_email: str) -> list[RewardEntry]:
        items = RewardEntry.query(f"TENANT#{tenant}#REWARDS#{connector_email}", RewardEntry.SK.startswith("ENTRY#"))
        return [e for e in items if isinstance(e, RewardEntry)]

    def tenant_ledger(self, tenant: str) -> list[RewardEntry]:
        return [e for e in WarmpathItem.gsi1.query(f"TENANT#{tenant}#REWARDS") if isinstance(e, RewardEntry)]

    def decide_approval(self, ask: Ask, approved: bool, *, jti: str, token_expires_at: int) -> bool:
        """Record an approver's decision once (spending the token); False when the ask was decided before."""
        now = utcnow()
        used = UsedToken(
            PK=f"USED#{jti}", SK="USED", ttl=token_expires_at, outcome="approved" if approved else "declined"
        )
        with self._written_once() as (transaction, outcome):
            transaction.save(used, condition=UsedToken.PK.does_not_exist())
            actions: list[Action] = [Ask.status.set("asked" if approved else "declined")]
            if approved:
                actions.append(Ask.asked_at.set(now))  # the connector's time to answer starts now
            else:
                actions += [Ask.answered_at.set(now), Ask.declined_by_approver.set(True)]
                transaction.update(
                    IntroRequest(PK=ask.PK, SK="REQUEST"),
                    actions=[IntroRequest.status.set("declined"), IntroRequest.updated_at.set(now)],
                    condition=IntroRequest.PK.exists(),
                )
            transaction.update(ask, actions=actions, condition=Ask.status == "awaiting_approval")
            what = "approved" if approved else "declined"
            transaction.save(_timeline(ask.tenant, ask.request_id, what, f"{ask.connector_name} (their approver)"))
        ask.refresh()
        return outcome.written

    def claim_introduction(self, ask: Ask, now: datetime) -> bool:
        """Claim the right to send an accepted ask's introduction; False when it is sent or being sent.

        A claim older than INTRO_CLAIM_TIMEOUT (longer than any function runs) was abandoned by a crashed
        attempt and may be taken over, so an introduction is never lost; a failed send releases its claim.
        """
        stale = now - INTRO_CLAIM_TIMEOUT
        return _update_if(
            ask,
            [Ask.intro_claimed_at.set(now)],
            (Ask.status == "accepted")
            & Ask.introduced_at.does_not_exist()
            # With double opt-in, only once the target said yes.
            & (Ask.target_asked_at.does_not_exist() | (Ask.target_answer == "yes"))
            & (Ask.intro_claimed_at.does_not_exist() | (Ask.intro_claimed_at < stale)),
        )

    def release_introduction(self, ask: Ask) -> None:
        ask.update(actions=[Ask.intro_claimed_at.remove()], condition=Ask.introduced_at.does_not_exist())

    def mark_introduced(self, ask: Ask, now: datetime, requester_email: str) -> bool:
        """Record that the introduction went out (once): the ask, the request's status and the timeline.

        The connector's membership counts it for the requester (ranking's "has introduced you before").
        """
        request = IntroRequest(PK=ask.PK, SK="REQUEST")
        member = Member(*Member.key(ask.tenant, ask.connector_email))
        counted = Member.introduced_for.set((Member.introduced_for | []).append([requester_key(requester_email)]))
        with self._written_once() as (transaction, outcome):
            transaction.update(
                ask,
                actions=[Ask.introduced_at.set(now)],
                condition=(Ask.status == "accepted") & Ask.introduced_at.does_not_exist(),
            )
            transaction.update(
                request,
                actions=[
                    IntroRequest.status.set("introduced"),
                    IntroRequest.updated_at.set(now),
                    IntroRequest.introduced_at.set(now),
                ],
                condition=IntroRequest.PK.exists(),
            )
            transaction.update(member, actions=[counted], condition=Member.PK.exists())
            transaction.save(_timeline(ask.tenant, ask.request_id, "introduced", ask.connector_name))
        return outcome.written

    def tie(self, connector_email: str, person_id: str) -> Relationship | None:
        try:
            return Relationship.get(f"NETWORK#{connector_email}", f"TIE#{person_id}")
        except DoesNotExist:
            return None

    # -- single-use tokens and sessions --------------------------------------------------------

    def spend_token(self, jti: str, expires_at: int, outcome: str | None = None) -> bool:
        """Mark a token used; False when it already was (a double click, a replay)."""
        return _save_unless(_used_token(jti, expires_at, outcome), UsedToken.PK.does_not_exist())

    def token_outcome(self, jti: str) -> UsedToken | None:
        try:
            return UsedToken.get(f"USED#{jti}", "USED")
        except DoesNotExist:
            return None

    def claim_window(self, key: str, window: timedelta, now: datetime) -> bool:
        """True at most once per ``window`` for ``key`` (a conditional write, so concurrent callers agree)."""
        start = int(now.timestamp())
        throttle = Throttle(PK=f"THROTTLE#{key}", SK="THROTTLE", ttl=start + int(window.total_seconds()))
        return _save_unless(throttle, Throttle.PK.does_not_exist() | (Throttle.ttl <= start))

    def create_reply_address(
        self, purpose: str, tenant: str, email: str, expires_at: datetime, ref: str | None = None
    ) -> str:
        reply_id = secrets.token_hex(12)  # lower-case hex: mail systems may fold an address's case
        expires = int(expires_at.timestamp())
        ReplyAddress(
            PK=f"REPLY#{reply_id}", SK="REPLY", purpose=purpose, tenant=tenant, email=email, ttl=expires, ref=ref
        ).save()
        return reply_id

    def reply_address(self, reply_id: str, now: datetime) -> ReplyAddress | None:
        try:
            found = ReplyAddress.get(f"REPLY#{reply_id}", "REPLY")
        except DoesNotExist:
            return None
        return None if found.ttl is not None and found.ttl <= now.timestamp() else found

    def create_session(self, tenant: str, email: str, expires_at: datetime) -> str:
        session_id = secrets.token_urlsafe(32)
        Session(
            PK=f"SESSION#{_hash_session(session_id)}",
            SK="SESSION",
            tenant=tenant,
            email=email,
            ttl=int(expires_at.timestamp()),
        ).save()
        return session_id

    def get_session(self, session_id: str, now: datetime) -> Session | None:
        try:
            session = Session.get(f"SESSION#{_hash_session(session_id)}", "SESSION")
        except DoesNotExist:
            return None
        # DynamoDB deletes expired items lazily; an expired session must not count meanwhile.
        if session.ttl is not None and session.ttl <= now.timestamp():
            return None
        return session

    def delete_session(self, session_id: str) -> None:
        Session(PK=f"SESSION#{_hash_session(session_id)}", SK="SESSION").delete()

    # -- inbound mail --------------------------------------------------------------------------

    def note_reading(self, message_id: str, **fields: Any) -> None:
        """Keep what reading an inbound message concluded (intent, visible text, request, checks)."""
        attributes: dict[str, Any] = {
            "intent": InboundMessage.intent,
            "visible_text": InboundMessage.visible_text,
            "request_id": InboundMessage.request_id,
            "checks": InboundMessage.checks,
        }
        InboundMessage(PK=f"INBOUND#{message_id}", SK="INBOUND").update(
            actions=[attributes[k].set(v) for k, v in fields.items() if v is not None],
            condition=InboundMessage.PK.exists(),
        )

    def get_inbound(self, message_id: str) -> InboundMessage:
        try:
            return InboundMessage.get(f"INBOUND#{message_id}", "INBOUND")
        except DoesNotExist:
            raise NotFound(f"there is no inbound message '{message_id}'") from None

    def record_inbound(self, message: InboundMessage) -> bool:
        """Store an inbound email once; False when SES delivered it before."""
        message.PK = f"INBOUND#{message.message_id}"
        message.SK = "INBOUND"
        return _save_unless(message, InboundMessage.PK.does_not_exist())
