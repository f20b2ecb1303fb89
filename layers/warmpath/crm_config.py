"""A tenant's CRM connection as the webhooks read it: SSM SecureString ``<CRM_SECRETS_PREFIX>/<tenant>/<provider>``
(written by ``warmpath.tenant_settings.store_crm_connection``), cached per container.

A connection found is cached five minutes (Powertools Parameters). "Not configured" is remembered for
``NOT_CONFIGURED_TTL_SECONDS`` too, so a flood of deliveries to an unknown tenant (or a CRM still pointing at a
deleted one) costs one SSM call a minute, not one each; the cache is bounded, so cycling random tenant names
cannot grow memory. A tenant that connects its CRM is served within that minute (at once in the container that
stored the connection, which forgets its own answer).
"""

from __future__ import annotations

import re
from typing import Any

from warmpath.expiring import ExpiringLru

NOT_CONFIGURED_TTL_SECONDS = 60
CONNECTION_TTL_SECONDS = 300
_not_configured = ExpiringLru(max_entries=4096, ttl_seconds=NOT_CONFIGURED_TTL_SECONDS)
_NAME_PART = re.compile(r"[A-Za-z0-9_.-]{1,200}")  # what SSM accepts in one segment of a parameter name


def crm_parameter(tenant: str, provider: str) -> str:
    """Where a tenant's secrets for one CRM live (the one place the name is built: read here, written by
    ``warmpath.tenant_settings``)."""
    from warmpath.core.config import get_settings

    return f"{get_settings().crm_secrets_prefix}/{tenant}/{provider}"


def tenant_config(tenant: str, provider: str) -> dict[str, Any] | None:
    """The tenant's secrets for a provider, or None when it is not configured (or its value is not a JSON
    object). A name SSM could not hold is never looked up; a throttled or failed look-up answers None for this
    delivery only (the CRM retries) and is not remembered."""
    from aws_lambda_powertools.utilities import parameters

    if not (_NAME_PART.fullmatch(tenant) and _NAME_PART.fullmatch(provider)):
        return None
    name = crm_parameter(tenant, provider)
    if name in _not_configured:
        return None
    try:
        value = parameters.get_parameter(name, decrypt=True, transform="json", max_age=CONNECTION_TTL_SECONDS)
    except parameters.exceptions.GetParameterError as error:
        if _absent(error):
            _not_configured.remember(name)
        return None
    except parameters.exceptions.TransformParameterError:
        value = None
    if not isinstance(value, dict):
        _not_configured.remember(name)
        return None
    return value


def forget_not_configured(tenant: str, provider: str) -> None:
    """The connection was just stored: this container stops answering "not configured" at once."""
    _not_configured.forget(crm_parameter(tenant, provider))


def _absent(error: Exception) -> bool:
    """SSM said the parameter does not exist, or that its name cannot. Powertools raises GetParameterError
    inside its ``except``, without ``from``: the botocore error is its ``__context__``."""
    response = getattr(error.__context__, "response", None)
    code = response.get("Error", {}).get("Code", "") if isinstance(response, dict) else ""
    return code in ("ParameterNotFound", "ValidationException")
