"""The REST resolver with Powertools' request validation, its cost paid on the first request instead of at import.

``APIGatewayRestResolver(enable_validation=True)`` imports Powertools' validation middleware, and with it
pydantic, when the resolver is built; the API's request and response models (``intake.schemas``) are pydantic
models too. Together they cost about half an ``import boto3`` on every cold start, even for a page or a signed
link that validates nothing. Here validation is the same -- every route validated, the same 422s, the same
OpenAPI document at ``/api/openapi.json`` -- but nothing of it is imported until it is used:

- the resolver is built without validation and then marked as validating: Powertools builds the validation
  middlewares itself when a route's middleware stack is first built and finds them missing;
- route modules import their models only under ``TYPE_CHECKING`` and name them in string annotations
  (``from __future__ import annotations``); before the first request or OpenAPI document, ``bind_models`` puts
  each model a route's annotations name into that route's module namespace, which is where Powertools resolves
  the annotations. Handler bodies import what they build themselves.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.utilities.typing import LambdaContext

_NAME = re.compile(r"[A-Za-z_]\w*")


def bind_models(routes: Iterable[Route], models: ModuleType) -> None:
    """Each name in a route handler's string annotations that its module lacks and ``models`` defines, bound
    in that module (never replacing a name the module has)."""
    for route in routes:
        namespace = route.func.__globals__
        for annotation in getattr(route.func, "__annotations__", {}).values():
            for name in _NAME.findall(annotation) if isinstance(annotation, str) else ():
                if name not in namespace and hasattr(models, name):
                    namespace[name] = getattr(models, name)


class DeferredValidationResolver(APIGatewayRestResolver):
    """``APIGatewayRestResolver(enable_validation=True)``, importing validation and ``models`` on first use."""

    def __init__(self, models: str, **options: Any) -> None:
        super().__init__(enable_validation=False, **options)
        self._enable_validation = True  # Powertools creates the middlewares the first time a route needs them
        self._models = models
        self._models_bound = False

    def _bind_models(self) -> None:
        if not self._models_bound:
            bind_models([*self._static_routes, *self._dynamic_routes], importlib.import_module(self._models))
            self._models_bound = True

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        self._bind_models()
        return super().resolve(event, context)

    def get_openapi_schema(self, **options: Any) -> Any:
        self._bind_models()
        return super().get_openapi_schema(**options)
