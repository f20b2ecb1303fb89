"""One logger, tracer and metrics object for every function (configured by POWERTOOLS_* variables).

The tracer is built on the first invocation rather than at import: the X-Ray SDK loads botocore's
endpoint data when it starts, which alone would cost more than importing boto3 (see ``make bench``).
Handlers use ``tracer.capture_lambda_handler`` exactly as with Powertools' Tracer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

Handler = TypeVar("Handler", bound=Callable[..., Any])

logger = Logger()
metrics = Metrics()


class LazyTracer:
    """Powertools' Tracer, constructed when first needed and shared by every handler of the process."""

    def __init__(self) -> None:
        self._tracer: Any = None

    @property
    def tracer(self) -> Any:
        if self._tracer is None:
            from aws_lambda_powertools import Tracer

            self._tracer = Tracer()
        return self._tracer

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        traced: dict[str, Callable[..., Any]] = {}

        @functools.wraps(handler)
        def wrapper(event: Any, context: Any) -> Any:
            if "handler" not in traced:
                traced["handler"] = self.tracer.capture_lambda_handler(handler)
            return traced["handler"](event, context)

        return wrapper  # type: ignore[return-value]


tracer = LazyTracer()
