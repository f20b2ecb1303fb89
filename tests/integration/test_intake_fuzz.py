"""No input from outside ever produces a 5xx: every route of the intake function, fed odd path values, query
strings, cookies, headers and bodies, answers with a 2xx, 3xx or 4xx (a property over the whole front door)."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warmpath_local.stack import LocalContext
from warmpath_local.template import load_template

from tests.conftest import AwsWorld, api_event
from tests.integration.conftest import ADA, session_cookies

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_VALUE = st.one_of(_TEXT, st.sampled_from(["", "%00", "..", "a" * 300, "v1.k.x.y", "\u202e", "0" * 400, "-1", "null"]))


def _intake_routes() -> list[Any]:
    return [r for r in load_template().routes if r.function == "IntakeFunction"]


@st.composite
def _requests(draw: st.DrawFn) -> dict[str, Any]:
    route = draw(st.sampled_from(_intake_routes()))
    path = re.sub(r"\{[^}]+\}", lambda _: draw(_VALUE).replace("/", "_") or "x", route.path)
    body_kind = draw(st.sampled_from(["none", "form", "raw"]))
    headers = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "Accept": st.sampled_from(["text/html", "application/json", "*/*", "x"]),
                "Idempotency-Key": _TEXT,
                "User-Agent": _TEXT,
                "X-Forwarded-For": _TEXT,
            },
        )
    )
    return {
        "method": route.method,
        "path": path,
        "query": draw(
            st.dictionaries(
                st.sampled_from(["token", "q", "table", "status", "page", "next", "id"]), _VALUE, max_size=3
            )
        ),
        "form": draw(
            st.dictionaries(st.sampled_from(["csrf_token", "email", "token", "name", "role", "x"]), _VALUE, max_size=4)
        )
        if body_kind == "form"
        else None,
        "raw_body": draw(_TEXT) if body_kind == "raw" else None,
        "content_type": draw(st.sampled_from(["application/json", "text/plain", "multipart/form-data; boundary=x"]))
        if body_kind == "raw"
        else None,
        "signed_in": draw(st.sampled_from(["admin", "admin", "garbage", "none"])),
        "valid_csrf": draw(st.booleans()),
        "headers": headers,
    }


def test_no_route_of_the_intake_function_answers_odd_input_with_a_5xx(aws: AwsWorld, demo: dict) -> None:
    from intake import web
    from intake.app import lambda_handler

    @settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(request=_requests())
    def call(request: dict[str, Any]) -> None:
        admin = session_cookies(ADA)  # a fresh session each time: an example may sign out
        cookies = {"admin": admin, "garbage": {"wp_session": "\u00e9\x00;", "wp_anon": "x" * 500}, "none": None}
        if request["form"] is not None and request["valid_csrf"] and request["signed_in"] == "admin":
            request["form"]["csrf_token"] = web.csrf_token(admin["wp_session"])
        event = api_event(
            request["method"],
            request["path"],
            form=request["form"],
            raw_body=request["raw_body"],
            content_type=request["content_type"],
            cookies=cookies[request["signed_in"]],
            query=request["query"] or None,
            headers=request["headers"],
        )
        result = lambda_handler(event, LocalContext(function_name="IntakeFunction"))
        assert result["statusCode"] < 500, (request, result.get("body", "")[:300])

    call()
