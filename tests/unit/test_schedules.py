"""One-time schedules carry a retry policy and the schedule DLQ, so a target Scheduler cannot reach is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest
from warmpath.events import AskReminderDue

from tests.conftest import AwsWorld, aws_client


def _schedules() -> ModuleType:
    """Imported in the test: it pulls in Powertools' logger, which reads the environment the fixture sets."""
    from warmpath import schedules

    return schedules


def _reminder() -> AskReminderDue:
    return AskReminderDue(tenant="acme", request_id="r1", connector_email="c@example.com", due="2026-01-01T00:00:00Z")


def test_a_scheduled_event_dead_letters_to_the_schedule_dlq(aws: AwsWorld) -> None:
    """Given SCHEDULE_DLQ_ARN (the template's ScheduleDLQ), then the schedule's target names it and retries first."""
    schedules = _schedules()
    scheduler = aws_client("scheduler")
    when = datetime.now(UTC) + timedelta(days=1)

    assert schedules.schedule_event("ask-test", when, _reminder(), client=scheduler)

    target = scheduler.get_schedule(Name="ask-test")["Target"]
    assert target["DeadLetterConfig"] == {"Arn": aws.env["SCHEDULE_DLQ_ARN"]}
    assert target["RetryPolicy"] == schedules.RETRY_POLICY
    assert target["RoleArn"] == aws.env["SCHEDULER_ROLE_ARN"]


def test_a_scheduled_message_dead_letters_to_the_schedule_dlq(aws: AwsWorld) -> None:
    schedules = _schedules()
    scheduler = aws_client("scheduler")
    when = datetime.now(UTC) + timedelta(days=3)

    assert schedules.schedule_message("invite-test", when, aws.env["INVITE_QUEUE_ARN"], {"x": 1}, client=scheduler)

    target = scheduler.get_schedule(Name="invite-test")["Target"]
    assert target["DeadLetterConfig"] == {"Arn": aws.env["SCHEDULE_DLQ_ARN"]}


def test_without_a_schedule_dlq_the_schedule_has_none(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEDULE_DLQ_ARN")
    schedules = _schedules()
    scheduler = aws_client("scheduler")

    schedules.schedule_event("ask-nodlq", datetime.now(UTC) + timedelta(days=1), _reminder(), client=scheduler)

    assert "DeadLetterConfig" not in scheduler.get_schedule(Name="ask-nodlq")["Target"]


def test_schedules_share_one_scheduler_client_per_container(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a boto3 client loads the service model: a handler scheduling several things builds one."""
    import boto3

    schedules = _schedules()
    built: list[str] = []
    real_client = boto3.client

    def counting_client(service: str, *args: object, **kwargs: object) -> object:
        built.append(service)
        return real_client(service, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(boto3, "client", counting_client)
    when = datetime.now(UTC) + timedelta(days=1)
    # When three things are scheduled with no client given
    for name in ("ask-one", "ask-two", "ask-three"):
        assert schedules.schedule_event(name, when, _reminder())
    assert not schedules.schedule_event("ask-one", when, _reminder())  # the same name again: one schedule
    # Then one scheduler client was built, and all three schedules exist
    assert built.count("scheduler") == 1
    names = {s["Name"] for s in aws_client("scheduler").list_schedules()["Schedules"]}
    assert {"ask-one", "ask-two", "ask-three"} <= names
