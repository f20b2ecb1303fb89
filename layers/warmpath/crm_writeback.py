"""Write-back to the CRM: an activity on the contact (and deal) when an introduction is made or its outcome
is recorded. Off unless the tenant's CRM secret says ``"writeback": true`` with its API credentials.

Two adapters behind one port (``ActivityLog``):

- **Salesforce REST**: ``POST {instance_url}/services/data/v60.0/sobjects/Task`` with ``WhoId`` (the
  contact) and ``WhatId`` (the opportunity), a completed task dated today; answers 201 ``{"id", "success"}``.
- **HubSpot**: ``POST https://api.hubapi.com/crm/v3/objects/notes`` with ``hs_timestamp`` and ``hs_note_body``,
  associated with the contact (association type 202) and the deal (214); answers 201 ``{"id"}``.

Both take a bearer token (a HubSpot private app token; a Salesforce access token from the tenant's
connected app -- refreshing it is left to the operator for now). HTTP goes through the ``Http`` port, so
tests replay recorded exchanges and nothing here ever calls a live API in tests; the real one is
``warmpath.crm_http.GuardedHttp`` (the providers' hosts only, public addresses only, no redirects). A stored
Salesforce instance URL off the allow-list (saved before it existed) turns write-back off, with a warning.
Failures carry the status, never the CRM's answer (it may echo the request) or the token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from warmpath.crm_http import WritebackFailed as WritebackFailed

SALESFORCE_API = "v60.0"
HUBSPOT_NOTES = "https://api.hubapi.com/crm/v3/objects/notes"
HUBSPOT_NOTE_TO_CONTACT = 202
HUBSPOT_NOTE_TO_DEAL = 214


@dataclass(frozen=True)
class Activity:
    subject: str
    description: str
    when: datetime
    contact_id: str | None = None  # the CRM's id of the contact
    deal_id: str | None = None  # the CRM's id of the opportunity / deal


class Http(Protocol):
    def post(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]: ...


class ActivityLog(Protocol):
    def log(self, activity: Activity) -> str: ...


def _post_json(http: Http, url: str, token: str, payload: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}
    status, body = http.post(url, headers, json.dumps(payload, separators=(",", ":")).encode())
    if status not in (200, 201):
        raise WritebackFailed(
            f"the CRM answered {status}" + (" (a redirect: not followed)" if 300 <= status < 400 else "")
        )
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        raise WritebackFailed(f"the CRM answered {status} with something that is not JSON") from None
    if not isinstance(answer, dict) or "id" not in answer:
        raise WritebackFailed(f"the CRM answered {status} without the id of what it created")
    return answer


class SalesforceActivities:
    def __init__(self, instance_url: str, access_token: str, http: Http) -> None:
        self.url = f"{instance_url.rstrip('/')}/services/data/{SALESFORCE_API}/sobjects/Task"
        self.token, self.http = access_token, http

    def log(self, activity: Activity) -> str:
        task: dict[str, Any] = {
            "Subject": activity.subject[:255],
            "Description": activity.description,
            "Status": "Completed",
            "ActivityDate": activity.when.date().isoformat(),
        }
        if activity.contact_id:
            task["WhoId"] = activity.contact_id
        if activity.deal_id:
            task["WhatId"] = activity.deal_id
        return str(_post_json(self.http, self.url, self.token, task)["id"])


class HubSpotActivities:
    def __init__(self, access_token: str, http: Http) -> None:
        self.token, self.http = access_token, http

    def log(self, activity: Activity) -> str:
        targets = ((activity.contact_id, HUBSPOT_NOTE_TO_CONTACT), (activity.deal_id, HUBSPOT_NOTE_TO_DEAL))
        associations = [
            {"to": {"id": object_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": kind}]}
            for object_id, kind in targets
            if object_id
        ]
        note = {
            "properties": {
                "hs_timestamp": activity.when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "hs_note_body": f"{activity.subject}\n\n{activity.description}",
            },
            "associations": associations,
        }
        return str(_post_json(self.http, HUBSPOT_NOTES, self.token, note)["id"])


def activity_log(provider: str, config: dict[str, Any], http: Http | None = None) -> ActivityLog | None:
    """The tenant's adapter, or None when write-back is off (the default) or not fully configured."""
    if not config.get("writeback") or not config.get("access_token"):
        return None
    from warmpath.crm_http import GuardedHttp, instance_url

    transport = http or GuardedHttp()
    if provider == "salesforce":
        try:
            url = instance_url("salesforce", str(config.get("instance_url", "")))
        except ValueError:
            from warmpath.core.observability import logger

            logger.warning("salesforce write-back off: the stored instance URL is not a Salesforce address")
            return None
        return SalesforceActivities(url, str(config["access_token"]), transport)
    if provider == "hubspot":
        return HubSpotActivities(str(config["access_token"]), transport)
    return None
