"""Which introduction a CRM deal came from, and whether it sourced or influenced it.

In order, the first that finds an introduced request of the tenant wins:

1. **the request id field** on the deal (``Warmpath_Request_Id__c`` in Salesforce, ``warmpath_request_id``
   in HubSpot, ``request_id`` in the generic webhook): the rep said so;
2. **an introduced contact**: the deal's contact is the person an introduction was made to (same email);
3. **the account's domain**: the deal's account has the domain (or the name) of an introduction's target
   organisation, and the deal was created within ``attribution_window_days`` (tenant setting, default 90)
   after that introduction.

A deal created after the introduction was **sourced** by it; one that existed before was **influenced**.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warmpath.crm import domain_of, parse_time
from warmpath.identity import organisation_key, work_domain

if TYPE_CHECKING:
    from warmpath.models import CrmRecord, IntroRequest
    from warmpath.repository import Repository

DEFAULT_WINDOW_DAYS = 90
INTRODUCED_SCAN = 500  # the tenant's newest requests searched for introductions


@dataclass(frozen=True)
class Attribution:
    request_id: str
    kind: str  # sourced, influenced
    by: str  # request id field, introduced contact, account domain


def window_days(settings: dict[str, Any] | None) -> int:
    value = (settings or {}).get("attribution_window_days", DEFAULT_WINDOW_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 730:
        raise ValueError("attribution_window_days must be a whole number of days from 1 to 730")
    return value


def _introduced_at(request: IntroRequest) -> datetime:
    return request.introduced_at or request.updated_at


def _kind(request: IntroRequest, deal_created: datetime | None) -> str:
    return "sourced" if deal_created is None or deal_created >= _introduced_at(request) else "influenced"


def attribute(repo: Repository, deal: CrmRecord, window: int) -> Attribution | None:
    fields = dict(deal.fields.as_dict()) if hasattr(deal.fields, "as_dict") else dict(deal.fields)
    created = parse_time(fields.get("created_at")) or deal.modified_at
    introduced = [r for r in repo.list_requests(deal.tenant, limit=INTRODUCED_SCAN) if r.status == "introduced"]
    if not introduced:
        return None
    by_id = {r.request_id: r for r in introduced}
    explicit = fields.get("request_id", "").strip()
    if explicit in by_id:
        return Attribution(explicit, _kind(by_id[explicit], created), "request id field")
    contact = repo.find_crm_record(deal.tenant, "contact", fields["contact"]) if fields.get("contact") else None
    email = str(contact.fields.as_dict().get("email", "")).lower() if contact is not None else ""
    if email:
        for request in introduced:
            if (request.target_email or "").lower() == email:
                return Attribution(request.request_id, _kind(request, created), "introduced contact")
    account = repo.find_crm_record(deal.tenant, "account", fields["account"]) if fields.get("account") else None
    if account is None:
        return None
    account_fields = account.fields.as_dict()
    domain = domain_of(str(account_fields.get("website", "")))
    name_key = organisation_key(str(account_fields.get("name", ""))) if account_fields.get("name") else None
    for request in sorted(introduced, key=_introduced_at, reverse=True):
        same_domain = domain is not None and work_domain(request.target_email) == domain
        same_name = name_key is not None and organisation_key(request.target_company) == name_key
        if not (same_domain or same_name):
            continue
        if created - _introduced_at(request) <= timedelta(days=window):
            return Attribution(request.request_id, _kind(request, created), "account domain")
    return None
