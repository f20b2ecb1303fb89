"""CRM webhooks in: verifying each provider's delivery and reading it as changes to accounts, contacts and deals.

Three ways in, one shape out (``Change``: which record, when the CRM changed it, which fields):

- **Salesforce Outbound Messages** (SOAP ``notifications``, namespace ``http://soap.sforce.com/2005/09/outbound``).
  Outbound Messages cannot be signed, and an org id is no secret (it is in every Web-to-Lead form), so each
  delivery needs the tenant's **endpoint key** (``?key=``, generated when Salesforce is connected, compared in
  constant time) *and* the ``OrganizationId`` of the tenant's org (15- and 18-character ids compare on their
  case-sensitive first 15); each ``Notification/Id`` is the delivery id.
  Parsed with defusedxml (no entities, no external references).
- **HubSpot** webhooks, signature v3: base64 HMAC-SHA256 of method + URI + body + timestamp (milliseconds),
  accepted within five minutes; a batch is a JSON array of events, each its own delivery (``eventId``).
- **Generic JSON** (Salesforce Flow HTTP callouts, anything else): ``X-Warmpath-Timestamp`` (Unix seconds) and
  ``X-Warmpath-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">``, accepted within five minutes;
  body ``{"events": [{"id", "type": account|contact|deal, "external_id", "modified_at", "fields": {...}}]}``.

Field names are mapped to Warmpath's (``FIELDS``); anything else is ignored. Bad input raises
``CrmInputError`` with what to fix; a bad signature raises ``SignatureError`` (401, nothing stored).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from warmpath.crm_config import tenant_config as tenant_config
from warmpath.crm_values import DEFAULT_STAGES as DEFAULT_STAGES
from warmpath.crm_values import checked, text_of
from warmpath.crm_values import deal_amount as deal_amount
from warmpath.crm_values import deal_stage as deal_stage
from warmpath.crm_values import domain_of as domain_of

SALESFORCE_NS = "http://soap.sforce.com/2005/09/outbound"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SIGNATURE_WINDOW_SECONDS = 300
KINDS = ("account", "contact", "deal")

# Each provider's field names -> Warmpath's, per kind of record.
# fmt: off
FIELDS: dict[str, dict[str, dict[str, str]]] = {
    "salesforce": {
        "account": {"Name": "name", "Website": "website", "OwnerId": "owner", "Warmpath_Target__c": "target"},
        "contact": {
            "Email": "email",
            "FirstName": "first_name",
            "LastName": "last_name",
            "Title": "title",
            "AccountId": "account",
            "Company": "company",
        },
        "deal": {
            "Name": "name",
            "StageName": "stage",
            "Amount": "amount",
            "CurrencyIsoCode": "currency",
            "CloseDate": "close_date",
            "OwnerId": "owner",
            "IsWon": "won",
            "IsClosed": "closed",
            "AccountId": "account",
            "ContactId": "contact",
            "Warmpath_Request_Id__c": "request_id",
            "CreatedDate": "created_at",
        },
    },
    "hubspot": {
        "account": {"name": "name", "domain": "website", "hubspot_owner_id": "owner", "warmpath_target": "target"},
        "contact": {
            "email": "email",
            "firstname": "first_name",
            "lastname": "last_name",
            "jobtitle": "title",
            "associatedcompanyid": "account",
            "company": "company",
        },
        "deal": {
            "dealname": "name",
            "dealstage": "stage",
            "amount": "amount",
            "deal_currency_code": "currency",
            "closedate": "close_date",
            "hubspot_owner_id": "owner",
            "associatedcompanyid": "account",
            "associatedcontactid": "contact",
            "warmpath_request_id": "request_id",
            "createdate": "created_at",
        },
    },
}
SALESFORCE_TYPES = {"Account": "account", "Contact": "contact", "Lead": "contact", "Opportunity": "deal"}
HUBSPOT_TYPES = {"company": "account", "contact": "contact", "deal": "deal"}
HUBSPOT_ASSOCIATIONS = {
    "DEAL_TO_CONTACT": "associatedcontactid",
    "DEAL_TO_COMPANY": "associatedcompanyid",
    "CONTACT_TO_COMPANY": "associatedcompanyid",
}
GENERIC_FIELDS = {
    "account": ("name", "website", "owner", "target"),
    "contact": ("email", "first_name", "last_name", "title", "account", "company"),
    "deal": (
        "name",
        "stage",
        "amount",
        "currency",
        "close_date",
        "owner",
        "won",
        "closed",
        "account",
        "contact",
        "request_id",
        "created_at",
    ),
}


class CrmInputError(ValueError):
    """A delivery we cannot read: the message says what to fix."""


class SignatureError(ValueError):
    """A delivery whose signature, timestamp or organisation does not check out."""


@dataclass(frozen=True)
class Change:
    """One record's fields as the CRM had them at ``modified_at`` (a partial update may carry a few)."""

    delivery_id: str  # the provider's id of this notification or event: the idempotency key
    kind: str  # account, contact, deal
    external_id: str  # the CRM's id of the record
    modified_at: datetime
    fields: dict[str, str] = field(default_factory=dict)
    dropped: tuple[tuple[str, str], ...] = ()  # (field, reason) for values refused (``warmpath.crm_values``)


# -- signatures ----------------------------------------------------------------------------------------


def _fresh(timestamp_seconds: float, now: datetime) -> None:
    if abs(now.timestamp() - timestamp_seconds) > SIGNATURE_WINDOW_SECONDS:
        raise SignatureError("the request's timestamp is more than five minutes from now")


def _timestamp(text: str, digits: int, header: str) -> int:
    """A header's Unix time: ASCII digits only, and no longer than a real one (no 400-digit numbers)."""
    if not (text.isascii() and text.isdigit() and len(text) <= digits):
        raise SignatureError(f"{header} must be the time in whole {'milliseconds' if digits > 12 else 'seconds'}")
    return int(text)


def same_secret(expected: str, supplied: str) -> bool:
    """Constant-time comparison of a secret or signature as bytes: any text supplied (non-ASCII too) is
    compared, never raises."""
    return hmac.compare_digest(expected.encode("utf-8", "surrogatepass"), supplied.encode("utf-8", "surrogatepass"))


# HubSpot decodes only these escapes in the URI it signs (its documentation's list).
_HUBSPOT_DECODED = ("%3A", "%2F", "%3F", "%40", "%21", "%24", "%27", "%28", "%29", "%2A", "%2C", "%3B")


def hubspot_uri(uri: str) -> str:
    for escape in _HUBSPOT_DECODED:
        uri = uri.replace(escape, unquote(escape)).replace(escape.lower(), unquote(escape))
    return uri


def hubspot_signature(
    version: str, secret: str, *, method: str = "", uri: str = "", body: str = "", timestamp: str = ""
) -> str:
    """HubSpot's request signature of each version. Only v3 is accepted on requests: v1 and v2 sign no
    timestamp, so a captured request could be replayed for ever."""
    if version == "v1":
        return hashlib.sha256(f"{secret}{body}".encode()).hexdigest()
    if version == "v2":
        return hashlib.sha256(f"{secret}{method}{uri}{body}".encode()).hexdigest()
    message = f"{method}{hubspot_uri(uri)}{body}{timestamp}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def verify_hubspot(
    secret: str, method: str, uri: str, body: str, timestamp: str, signature: str, now: datetime
) -> None:
    """Raise SignatureError unless ``signature`` is HubSpot's v3 signature of this request, made recently."""
    if not timestamp or not signature:
        raise SignatureError("X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required")
    _fresh(_timestamp(timestamp, 16, "X-HubSpot-Request-Timestamp") / 1000, now)
    expected = hubspot_signature("v3", secret, method=method, uri=uri, body=body, timestamp=timestamp)
    if not same_secret(expected, signature):
        raise SignatureError("the HubSpot signature does not match")


def generic_signature(secret: str, timestamp: str, body: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def verify_generic(secret: str, timestamp: str, body: str, signature: str, now: datetime) -> None:
    if not timestamp or not signature:
        raise SignatureError("X-Warmpath-Timestamp and X-Warmpath-Signature are required")
    _fresh(_timestamp(timestamp, 12, "X-Warmpath-Timestamp"), now)
    if not same_secret(generic_signature(secret, timestamp, body), signature):
        raise SignatureError("the signature does not match")


def same_salesforce_org(configured: str, received: str) -> bool:
    """Salesforce ids come in 15 (case-sensitive) and 18 characters (with a checksum suffix)."""
    configured, received = configured.strip(), received.strip()
    return len(configured) >= 15 and len(received) >= 15 and same_secret(configured[:15], received[:15])


# -- reading deliveries ------------------------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (Salesforce, generic) or milliseconds since the epoch (HubSpot); None when absent."""
    if value in (None, ""):
        return None
    text = str(value)[:40]
    try:
        if text.isascii() and text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise CrmInputError(f"{text!r} is not a date and time (ISO 8601 or milliseconds)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SalesforceMessage:
    organization_id: str
    changes: list[Change]


def parse_salesforce(body: bytes) -> SalesforceMessage:
    """Read an Outbound Message; objects of types we do not use are skipped."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(body.removeprefix(b"\xef\xbb\xbf"))
    except (ElementTree.ParseError, DefusedXmlException, LookupError, ValueError) as error:  # LookupError: encoding
        raise CrmInputError(f"the body is not a Salesforce Outbound Message (XML): {error}") from None
    notifications = root.find(f".//{{{SALESFORCE_NS}}}notifications")
    if notifications is None:
        raise CrmInputError("no <notifications> element in the SOAP body")
    organization = (notifications.findtext(f"{{{SALESFORCE_NS}}}OrganizationId") or "").strip()
    changes: list[Change] = []
    for notification in notifications.findall(f"{{{SALESFORCE_NS}}}Notification"):
        delivery = (notification.findtext(f"{{{SALESFORCE_NS}}}Id") or "").strip()
        sobject = notification.find(f"{{{SALESFORCE_NS}}}sObject")
        if sobject is None or not delivery:
            raise CrmInputError("every <Notification> needs an <Id> and an <sObject>")
        object_type = (sobject.get(f"{{{XSI_NS}}}type") or "").split(":")[-1]
        kind = SALESFORCE_TYPES.get(object_type)
        values = {child.tag.split("}")[-1]: (child.text or "").strip() for child in sobject}
        if kind is None:
            continue
        if not values.get("Id"):
            raise CrmInputError(f"the {object_type} in notification {delivery} has no Id")
        modified = parse_time(
            values.get("LastModifiedDate") or values.get("SystemModstamp") or values.get("CreatedDate")
        )
        fields, dropped = _mapped("salesforce", kind, values)
        changes.append(
            Change(
                delivery_id=_id(delivery, "a <Notification> <Id>"),
                kind=kind,
                external_id=_id(values["Id"], f"the {object_type}'s Id"),
                modified_at=modified or datetime.now(UTC),
                fields=fields,
                dropped=dropped,
            )
        )
    return SalesforceMessage(organization_id=organization, changes=changes)


def parse_hubspot(body: str) -> list[Change]:
    """A batch of HubSpot events: each sets one property (or creates a record) as of ``occurredAt``."""
    events = _json(body)
    if not isinstance(events, list):
        raise CrmInputError("a HubSpot delivery is a JSON array of events")
    changes: list[Change] = []
    for index, event in enumerate(events):
        if not isinstance(event, dict) or "eventId" not in event:
            raise CrmInputError(f"event {index} needs an eventId")
        object_type, _, action = str(event.get("subscriptionType", "")).partition(".")
        kind = HUBSPOT_TYPES.get(object_type)
        if kind is None:
            continue
        values: dict[str, Any] = {}
        if action == "associationChange":
            # A deal associated with a contact or a company: the only link a HubSpot webhook carries.
            linked = HUBSPOT_ASSOCIATIONS.get(str(event.get("associationType", "")))
            if linked is None or event.get("associationRemoved") or "fromObjectId" not in event:
                continue
            event = {**event, "objectId": event["fromObjectId"]}
            values[linked] = event.get("toObjectId")
        elif "objectId" not in event:
            raise CrmInputError(f"event {index} needs an objectId")
        if event.get("propertyName"):
            values[str(event["propertyName"])] = event.get("propertyValue")
        fields, dropped = _mapped("hubspot", kind, values)
        changes.append(
            Change(
                delivery_id=_id(event["eventId"], f"event {index}'s eventId"),
                kind=kind,
                external_id=_id(event["objectId"], f"event {index}'s objectId"),
                modified_at=parse_time(event.get("occurredAt")) or datetime.now(UTC),
                fields=fields,
                dropped=dropped,
            )
        )
    return changes


def parse_generic(body: str) -> list[Change]:
    document = _json(body)
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        raise CrmInputError('the body must be {"events": [...]}')
    changes: list[Change] = []
    for index, event in enumerate(events):
        where = f"events[{index}]"
        if not isinstance(event, dict):
            raise CrmInputError(f"{where} must be an object")
        missing = [k for k in ("id", "type", "external_id", "modified_at") if not event.get(k)]
        if missing:
            raise CrmInputError(f"{where} needs {', '.join(missing)}")
        kind = str(event["type"])
        if kind not in KINDS:
            raise CrmInputError(f"{where}.type must be one of {', '.join(KINDS)}")
        fields = event.get("fields") or {}
        if not isinstance(fields, dict):
            raise CrmInputError(f"{where}.fields must be an object")
        unknown = sorted(set(fields) - set(GENERIC_FIELDS[kind]))
        if unknown:
            raise CrmInputError(f"{where}.fields has unknown field(s) {', '.join(unknown)} for a {kind}")
        modified = parse_time(event["modified_at"])
        kept, dropped = checked(fields)
        changes.append(
            Change(
                delivery_id=_id(event["id"], f"{where}.id"),
                kind=kind,
                external_id=_id(event["external_id"], f"{where}.external_id"),
                modified_at=modified or datetime.now(UTC),
                fields=kept,
                dropped=dropped,
            )
        )
    return changes


def _json(body: str) -> Any:
    try:
        document = json.loads(body)
        json.dumps(document, ensure_ascii=False).encode()  # a lone surrogate escape cannot be stored
    except json.JSONDecodeError as error:
        raise CrmInputError(f"the body is not JSON: {error.msg} at line {error.lineno}") from None
    except UnicodeEncodeError:
        raise CrmInputError("the body has a \\u escape that is not a character (a lone surrogate)") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, or nesting thousands deep
        raise CrmInputError("the body is not JSON we can read: a number or nesting too large") from None
    return document


MAX_ID = 255


def _id(value: Any, what: str) -> str:
    text = text_of(value).strip()
    if not text or len(text) > MAX_ID:
        raise CrmInputError(f"{what} must be from 1 to {MAX_ID} characters")
    return text


def _mapped(provider: str, kind: str, values: dict[str, Any]) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    names = FIELDS[provider][kind]
    return checked({names[k]: v for k, v in values.items() if k in names})
