"""Invitations and digests go out paced to the account's SES rate, as read from SES, and each invitation
container takes its share of it (issue 14). The spacing's waits are recorded instead of slept."""

from __future__ import annotations

from typing import Any

import pytest
from warmpath import wiring
from warmpath.mail_pacing import SendSpacing

from tests.conftest import AwsWorld, aws_client, call_function
from tests.integration.conftest import ADA, session_cookies
from tests.integration.test_digests_and_offers import MONDAY, _digest_run, _digests, _open_request
from tests.integration.test_invites import job_of, post_invites, run_invite_job


class Turns:
    """Each send's turn, with the spacing it was paced to (moto's GetSendQuota says 1 message a second)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.intervals: list[float] = []
        monkeypatch.setattr(SendSpacing, "wait_turn", lambda spacing: self.intervals.append(spacing.interval))


@pytest.fixture
def account_rate(aws: AwsWorld, demo: dict, monkeypatch: pytest.MonkeyPatch) -> Turns:
    """The functions read the rate from SES (the local stack's SES_SEND_RATE unset)."""
    monkeypatch.delenv("SES_SEND_RATE")
    wiring.reset(keep_connection=True)
    wiring.override(event_bus=aws.bus)
    return Turns(monkeypatch)


def invite(aws: AwsWorld, lines: str) -> None:
    run_invite_job(job_of(post_invites(("email,name,type\r\n" + lines).encode(), session_cookies(ADA))))
    queue = aws.env["INVITE_QUEUE_URL"]
    messages = aws_client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    records: list[dict[str, Any]] = [
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "attributes": {},
         "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:x",
         "awsRegion": "us-east-1"}
        for m in messages
    ]  # fmt: skip
    assert len(records) == lines.count("\r\n")
    call_function("notify.invites", {"Records": records})


def test_each_invitation_sender_paces_to_its_share_of_the_account_rate(
    aws: AwsWorld, account_rate: Turns, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given two invitation containers at once (INVITE_SEND_CONCURRENCY=2) and SES allowing 1 a second, when
    three invitations go out, then each waited its turn 2 s after the one before, and all three were sent."""
    monkeypatch.setenv("INVITE_SEND_CONCURRENCY", "2")
    wiring.reset(keep_connection=True)
    wiring.override(event_bus=aws.bus)

    invite(
        aws, "una@paced.example,Una,customer\r\ndos@paced.example,Dos,customer\r\ntres@paced.example,Tres,customer\r\n"
    )

    invitations = [m for m in aws.sent_emails() if m["to"][0].endswith("@paced.example")]
    assert len(invitations) == 3
    assert account_rate.intervals == [2.0, 2.0, 2.0]


def test_a_digest_run_paces_to_the_whole_account_rate(aws: AwsWorld, account_rate: Turns) -> None:
    _open_request(aws)
    account_rate.intervals.clear()
    before = len(aws.sent_emails())

    _digest_run(MONDAY)

    sent = len(aws.sent_emails()) - before
    assert len(_digests(aws)) == 1
    assert account_rate.intervals == [1.0] * sent
