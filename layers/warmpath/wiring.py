"""The adapters a handler needs, built on first use and cached for the life of the container.

Handlers call these instead of constructing clients, so nothing opens a connection at import time and
tests can swap any port by calling ``override``. Imports happen inside each builder: a route that never
touches the table (``/health``) never pays for PynamoDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warmpath.core.config import get_settings, reset_settings

if TYPE_CHECKING:
    from warmpath.crm_writeback import Http
    from warmpath.events import EventBus
    from warmpath.invites import InviteQueue
    from warmpath.mail import MailSender
    from warmpath.repository import Repository
    from warmpath.tokens import SigningKeys

_cache: dict[str, Any] = {}


def repository() -> Repository:
    if "repository" not in _cache:
        from warmpath.repository import Repository

        _cache["repository"] = Repository(get_settings().table_name)
    return _cache["repository"]  # type: ignore[no-any-return]


def event_bus() -> EventBus:
    if "event_bus" not in _cache:
        from warmpath.events import EventBridgeBus

        _cache["event_bus"] = EventBridgeBus(get_settings().event_bus_name)
    return _cache["event_bus"]  # type: ignore[no-any-return]


def invite_queue() -> InviteQueue:
    if "invite_queue" not in _cache:
        from warmpath.invites import SqsInviteQueue

        _cache["invite_queue"] = SqsInviteQueue(get_settings().invite_queue_url)
    return _cache["invite_queue"]  # type: ignore[no-any-return]


def mail_sender() -> MailSender:
    if "mail_sender" not in _cache:
        from warmpath.mail import SesMailSender, SuppressionListSender
        from warmpath.mail_pacing import PacedSender, container_send_rate

        settings = get_settings()
        ses = PacedSender(SesMailSender(settings.configuration_set), lambda: container_send_rate(settings))
        _cache["mail_sender"] = SuppressionListSender(ses, lambda emails: repository().suppressed(emails))
    return _cache["mail_sender"]  # type: ignore[no-any-return]


def crm_http() -> Http:
    """The HTTP transport CRM write-back uses (tests replace it with recorded exchanges)."""
    if "crm_http" not in _cache:
        from warmpath.crm_http import GuardedHttp

        _cache["crm_http"] = GuardedHttp()
    return _cache["crm_http"]  # type: ignore[no-any-return]


def scheduler() -> Any:
    """The EventBridge Scheduler client ``warmpath.schedules`` creates schedules with: one per container, not one
    per schedule (building a boto3 client loads the service model: tens of ms each)."""
    if "scheduler" not in _cache:
        import boto3

        _cache["scheduler"] = boto3.client("scheduler")
    return _cache["scheduler"]


def signing_keys() -> SigningKeys:
    # Not cached here: Powertools Parameters caches the document for five minutes, so a rotated key
    # is picked up without a redeploy.
    if "signing_keys" in _cache:
        return _cache["signing_keys"]  # type: ignore[no-any-return]
    from warmpath.tokens import load_signing_keys

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
    from aws_lambda_powertools.utilities import parameters

    from warmpath.expiring import clear_every_cache

    parameters.clear_caches()
    clear_every_cache()
