"""One check of a tenant's whole ``settings`` map, used by the admin's settings page and the CLI alike.

``effective(settings)`` reads every group the way its owner reads it at run time (ranking and fatigue,
email timings and branding, reward rules, attribution window, analytics) and returns what will apply; a bad
value raises ``ValueError`` naming the key and what to fix, so a caller saves only a map that passed.

CRM connections are not settings: their secrets live in SSM (``crm_parameter``), never in the tenant's
item, and ``store_crm_connection`` is the one writer (the CLI's ``crm configure`` and the settings page).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from warmpath.crm_config import crm_parameter, forget_not_configured

CRM_PROVIDERS = ("salesforce", "hubspot", "webhook")


def effective(settings: dict[str, Any]) -> dict[str, Any]:
    """What the settings mean once defaults are filled in; ValueError says what to fix."""
    from warmpath.analytics import contribution_weights
    from warmpath.attribution import window_days
    from warmpath.mail_settings import MailSettings
    from warmpath.ranking import RankingSettings
    from warmpath.rewards import rules_from

    try:
        ranking = RankingSettings.from_tenant(settings)
    except TypeError as error:
        raise ValueError(str(error)) from None
    mail = MailSettings.from_tenant(settings)
    rules = rules_from(settings)
    window = window_days(settings)
    for key in ("crm_stages", "crm_owners"):
        if not isinstance(settings.get(key, {}), dict):
            raise ValueError(f"{key} must be an object (CRM value -> Warmpath value)")
    if not isinstance(settings.get("leaderboard_hidden", False), bool):
        raise ValueError("leaderboard_hidden must be true or false")
    return {
        "asks_per_30_days": ranking.fatigue.asks_per_30_days,
        "decline_cooldown_days": ranking.fatigue.decline_cooldown_days,
        "weights": dict(ranking.weights),
        "reference_weights": dict(ranking.reference_weights),
        "mail": dataclasses.asdict(mail),
        "rewards": [dataclasses.asdict(r) for r in rules],
        "attribution_window_days": window,
        "contribution_weights": contribution_weights(settings),
        "leaderboard_hidden": bool(settings.get("leaderboard_hidden", False)),
    }


# -- CRM connections -------------------------------------------------------------------------------------


def crm_connection_value(
    provider: str,
    *,
    secret: str = "",
    org_id: str = "",
    writeback: bool = False,
    access_token: str = "",
    instance_url: str = "",
) -> dict[str, Any]:
    """The SSM value for one provider's connection; ValueError says what is missing.

    Salesforce's ``secret`` is not typed but generated here (``secrets.token_urlsafe(32)``): it is the
    endpoint key its Outbound Messages must carry (``salesforce_endpoint_url``). Connecting again makes a new
    one, and the old endpoint URL stops working (within the functions' five-minute connection cache). A
    write-back instance URL must be the provider's own API host (``warmpath.crm_http.instance_url``)."""
    import secrets

    from warmpath.crm_http import instance_url as checked_instance_url

    if provider not in CRM_PROVIDERS:
        raise ValueError(f"the CRM must be one of {', '.join(CRM_PROVIDERS)}")
    if provider == "salesforce":
        if len(org_id) not in (15, 18) or not (org_id.isascii() and org_id.isalnum()):
            raise ValueError("Salesforce needs its Organization ID: 15 or 18 letters and digits")
        if secret:
            raise ValueError("Salesforce's endpoint key is generated for you: leave the signing secret empty")
        value: dict[str, Any] = {"org_id": org_id, "secret": secrets.token_urlsafe(32)}
    else:
        if len(secret) < 16:
            raise ValueError(f"{provider} needs a signing secret of at least 16 characters")
        value = {"secret": secret}
    if instance_url and provider != "salesforce":
        raise ValueError("only Salesforce takes an instance URL (HubSpot's API address is fixed)")
    if writeback:
        if provider == "webhook" or not access_token:
            raise ValueError("write-back needs Salesforce or HubSpot and its API access token")
        if provider == "salesforce" and not instance_url:
            raise ValueError("Salesforce write-back needs the instance URL, https://<your domain>.my.salesforce.com")
        value |= {"writeback": True, "access_token": access_token}
    if instance_url:
        value["instance_url"] = checked_instance_url(provider, instance_url)
    return value


def has_endpoint_key(config: dict[str, Any]) -> bool:
    """A Salesforce connection made with a generated endpoint key (one stored before keys has none)."""
    return isinstance(config.get("secret"), str) and len(config["secret"]) >= 32


def salesforce_endpoint_url(tenant: str, secret: str) -> str:
    """The Outbound Message endpoint URL to paste into Salesforce: it carries the key, so it is shown once."""
    from urllib.parse import quote

    from warmpath.core.config import get_settings

    return f"{get_settings().public_base_url}/crm/{quote(tenant, safe='')}/salesforce?key={quote(secret, safe='')}"


def store_crm_connection(tenant: str, provider: str, value: dict[str, Any]) -> str:
    """Write the connection as an SSM SecureString (overwriting the last one); returns the parameter's name."""
    import boto3

    name = crm_parameter(tenant, provider)

    boto3.client("ssm").put_parameter(Name=name, Value=json.dumps(value), Type="SecureString", Overwrite=True)
    forget_not_configured(tenant, provider)
    return name


def crm_connections(tenant: str, *, endpoint_key: str | None = None) -> list[dict[str, Any]]:
    """Each provider, whether it is connected (or must be connected again) and whether write-back is on --
    never a secret, except Salesforce's ``endpoint_url`` when ``endpoint_key`` is the stored key (the page
    that has just connected it shows it once)."""
    import boto3

    names = {crm_parameter(tenant, p): p for p in CRM_PROVIDERS}
    found = boto3.client("ssm").get_parameters(Names=list(names), WithDecryption=True)
    status = {
        p: {"provider": p, "connected": False, "writeback": False, "reconnect": False, "endpoint_url": ""}
        for p in CRM_PROVIDERS
    }
    for parameter in found.get("Parameters", []):
        provider = names[parameter["Name"]]
        try:
            value = json.loads(parameter["Value"])
        except ValueError:
            value = {}
        value = value if isinstance(value, dict) else {}
        status[provider] = {
            "provider": provider,
            "connected": True,
            "writeback": bool(value.get("writeback")),
            # Salesforce connected before endpoint keys: every delivery is refused until it is connected again.
            "reconnect": provider == "salesforce" and not has_endpoint_key(value),
            "endpoint_url": "",
            "changed": parameter.get("LastModifiedDate"),
        }
        if provider == "salesforce" and endpoint_key and has_endpoint_key(value) and value["secret"] == endpoint_key:
            status[provider]["endpoint_url"] = salesforce_endpoint_url(tenant, endpoint_key)
    return list(status.values())
