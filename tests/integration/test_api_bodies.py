"""What the JSON API and sign-in accept as a body: JSON only, readable, shallow, and a retry must repeat itself.

Every answer to bad input is a 4xx that says what to fix, never a crash (a 5xx), and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warmpath.events import IntroRequested
from warmpath.models import IntroRequest
from warmpath_local.stack import LocalContext

from tests.conftest import AwsWorld, api_event, call_intake
from tests.integration.conftest import RILEY, priya_request, session_cookies


def _post_request(body: str | None, content_type: str | None, key: str | None = None) -> dict[str, Any]:
    from intake.app import lambda_handler

    event = api_event("POST", "/api/requests", raw_body=body, content_type=content_type, cookies=session_cookies(RILEY))
    if key:
        event["headers"]["Idempotency-Key"] = key
    return lambda_handler(event, LocalContext(function_name="IntakeFunction"))


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_json_api_post_that_is_not_declared_json_is_refused_with_415(
    aws: AwsWorld, demo: dict, content_type: str | None
) -> None:
    result = _post_request(json.dumps(priya_request()), content_type)

    assert result["statusCode"] == 415
    assert "Content-Type: application/json" in json.loads(result["body"])["message"]
    assert list(IntroRequest.scan()) == [] and aws.bus.of_type(IntroRequested) == []


def test_a_json_api_post_with_a_charset_is_json(aws: AwsWorld, demo: dict) -> None:
    result = _post_request(json.dumps(priya_request()), "application/json; charset=utf-8")

    assert result["statusCode"] == 201


@pytest.mark.parametrize("path", ["/api/requests", "/auth/login"])
@pytest.mark.parametrize("depth", [40, 5000, 100000])
def test_deeply_nested_json_is_a_400_not_a_crash(aws: AwsWorld, demo: dict, path: str, depth: int) -> None:
    body = "[" * depth + "]" * depth

    result = call_intake("POST", path, raw_body=body, content_type="application/json", cookies=session_cookies(RILEY))

    assert result.status == 400
    assert "nested too deeply" in result.json()["message"]


def test_reusing_an_idempotency_key_with_another_body_is_a_422_and_keeps_the_first(aws: AwsWorld, demo: dict) -> None:
    first = _post_request(json.dumps(priya_request()), "application/json", key="k-1")
    other = {**priya_request(), "target_name": "Someone Else"}

    second = _post_request(json.dumps(other), "application/json", key="k-1")
    retry = _post_request(json.dumps(priya_request()), "application/json", key="k-1")

    assert first["statusCode"] == 201 and retry["statusCode"] == 201 and retry["body"] == first["body"]
    assert second["statusCode"] == 422
    assert "Idempotency-Key" in json.loads(second["body"])["message"]
    [stored] = IntroRequest.scan()
    assert stored.target_name == priya_request()["target_name"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
_NAMES = ("target_name", "target_company", "target_title", "target_email", "target_linkedin_url", "reason", "kind")
_FIELDS = st.fixed_dictionaries(
    {}, optional={name: st.one_of(st.text(max_size=300), _JSON) for name in (*_NAMES, "email", "tenant")}
)


def test_any_json_body_or_bytes_on_the_json_api_and_sign_in_is_never_a_5xx(aws: AwsWorld, demo: dict) -> None:
    """Property over the JSON body parsers: arbitrary JSON values, near-valid request bodies, arbitrary bytes
    and content types posted to /api/requests and /auth/login always get a 2xx or a 4xx with a message."""
    from intake.app import lambda_handler

    cookies = session_cookies(RILEY)

    @settings(max_examples=80)
    @given(
        path=st.sampled_from(["/api/requests", "/auth/login", "/api/requests/x/asks"]),
        body=st.one_of(
            _JSON.map(json.dumps),
            _FIELDS.map(json.dumps),
            st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        ),
        content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", None]),
        key=st.one_of(st.none(), st.text(max_size=20)),
    )
    def post(path: str, body: str, content_type: str | None, key: str | None) -> None:
        event = api_event("POST", path, raw_body=body, content_type=content_type, cookies=cookies)
        if key is not None:
            event["headers"]["Idempotency-Key"] = key
        result = lambda_handler(event, LocalContext(function_name="IntakeFunction"))
        assert result["statusCode"] < 500, result
        if result["statusCode"] >= 400:
            assert json.loads(result["body"])["message"] if result["body"].startswith("{") else result["body"]

    post()
