"""The new-request body (intake.schemas.RequestIn): what is accepted, normalised and refused, and why."""

from __future__ import annotations

from typing import Any

import pytest
from intake.schemas import LoginIn, RequestIn
from pydantic import ValidationError

VALID: dict[str, Any] = {
    "target_name": "Tom Target",
    "target_company": "Big Corp",
    "target_email": "tom@big.example",
    "reason": "We would like to talk about their sales tooling.",
}


def request_in(**changes: Any) -> RequestIn:
    return RequestIn.model_validate({**VALID, **changes})


def messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " | ".join(str(e["msg"]) for e in error.value.errors())


def test_a_valid_request_normalises_the_email() -> None:
    assert request_in(target_email="  Tom.Target@Big.EXAMPLE ").target_email == "tom.target@big.example"


def test_a_valid_request_normalises_the_linkedin_url() -> None:
    request = request_in(target_email=None, target_linkedin_url="https://uk.linkedin.com/in/Tom-Target/?trk=x")

    assert request.target_linkedin_url == "linkedin.com/in/tom-target"
    assert request.target_email is None


def test_surrounding_whitespace_is_trimmed_from_text_fields() -> None:
    request = request_in(target_name="  Tom Target  ", target_company=" Big Corp\n")

    assert (request.target_name, request.target_company) == ("Tom Target", "Big Corp")


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_optional_strings_become_none(blank: str) -> None:
    """Given a web form that posts empty fields, then they are absent, not empty strings (nor invalid values)."""
    request = request_in(target_title=blank, target_linkedin_url=blank)

    assert request.target_title is None
    assert request.target_linkedin_url is None


def test_a_blank_email_with_a_linkedin_url_is_accepted() -> None:
    request = request_in(target_email="  ", target_linkedin_url="linkedin.com/in/tom")

    assert request.target_email is None
    assert request.target_linkedin_url == "linkedin.com/in/tom"


@pytest.mark.parametrize(
    "identifiers",
    [
        {"target_email": None},
        {"target_email": "", "target_linkedin_url": ""},
        {"target_email": "   ", "target_linkedin_url": " "},
    ],
)
def test_name_and_company_are_enough_without_email_or_linkedin(identifiers: dict[str, Any]) -> None:
    request = request_in(**identifiers)

    assert request.target_email is None and request.target_linkedin_url is None


@pytest.mark.parametrize("reason", ["too short", "", "   short      "])
def test_a_reason_under_ten_characters_is_refused(reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        request_in(reason=reason)

    assert [e["loc"] for e in refused.value.errors()] == [("reason",)]


def test_a_reason_of_ten_characters_is_accepted() -> None:
    assert request_in(reason="0123456789").reason == "0123456789"


def test_a_bad_email_is_refused_with_a_message_saying_what_is_expected() -> None:
    with pytest.raises(ValidationError) as refused:
        request_in(target_email="tom at big")

    (error,) = refused.value.errors()
    assert error["loc"] == ("target_email",)
    assert "'tom at big' is not an email address (expected name@company.com)" in error["msg"]


def test_a_bad_linkedin_url_is_refused_with_a_message_saying_what_is_expected() -> None:
    with pytest.raises(ValidationError) as refused:
        request_in(target_linkedin_url="https://www.linkedin.com/company/big-corp")

    (error,) = refused.value.errors()
    assert error["loc"] == ("target_linkedin_url",)
    assert "expected linkedin.com/in/" in error["msg"]


@pytest.mark.parametrize("field", ["target_name", "target_company", "reason"])
def test_a_required_field_is_required(field: str) -> None:
    body = {k: v for k, v in VALID.items() if k != field}

    with pytest.raises(ValidationError) as refused:
        RequestIn.model_validate(body)

    assert (field,) in [e["loc"] for e in refused.value.errors()]


def test_a_blank_target_name_is_refused() -> None:
    with pytest.raises(ValidationError):
        request_in(target_name="   ")


def test_sign_in_normalises_the_email() -> None:
    assert LoginIn(email=" Rita@Acme.Example ").email == "rita@acme.example"
