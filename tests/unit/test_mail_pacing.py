"""Sends are paced to the SES account's rate, and refusals for rate are retried without sending twice (issue 14).

Time is injected: a clock whose ``sleep`` moves it forward, so nothing here waits."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from botocore.stub import Stubber
from warmpath.core.config import get_settings
from warmpath.mail import OutgoingEmail
from warmpath.mail_pacing import (
    FALLBACK_SEND_RATE,
    MAX_ATTEMPTS,
    PacedSender,
    account_send_rate,
    container_send_rate,
)

MESSAGE = OutgoingEmail(
    sender_name="Warmpath", sender_address="intros@warmpath.example", to=["ada@acme.example"],
    subject="Hello", text="Hello", html="<p>Hello</p>",
)  # fmt: skip


class Clock:
    """Monotonic seconds that move only when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.slept.append(seconds)
        self.now += seconds


class RecordingSes:
    """The SES port: records each message it accepted, at what time; raises the queued errors first."""

    def __init__(self, clock: Clock, errors: list[BaseException] | None = None) -> None:
        self.clock = clock
        self.errors = list(errors or [])
        self.calls = 0
        self.sent: list[tuple[float, OutgoingEmail]] = []

    def send(self, message: OutgoingEmail) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((self.clock(), message))
        return f"message-{len(self.sent)}"


def refusal(code: str, message: str = "Maximum sending rate exceeded.") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "SendEmail")


def paced(ses: RecordingSes, clock: Clock, rate: float = 10.0) -> PacedSender:
    return PacedSender(ses, lambda: rate, clock=clock, sleep=clock.sleep, jitter=lambda: 1.0)


def test_fifty_sends_at_ten_a_second_take_at_least_four_point_nine_seconds() -> None:
    clock = Clock()
    ses = RecordingSes(clock)
    sender = paced(ses, clock, rate=10.0)
    started = clock()

    for number in range(50):
        sender.send(replace(MESSAGE, subject=f"Hello {number}"))

    times = [at for at, _ in ses.sent]
    assert len(ses.sent) == 50
    assert clock() - started >= 4.9 - 1e-9  # 49 gaps of 1/rate (float sums: 4.8999...)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.1 - 1e-9  # never two within 1/rate


def test_the_rate_is_asked_once_per_container_on_the_first_send() -> None:
    clock = Clock()
    asked: list[int] = []
    sender = PacedSender(RecordingSes(clock), lambda: asked.append(1) or 5.0, clock=clock, sleep=clock.sleep)
    assert asked == []

    for _ in range(3):
        sender.send(MESSAGE)

    assert asked == [1]


def test_an_idle_sender_does_not_save_up_a_burst() -> None:
    clock = Clock()
    ses = RecordingSes(clock)
    sender = paced(ses, clock, rate=2.0)
    sender.send(MESSAGE)
    clock.now += 60  # a minute with nothing to send

    sender.send(MESSAGE)
    sender.send(MESSAGE)

    assert ses.sent[2][0] - ses.sent[1][0] == pytest.approx(0.5)


@pytest.mark.parametrize("code", ["Throttling", "ThrottlingException", "TooManyRequestsException"])
def test_a_refusal_for_rate_is_retried_after_a_backoff_and_sent_once(code: str) -> None:
    clock = Clock()
    ses = RecordingSes(clock, errors=[refusal(code), refusal(code)])
    sender = paced(ses, clock)

    message_id = sender.send(MESSAGE)

    assert (message_id, ses.calls, [m for _, m in ses.sent]) == ("message-1", 3, [MESSAGE])
    assert 0.5 in clock.slept and 1.0 in clock.slept  # jittered exponential backoff (jitter 1.0 here)


def test_retries_are_bounded() -> None:
    clock = Clock()
    ses = RecordingSes(clock, errors=[refusal("Throttling") for _ in range(MAX_ATTEMPTS + 3)])

    with pytest.raises(ClientError):
        paced(ses, clock).send(MESSAGE)

    assert ses.calls == MAX_ATTEMPTS and ses.sent == []
    assert sum(clock.slept) < 10


@pytest.mark.parametrize(
    "error",
    [
        refusal("Throttling", "Daily message quota exceeded."),  # lasts hours: the caller's queue retries
        refusal("MessageRejected", "Email address is not verified."),
        ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com"),  # it may have been sent
    ],
)
def test_anything_else_is_not_retried(error: BaseException) -> None:
    clock = Clock()
    ses = RecordingSes(clock, errors=[error])

    with pytest.raises(type(error)):
        paced(ses, clock).send(MESSAGE)

    assert ses.calls == 1


def ses_client() -> Any:
    return boto3.client("ses", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def test_the_account_rate_is_read_from_ses() -> None:
    client = ses_client()
    with Stubber(client) as stub:
        stub.add_response("get_send_quota", {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0})

        assert account_send_rate(client) == 14.0


def test_an_unreadable_rate_falls_back_to_the_sandbox_rate() -> None:
    client = ses_client()
    with Stubber(client) as stub:
        stub.add_client_error("get_send_quota", "AccessDenied", "not authorized to perform ses:GetSendQuota")

        assert account_send_rate(client) == FALLBACK_SEND_RATE == 1.0


def test_invitation_senders_share_the_rate_and_a_set_rate_is_not_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    client = ses_client()
    monkeypatch.setenv("INVITE_SEND_CONCURRENCY", "2")
    monkeypatch.delenv("SES_SEND_RATE", raising=False)
    get_settings.cache_clear()
    try:
        with Stubber(client) as stub:
            stub.add_response("get_send_quota", {"MaxSendRate": 14.0})
            assert container_send_rate(get_settings(), client) == 7.0
        monkeypatch.setenv("SES_SEND_RATE", "1000")
        get_settings.cache_clear()
        with Stubber(client):  # no response queued: asking SES would fail the test
            assert container_send_rate(get_settings(), client) == 500.0
    finally:
        get_settings.cache_clear()
