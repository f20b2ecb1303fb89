"""At most once per content: Powertools idempotency on the single table, built on first use.

``OncePerContent(name, fn, keyword)`` wraps ``fn`` so a call with the same content (or the part chosen by
``event_key_jmespath``) within ``expires`` runs once; a concurrent duplicate waits its turn and a later
one gets the first result. Records live in the table under PK=idempotency#<name>, expiring via ``ttl``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from warmpath.core.config import get_settings

DEFAULT_EXPIRY = timedelta(days=14)


class OncePerContent:
    def __init__(
        self,
        name: str,
        function: Callable[..., Any],
        keyword: str,
        *,
        event_key_jmespath: str = "",
        expires: timedelta = DEFAULT_EXPIRY,
    ) -> None:
        self.name, self.function, self.keyword = name, function, keyword
        self.event_key_jmespath, self.expires = event_key_jmespath, expires
        self._wrapped: Callable[..., Any] | None = None
        self._config: Any = None

    def __call__(self, context: Any, value: Any) -> Any:
        if self._wrapped is None:
            from aws_lambda_powertools.utilities.idempotency import (
                DynamoDBPersistenceLayer,
                IdempotencyConfig,
                idempotent_function,
            )

            store = DynamoDBPersistenceLayer(
                table_name=get_settings().table_name,
                key_attr="PK",
                sort_key_attr="SK",
                static_pk_value=f"idempotency#{self.name}",
                expiry_attr="ttl",
            )
            self._config = IdempotencyConfig(
                event_key_jmespath=self.event_key_jmespath, expires_after_seconds=int(self.expires.total_seconds())
            )
            self._wrapped = idempotent_function(
                data_keyword_argument=self.keyword, persistence_store=store, config=self._config
            )(self.function)
        self._config.register_lambda_context(context)
        return self._wrapped(**{self.keyword: value})

    def reset(self) -> None:
        """Forget the store (tests point the table elsewhere)."""
        self._wrapped = None
