"""Settings read from the environment, once, on first use (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

IMPORT_PREFIX = "imports/"  # uploads under this prefix of the uploads bucket start the import function


@dataclass(frozen=True)
class Settings:
    """What every function needs to know about where it runs.

    Each field is an environment variable set by ``infra/template.yaml`` (Globals) in AWS and by the local
    stack on one machine.
    """

    table_name: str
    event_bus_name: str
    event_bus_arn: str
    signing_keys_parameter: str
    public_base_url: str
    sender_address: str
    sender_name: str
    inbound_domain: str
    inbound_bucket: str
    uploads_bucket: str
    invite_queue_url: str
    invite_queue_arn: str
    scheduler_role_arn: str
    schedule_dlq_arn: str  # where Scheduler dead-letters a schedule it could not deliver ("": none, locally)
    configuration_set: str
    crm_secrets_prefix: str
    stage: str
    ses_send_rate: float = 0.0  # SES_SEND_RATE, messages a second; 0: the account's (warmpath.mail_pacing)
    invite_send_concurrency: int = 1  # INVITE_SEND_CONCURRENCY: containers of this function sharing that rate

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "warmpath"),
        event_bus_name=env.get("EVENT_BUS_NAME", "warmpath"),
        event_bus_arn=env.get("EVENT_BUS_ARN", ""),
        signing_keys_parameter=env.get("SIGNING_KEYS_PARAMETER", "/warmpath/signing-keys"),
        public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        sender_address=env.get("SENDER_ADDRESS", "intros@warmpath.localhost"),
        sender_name=env.get("SENDER_NAME", "Warmpath"),
        inbound_domain=env.get("INBOUND_DOMAIN", "reply.warmpath.localhost"),
        inbound_bucket=env.get("INBOUND_BUCKET", "warmpath-inbound"),
        uploads_bucket=env.get("UPLOADS_BUCKET", "warmpath-uploads"),
        invite_queue_url=env.get("INVITE_QUEUE_URL", ""),
        invite_queue_arn=env.get("INVITE_QUEUE_ARN", ""),
        scheduler_role_arn=env.get("SCHEDULER_ROLE_ARN", ""),
        schedule_dlq_arn=env.get("SCHEDULE_DLQ_ARN", ""),
        configuration_set=env.get("SES_CONFIGURATION_SET", ""),
        crm_secrets_prefix=env.get("CRM_SECRETS_PREFIX", "/warmpath/local/crm").rstrip("/"),
        stage=env.get("STAGE", "local"),
        ses_send_rate=_number(env.get("SES_SEND_RATE", ""), float, 0.0),
        invite_send_concurrency=_number(env.get("INVITE_SEND_CONCURRENCY", ""), int, 1),
    )


def _number(text: str, kind: type[float] | type[int], default: float) -> Any:
    """A positive number from the environment, or ``default`` when it is unset or not one."""
    try:
        value = kind(text)
    except ValueError:
        return default
    return value if value > 0 else default


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
