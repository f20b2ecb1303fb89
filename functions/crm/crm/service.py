"""What the CRM's changes do: store each record (newest value of each field wins), then act on it.

- an **account** becomes the tenant's own record of an organisation's name and domain (``CrmOrganisation``,
  never the global organisation records or domain claims, which only connectors' imports and operators' links
  change) whose owner (``crm_owners`` maps CRM user ids to members' emails) receives offers for it;
- a **contact** becomes a person Warmpath can match (email, name, title, organisation);
- a **deal** gets Warmpath's stage (``crm_stages`` maps the CRM's stage names; closed/won flags otherwise)
  and its attribution (``warmpath.attribution``); a change of stage publishes ``DealStageChanged``.

A delivery is applied once: its id is stored with the record in one transaction, and a replay (or a
delivery older than what is stored) changes nothing and announces nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warmpath.core.observability import logger
from warmpath.crm import Change, deal_stage, domain_of
from warmpath.events import DealStageChanged, EventBus, TargetAccountFlagged

if TYPE_CHECKING:
    from warmpath.models import CrmRecord
    from warmpath.repository import Repository

MAX_ATTEMPTS = 5


@dataclass
class Outcome:
    applied: int = 0
    unchanged: int = 0


def process(repo: Repository, bus: EventBus, tenant: str, provider: str, changes: list[Change]) -> Outcome:
    settings = repo.tenant_settings(tenant)
    outcome = Outcome()
    for change in changes:
        applied = apply_change(repo, tenant, provider, change, settings.get("crm_stages") or {})
        if applied is None:
            outcome.unchanged += 1
            continue
        record, previous_stage, previous_fields = applied
        outcome.applied += 1
        if record.record_kind == "account":
            _account(repo, bus, record, settings, previous_fields)
        elif record.record_kind == "contact":
            _contact(repo, record)
        elif record.record_kind == "deal":
            _deal(repo, bus, record, previous_stage, settings)
    return outcome


def apply_change(
    repo: Repository, tenant: str, provider: str, change: Change, stages: dict[str, str]
) -> tuple[CrmRecord, str | None, dict[str, str]] | None:
    """Merge one change into the stored record; None when it changed nothing (a replay, or older news).

    Returns the record, its stage before and its fields before.
    """
    from warmpath.models import CrmRecord

    for _ in range(MAX_ATTEMPTS):
        record = repo.get_crm_record(tenant, change.kind, provider, change.external_id)
        previous_version = int(record.version) if record is not None else None
        if record is None:
            record = CrmRecord(tenant=tenant, provider=provider, record_kind=change.kind,
                               external_id=change.external_id, modified_at=change.modified_at)  # fmt: skip
        fields, times = _plain(record.fields), _plain(record.field_times)
        before = dict(fields)
        changed = False
        for name, value in change.fields.items():
            stamp = times.get(name)
            if stamp is None or datetime.fromisoformat(stamp) < change.modified_at:
                changed = changed or fields.get(name) != value
                fields[name], times[name] = value, change.modified_at.isoformat()
        if previous_version is not None and not changed:
            repo.mark_delivery(tenant, provider, change.delivery_id)
            return None
        previous_stage = record.stage
        record.fields, record.field_times = fields, times  # type: ignore[assignment]
        record.modified_at = max(record.modified_at, change.modified_at)
        record.version = (previous_version or 0) + 1
        if change.kind == "deal":
            record.stage = deal_stage(fields, stages)
        result = repo.save_crm_record(record, delivery=change.delivery_id, previous_version=previous_version)
        if result == "saved":
            return record, previous_stage, before
        if result == "duplicate":
            return None
    raise RuntimeError(f"the {change.kind} {change.external_id} kept changing under us; retry the delivery")


def _plain(attribute: Any) -> dict[str, str]:
    values = attribute.as_dict() if hasattr(attribute, "as_dict") else dict(attribute or {})
    return {str(k): str(v) for k, v in values.items()}


def _account(
    repo: Repository, bus: EventBus, record: CrmRecord, settings: dict[str, Any], before: dict[str, str]
) -> None:
    from warmpath.identity import organisation_key

    fields = _plain(record.fields)
    was_target = before.get("target", "").lower() == "true"
    if not fields.get("name", "").strip():
        return
    org_key = organisation_key(fields["name"])
    account = (record.provider, record.external_id)
    renamed = organisation_key(before["name"]) if before.get("name") else None
    if renamed and renamed != org_key:
        repo.remove_crm_organisation(record.tenant, renamed, account)
    repo.put_crm_organisation(record.tenant, org_key, account, fields["name"], domain_of(fields.get("website", "")))
    owner = (settings.get("crm_owners") or {}).get(fields.get("owner", ""))
    if owner:
        repo.set_account_owner(record.tenant, org_key, owner)
    if fields.get("target", "").lower() == "true" and not was_target:
        # Matching finds who has ties there, so reps see the warm paths before they ask.
        bus.publish(TargetAccountFlagged(tenant=record.tenant, organisation=fields["name"],
                                         account=f"{record.provider}:{record.external_id}"))  # fmt: skip


def _contact(repo: Repository, record: CrmRecord) -> None:
    """Make the contact a person matching can find (unless someone's network already has them)."""
    from warmpath.identity import claim_keys, person_id_for
    from warmpath.models import Person

    fields = _plain(record.fields)
    if fields.get("email"):
        repo.index_crm_contact(record.tenant, fields["email"], record.provider, record.external_id)
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    account = repo.find_crm_record(record.tenant, "account", fields["account"]) if fields.get("account") else None
    organisation = _plain(account.fields).get("name", "") if account is not None else fields.get("company", "")
    claims = claim_keys(email=fields.get("email"), name=name, organisation=organisation)
    if not claims or repo.resolve_claims(claims):
        return
    person_id = person_id_for(email=fields.get("email"), linkedin_url=None, name=name, organisation=organisation)
    repo.put_people([Person(person_id=person_id, name=name or fields.get("email", ""), title=fields.get("title"),
                            organisation=organisation or None, claims=set(claims))])  # fmt: skip


def _deal(
    repo: Repository,
    bus: EventBus,
    record: CrmRecord,
    previous_stage: str | None,
    settings: dict[str, Any],
) -> None:
    from warmpath.attribution import attribute, window_days

    found = attribute(repo, record, window_days(settings))
    newly_attributed = found is not None and found.request_id != record.request_id
    if found is not None and (found.request_id, found.kind) != (record.request_id, record.attribution):
        record.update(
            actions=[
                type(record).request_id.set(found.request_id),
                type(record).attribution.set(found.kind),
                type(record).attributed_by.set(found.by),
            ]
        )
        logger.info("deal attributed", extra={"request_id": found.request_id, "by": found.by, "kind": found.kind})
    # A deal attributed only now, already won (its contact arrived after its stage), converts now too.
    if record.stage != previous_stage or (newly_attributed and record.stage == "closed_won"):
        bus.publish(
            DealStageChanged(
                tenant=record.tenant,
                deal=f"{record.provider}:{record.external_id}",
                stage=record.stage or "open",
                previous_stage=previous_stage,
                request_id=record.request_id,
                version=int(record.version),
            )
        )
