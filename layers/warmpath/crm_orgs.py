"""Moving what CRMs once wrote globally into their tenants (``warmpath crm migrate-orgs``, run once per stage).

CRM syncs used to write every account into the global organisation records (``ORG#<key>``) and claim its
website's domain (``DOMAIN#<domain>``), so one tenant's CRM renamed organisations and owned domains for every
tenant -- and a connector's import then linked *their* organisation to the CRM's name (``same_domain``).
Accounts now write only the tenant's ``CrmOrganisation``. The migration, idempotent (a second run finds
nothing to do):

1. **copies** every tenant's CRM accounts (their ``CrmRecord``, which keeps the newest name and website the
   CRM sent) into that tenant's ``CrmOrganisation`` items: nothing a CRM said is lost;
2. **releases** a domain claim a CRM made: one whose owner is a CRM account's organisation that no
   connector has any tie at (an import claims a domain only for an organisation with people in someone's
   network, so such a claim can only have come from a CRM), with the ``same_domain`` links imports drew
   to it because of that claim; the next import of anyone with people at the domain claims it afresh;
3. **removes** a global organisation record that is exactly what a CRM wrote (same name and domain) for
   an organisation no connector has ties at. Records connectors' data supports are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from warmpath.crm_values import domain_of
from warmpath.identity import organisation_key

if TYPE_CHECKING:
    from warmpath.repository import Repository


@dataclass
class Migrated:
    copied: int = 0  # CRM accounts written into their tenant
    domains_released: list[str] = field(default_factory=list)
    links_removed: int = 0
    organisations_removed: list[str] = field(default_factory=list)


def migrate_crm_organisations(repo: Repository) -> Migrated:
    result = Migrated()
    written: dict[str, set[tuple[str, str | None]]] = {}  # org key -> (name, domain) as CRMs wrote them
    for record in repo.every_crm_account():
        fields = record.fields.as_dict() if hasattr(record.fields, "as_dict") else dict(record.fields)
        name = str(fields.get("name") or "").strip()
        if not name:
            continue
        org_key, domain = organisation_key(name), domain_of(str(fields.get("website") or ""))
        repo.put_crm_organisation(record.tenant, org_key, (record.provider, record.external_id), name, domain)
        written.setdefault(org_key, set()).add((name, domain))
        result.copied += 1
    for org_key, values in sorted(written.items()):
        if repo.connectors_at(org_key):
            continue  # connectors' own data knows this organisation: its records are theirs
        for domain in sorted({d for _, d in values if d}):
            if repo.release_domain(domain, org_key):
                result.domains_released.append(domain)
                for link in repo.org_links(org_key):
                    if link.relation == "same_domain" and link.evidence.endswith(f"@{domain}"):
                        repo.remove_org_link(link.a, link.b)
                        result.links_removed += 1
        organisation = repo.get_organisation(org_key)
        if organisation is not None and (organisation.name, organisation.domain) in values:
            repo.remove_organisation(org_key)
            result.organisations_removed.append(org_key)
    return result
