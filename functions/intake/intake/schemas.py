"""Typed request and response bodies of the JSON API (and the web form, which validates the same way)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator
from warmpath.identity import normalise_email, normalise_linkedin_url

RequestId = Annotated[str, Path(min_length=1, max_length=64, description="The request's id")]


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _one_line(value: str | None) -> str | None:
    """Names and titles end up in email subjects and headers: one line, no control characters."""
    if value is not None and _CONTROL.search(value):
        raise ValueError("use a single line without control characters")
    return value


def _text(value: str) -> str:
    if _CONTROL_BUT_LINE_BREAKS.search(value):
        raise ValueError("remove the control characters (only line breaks and tabs are allowed)")
    return value


class LoginIn(BaseModel):
    email: str = Field(description="The email address you were invited with.")
    tenant: str | None = Field(default=None, description="Only sign in to this tenant (slug).")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalise_email(value)


class RequestIn(BaseModel):
    """A new introduction request. Name and company are enough; an email or LinkedIn URL makes matching surer."""

    model_config = ConfigDict(str_strip_whitespace=True)

    target_name: str = Field(min_length=1, max_length=200, description="Who you want to meet.")
    target_company: str = Field(min_length=1, max_length=200, description="Where they work.")
    target_title: str | None = Field(default=None, max_length=200)
    target_email: str | None = Field(default=None, description="Their work email, if you know it.")
    target_linkedin_url: str | None = Field(default=None, description="Their LinkedIn profile URL.")
    reason: str = Field(min_length=10, max_length=2000, description="Why you want to meet; the connector sees this.")
    kind: Literal["introduction", "reference"] = Field(
        default="introduction",
        description="introduction: a warm path to this person; reference: a call with a happy customer for them.",
    )
    prospect_industry: str | None = Field(default=None, max_length=100, description="For references.")
    prospect_size: Literal["1-50", "51-200", "201-1000", "1001-5000", "5000+"] | None = Field(
        default=None, description="For references: the prospect's company size."
    )
    prospect_region: str | None = Field(default=None, max_length=100, description="For references, e.g. 'CA'.")
    product: str | None = Field(default=None, max_length=100, description="For references: the product they look at.")

    _blanks = field_validator(
        "target_title",
        "target_email",
        "target_linkedin_url",
        "prospect_industry",
        "prospect_size",
        "prospect_region",
        "product",
        mode="before",
    )(_blank_to_none)

    _single_lines = field_validator(
        "target_name", "target_company", "target_title", "prospect_industry", "prospect_region", "product"
    )(_one_line)
    _reason = field_validator("reason")(_text)

    @field_validator("target_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None

    @field_validator("target_linkedin_url")
    @classmethod
    def _linkedin(cls, value: str | None) -> str | None:
        return normalise_linkedin_url(value) if value else None


class AskIn(BaseModel):
    path_id: str = Field(min_length=1, max_length=64, description="The path to ask, from the request's paths.")
    then: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        max_length=10,
        description="Paths to ask next, in order, each after the one before declines.",
    )


class PathOut(BaseModel):
    path_id: str
    connector_name: str
    connector_title: str | None
    connector_location: str | None
    connector_type: str | None
    path_type: str = Field(description="direct (knows the target) or indirect (knows a colleague of theirs)")
    via_name: str | None = Field(description="who the connector knows: the target, or a colleague of theirs")
    via_title: str | None
    strength: str
    score: float
    responsiveness: str | None
    unavailable: str | None = Field(description="why this connector cannot be asked now (null when they can)")
    anonymous: bool = Field(
        default=False, description="an 'ask me first' tie: the connector is named only if they accept"
    )
    reasons: list[str]
    ask_status: str | None = Field(description="asked, accepted or declined; null when not asked yet")


class TimelineOut(BaseModel):
    at: datetime
    what: str
    detail: str | None


class RequestSummary(BaseModel):
    request_id: str
    status: str
    target_name: str
    target_company: str
    requester_email: str
    created_at: datetime


class RequestOut(RequestSummary):
    target_title: str | None
    target_email: str | None
    target_linkedin_url: str | None
    reason: str
    kind: str = "introduction"
    joined_request_id: str | None = Field(
        default=None, description="set when this request joined a colleague's open request for the same person"
    )
    outcome: str | None = Field(
        default=None,
        description="what the introduction led to, as the requester said: meeting_held, no_response, not_a_fit",
    )
    paths: list[PathOut]
    timeline: list[TimelineOut]


class RequestList(BaseModel):
    requests: list[RequestSummary]


class SessionOut(BaseModel):
    email: str
    name: str
    tenant: str
    roles: list[str]
    csrf_token: str


class Accepted(BaseModel):
    status: str
    message: str
