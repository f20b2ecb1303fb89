"""Whom an emailed reply is trusted to come from: DMARC's alignment rule and one From address, through the real
inbound function with SES's receipt event (a forged From must never answer an ask)."""

from __future__ import annotations

import pytest
from warmpath import wiring

from tests.conftest import AwsWorld
from tests.integration.conftest import MARGARET, RILEY
from tests.integration.flows import asked_margaret, receive, reply

NO_DMARC_POLICY = {"dmarc": "GRAY"}  # the From domain publishes no DMARC record: SES gives no verdict


def _ask_status() -> str:
    request = wiring.repository().list_requests("demo", requester=RILEY)[0]
    [ask] = wiring.repository().get_request_bundle("demo", request.request_id).asks
    return ask.status


def test_spf_passing_for_an_unrelated_envelope_domain_does_not_authenticate_the_from(aws: AwsWorld, demo: dict) -> None:
    # Given an ask to Margaret, when Mallory sends "Yes" From Margaret's address through her own server:
    # SPF passes for mallory's envelope domain, DKIM fails, and Margaret's domain has no DMARC policy.
    ask = asked_margaret(aws)

    reply(aws, ask, "Yes", message_id="forged", envelope="bounce@mallory.example", dkim="FAIL", **NO_DMARC_POLICY)

    # Then nothing is answered
    assert _ask_status() == "asked"
    assert wiring.repository().get_inbound("forged").checks["authenticated"] is False


def test_spf_aligned_with_the_from_domain_authenticates_without_a_dmarc_policy(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)
    domain = MARGARET.split("@")[1]

    reply(aws, ask, "Yes", message_id="aligned", envelope=f"bounces@mail.{domain}", dkim="FAIL", **NO_DMARC_POLICY)

    assert _ask_status() == "accepted"


def test_dkim_counts_only_when_every_signature_is_the_from_domains(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)
    domain = MARGARET.split("@")[1]
    mixed = f"DKIM-Signature: v=1; d={domain}; s=a; b=x\r\nDKIM-Signature: v=1; d=mallory.example; s=b; b=y\r\n"

    reply(
        aws, ask, "Yes", message_id="mixed", headers=mixed, envelope="x@mallory.example", spf="FAIL", **NO_DMARC_POLICY
    )
    assert _ask_status() == "asked"

    own = f"DKIM-Signature: v=1; a=rsa-sha256; d={domain}; s=google; b=z\r\n"
    reply(aws, ask, "Yes", message_id="own", headers=own, envelope="x@relay.example", spf="FAIL", **NO_DMARC_POLICY)
    assert _ask_status() == "accepted"


@pytest.mark.parametrize(
    "from_header",
    [
        f"<{MARGARET}>, <mallory@evil.example>",
        f"<mallory@evil.example>, <{MARGARET}>",
        f"Margaret <{MARGARET}>, Margaret <{MARGARET}>",
    ],
)
def test_a_from_header_with_more_than_one_address_is_never_trusted(aws: AwsWorld, demo: dict, from_header: str) -> None:
    ask = asked_margaret(aws)

    receive(aws, from_header, ask["reply_to"][0], "Re: " + ask["subject"], "Yes", "multi", envelope=MARGARET)

    assert _ask_status() == "asked"
    assert wiring.repository().get_inbound("multi").checks["one_from_address"] is False


def test_any_bytes_received_as_a_reply_never_break_the_handler_nor_answer_untrusted(aws: AwsWorld, demo: dict) -> None:
    """Property over the MIME parser as the inbound function meets it: mutations of a real reply (junk
    headers, broken encodings, cut anywhere) never raise out of the handler, and an ask changes only on a
    reply whose every check passed."""
    import copy

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tests.conftest import aws_client, call_function, load_fixture

    ask = asked_margaret(aws)
    to = ask["reply_to"][0]
    seen: list[int] = []

    @settings(max_examples=25)
    @given(
        junk=st.binary(max_size=300),
        at=st.integers(min_value=0, max_value=400),
        cut=st.integers(min_value=1, max_value=400),
        header=st.sampled_from(["From", "Content-Type", "Content-Transfer-Encoding", "Subject", "X-Any"]),
    )
    def receive_mutated(junk: bytes, at: int, cut: int, header: str) -> None:
        seen.append(1)
        message_id = f"fuzz-{len(seen)}"
        good = (
            (
                f"From: <{MARGARET}>\r\nTo: {to}\r\nSubject: Re: ask\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"{header}: "
            ).encode()
            + junk
            + b"\r\n\r\nNot now, sorry.\r\n"
        )
        raw = (good[:at] + junk + good[at:])[: max(cut, len(good) // 2)]
        aws_client("s3").put_object(Bucket=aws.env["INBOUND_BUCKET"], Key=f"inbound/{message_id}", Body=raw)
        event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/sesEvent.json"))
        record = event["Records"][0]["ses"]
        record["mail"]["messageId"], record["mail"]["source"] = message_id, MARGARET
        record["receipt"]["recipients"] = [to]

        before = _ask_status()

        call_function("notify.inbound", event)

        status = _ask_status()
        if status != before:
            stored = wiring.repository().get_inbound(message_id)
            checks = stored.checks.as_dict()
            assert all(checks.values()) and stored.intent in ("decline", "dont_know"), (status, stored.intent, checks)

    receive_mutated()
