"""Sending within the SES account's sending rate: every email goes through ``PacedSender`` (``wiring.mail_sender``).

SES refuses what goes past the account's maximum send rate (``Throttling: Maximum sending rate exceeded``) and
drops the message; a bulk invite or a tenant's digest run would hit that at once. So each container:

- **reads the rate once**, on its first send: the account's ``MaxSendRate`` (SES ``GetSendQuota``; SESv2's
  ``GetAccount`` says the same, but the v1 call is the one moto serves too). When that call fails (no
  permission yet, SES unreachable) it paces to ``FALLBACK_SEND_RATE``, the sandbox's one message a second.
  ``SES_SEND_RATE`` replaces the account's figure (the local stack, which has no limit; or an operator keeping
  part of the rate for another application on the account).
- **shares it** with the function's other containers: the rate is divided by ``INVITE_SEND_CONCURRENCY``, which
  the template sets on InviteMailFunction to its queue's ``MaximumConcurrency`` (``InviteSendConcurrency``), so
  that many invitation senders together stay within the rate. Other functions send a handful at a time (one
  digest run per tenant, one ask per answer) and pace each container to the whole rate; when several run at
  once, the throttle retry below absorbs the overlap. Keep ``InviteSendConcurrency`` at most 5x the send rate:
  a batch of 10 invitations then takes under 50 s of the function's 60 s timeout.
- **spaces sends** ``1 / rate`` apart (a token bucket holding one token: no bursts past the rate).
- **retries refusals for rate** (``Throttling``/``ThrottlingException``/``TooManyRequestsException``, a
  connection that never opened) after a jittered exponential backoff, at most ``MAX_ATTEMPTS`` times in all. A
  refused message was not sent, so retrying cannot send it twice; an answer lost after the request went out
  (a read timeout) is never retried here, and the SES client makes no retries of its own (``warmpath.mail``).
  The daily quota is not retried either (it lasts hours): the error goes to the caller, whose queue retries.

The clock, the sleep and the jitter are arguments, so tests take no real time.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warmpath.core.config import Settings
    from warmpath.mail import MailSender, OutgoingEmail

FALLBACK_SEND_RATE = 1.0  # messages a second: the SES sandbox's rate, the lowest an account has
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0  # attempts 2..5 wait at most 0.5 + 1 + 2 + 4 = 7.5 s in all
RATE_REFUSALS = {"Throttling", "ThrottlingException", "TooManyRequestsException", "MaxSendingRateExceeded"}


class SendSpacing:
    """A token bucket of one token refilled ``rate`` times a second: ``wait_turn`` returns when the next send
    may go, so sends are at least ``1 / rate`` seconds apart. Thread-safe (the local stack runs functions in
    threads of one process)."""

    def __init__(self, rate: float, *, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        if rate <= 0:
            raise ValueError("a send rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next_turn: float | None = None
        self._lock = threading.Lock()

    def wait_turn(self) -> None:
        with self._lock:  # reserve a turn; sleep outside the lock
            now = self._clock()
            turn = now if self._next_turn is None else max(now, self._next_turn)
            self._next_turn = turn + self.interval
        if turn > now:
            self._sleep(turn - now)


def refused_for_rate(error: BaseException) -> bool:
    """SES refused the message for the rate (not the daily quota), or the connection never opened: it was not
    sent, and sending it again later is right."""
    from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

    if isinstance(error, ConnectTimeoutError | EndpointConnectionError):
        return True
    if not isinstance(error, ClientError):
        return False
    details = error.response.get("Error", {})
    return details.get("Code") in RATE_REFUSALS and "daily" not in str(details.get("Message", "")).lower()


class PacedSender:
    """A MailSender that sends through ``inner`` within ``rate()`` messages a second (asked on the first send),
    retrying refusals for rate with backoff."""

    def __init__(
        self,
        inner: MailSender,
        rate: Callable[[], float],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.inner = inner
        self._rate = rate
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter
        self.attempts = attempts
        self._spacing: SendSpacing | None = None

    @property
    def spacing(self) -> SendSpacing:
        if self._spacing is None:
            self._spacing = SendSpacing(self._rate(), clock=self._clock, sleep=self._sleep)
        return self._spacing

    def send(self, message: OutgoingEmail) -> str:
        from warmpath.core.observability import logger, metrics

        for attempt in range(1, self.attempts + 1):
            self.spacing.wait_turn()
            try:
                return self.inner.send(message)
            except Exception as error:
                if attempt == self.attempts or not refused_for_rate(error):
                    raise
                delay = self._jitter() * min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
                logger.warning("mail refused for the send rate; retrying",
                               extra={"attempt": attempt, "delay_s": round(delay, 3)})  # fmt: skip
                metrics.add_metric(name="MailThrottled", unit="Count", value=1)
                self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def account_send_rate(client: Any = None) -> float:
    """The account's maximum send rate (messages a second), or ``FALLBACK_SEND_RATE`` when SES will not say."""
    from botocore.exceptions import BotoCoreError, ClientError

    from warmpath.core.observability import logger

    try:
        if client is None:
            import boto3

            client = boto3.client("ses")
        rate = float(client.get_send_quota()["MaxSendRate"])
    except (BotoCoreError, ClientError, KeyError, TypeError, ValueError) as error:
        logger.warning("SES send quota unreadable; pacing to the fallback rate",
                       extra={"error": type(error).__name__, "rate": FALLBACK_SEND_RATE})  # fmt: skip
        return FALLBACK_SEND_RATE
    return rate if rate > 0 else FALLBACK_SEND_RATE


def container_send_rate(settings: Settings, client: Any = None) -> float:
    """This container's share of the rate: ``SES_SEND_RATE`` or the account's, over ``INVITE_SEND_CONCURRENCY``."""
    rate = settings.ses_send_rate or account_send_rate(client)
    return rate / max(1, settings.invite_send_concurrency)
