"""The adapters a handler needs, built on first use and cached for the life of the container.

Handlers call these instead of constructing clients, so nothing opens a connection at import time and
tests can swap any port by calling ``override``.
"""

from __future__ import annotations

from typing import Any

from warmpath.config import get_settings, reset_settings
from warmpath.events import EventBridgeBus, EventBus
from warmpath.mail import MailSender, SesMailSender
from warmpath.repository import Repository
from warmpath.tokens import SigningKeys, load_signing_keys

_cache: dict[str, Any] = {}


def repository() -> Repository:
    if "repository" not in _cache:
        _cache["repository"] = Repository(get_settings().table_name)
    return _cache["repository"]  # type: ignore[no-any-return]


def event_bus() -> EventBus:
    if "event_bus" not in _cache:
        _cache["event_bus"] = EventBridgeBus(get_settings().event_bus_name)
    return _cache["event_bus"]  # type: ignore[no-any-return]


def mail_sender() -> MailSender:
    if "mail_sender" not in _cache:
        _cache["mail_sender"] = SesMailSender(get_settings().configuration_set)
    return _cache["mail_sender"]  # type: ignore[no-any-return]


def signing_keys() -> SigningKeys:
    # Not cached here: Powertools Parameters caches the document for five minutes, so a rotated key
    # is picked up without a redeploy.
    if "signing_keys" in _cache:
        return _cache["signing_keys"]  # type: ignore[no-any-return]
    return load_signing_keys(get_settings().signing_keys_parameter)


def override(**adapters: Any) -> None:
    """Replace adapters (tests pass fakes or moto-backed real ones)."""
    _cache.update(adapters)


def reset(*, keep_connection: bool = False) -> None:
    """Forget every adapter and the settings (the environment changed).

    ``keep_connection`` keeps the table's botocore client (building one costs ~0.2 s): right when only
    adapters or settings changed, wrong when the endpoint did.
    """
    _cache.clear()
    reset_settings()
    if not keep_connection:
        from warmpath.models import drop_connections

        drop_connections()
    try:
        from aws_lambda_powertools.utilities import parameters

        parameters.clear_caches()
    except ImportError:  # pragma: no cover - powertools is always installed
        pass
