"""The intake resolver validates exactly as ``APIGatewayRestResolver(enable_validation=True)`` would, but imports
neither Powertools' validation nor pydantic nor the API's models until the first request (issue 14: cold start)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT

PYTHONPATH = [str(ROOT / "layers"), str(ROOT / "tools"), str(ROOT / "functions" / "intake")]


@pytest.fixture(scope="module")
def intake_app() -> Any:
    """Imported outside the per-test socket ban (the X-Ray SDK opens its UDP emitter socket on import)."""
    from intake.app import app

    return app


def test_importing_the_intake_handler_loads_no_pydantic_and_no_models() -> None:
    code = (
        f"import sys; sys.path[:0] = {PYTHONPATH!r}; import intake.app; "
        "print([m for m in ('pydantic', 'intake.schemas', 'warmpath.events') if m in sys.modules])"
    )

    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert loaded.strip() == "[]"


def test_the_openapi_document_is_the_one_eager_validation_gives(intake_app: Any) -> None:
    """Given the same routers on a resolver built with enable_validation=True, then both documents agree."""
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from intake import app as intake_module

    eager = APIGatewayRestResolver(enable_validation=True)
    for module in intake_module.ROUTERS:
        eager.include_router(module.router)
    options = {"title": "Warmpath API", "version": "1", "description": "Warm introductions."}

    ours = json.loads(intake_app.get_openapi_json_schema(**options))
    theirs = json.loads(eager.get_openapi_json_schema(**options))

    assert ours["paths"] and ours == theirs


def test_a_lazily_bound_model_validates_the_body_and_names_are_never_replaced() -> None:
    """A route annotated with a model its module does not import is validated (422 naming the field) once
    the models are bound; a name the module already has is left alone."""
    import types

    from aws_lambda_powertools.event_handler.api_gateway import Router
    from intake.deferred_validation import DeferredValidationResolver
    from pydantic import BaseModel

    class Greeting(BaseModel):
        name: str

    models = types.ModuleType("greeting_models")
    models.Greeting = Greeting  # type: ignore[attr-defined]
    models.Reply = list  # type: ignore[attr-defined]  # the route module has its own Reply: never replaced
    sys.modules["greeting_models"] = models
    namespace: dict[str, Any] = {"Router": Router, "Reply": dict}
    exec(  # a route module that names its model only in a string annotation
        "def greet(body: 'Greeting') -> 'Reply':\n    return {'hello': body.name}\n", namespace
    )
    router = namespace["Router"]()
    router.post("/greet")(namespace["greet"])
    app = DeferredValidationResolver(models="greeting_models")
    app.include_router(router)

    def post(body: str) -> dict[str, Any]:
        event = {"httpMethod": "POST", "path": "/greet", "body": body, "headers": {"Content-Type": "application/json"},
                 "requestContext": {"stage": "test"}, "resource": "/greet"}  # fmt: skip
        return app.resolve(event, None)  # type: ignore[arg-type]

    try:
        assert json.loads(post('{"name": "Ada"}')["body"]) == {"hello": "Ada"}
        refused = post('{"nom": "Ada"}')
        assert refused["statusCode"] == 422 and "name" in refused["body"]
        assert namespace["Reply"] is dict and namespace["Greeting"] is Greeting
    finally:
        del sys.modules["greeting_models"]
