"""Import jobs always end: crashes and timeouts are resumed by Lambda's retry, hopeless jobs fail with an email.

Through the import function's handler, as S3 invokes it (asynchronously: Lambda retries a failed or timed-out
invocation twice, with the same request id), and the notify function for the report email.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath import wiring
from warmpath.events import NetworkImported
from warmpath.models import ImportJob, OrgTies, Relationship
from warmpath.network import new_import_job
from warmpath.repository import Repository
from warmpath_local.stack import LocalContext

from tests.conftest import AwsWorld, aws_client, call_function, eventbridge_event, load_fixture
from tests.data.corrupted_exports import ALL_EXPORTS, CSV_EXPORTS, VCARD, Export

CONNECTOR = "ben.carter@acme.example"


def _imports() -> Any:
    """The import function's module, imported when a test runs (its import reads the Powertools settings
    from the environment, which the ``aws`` fixture sets)."""
    from matching import imports

    return imports


class Killed(BaseException):
    """What the function sees of a timeout or an out-of-memory kill: nothing runs after it, no handler catches it."""


def _export(rows: int) -> bytes:
    head = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    body = "".join(
        f"Person{i},Number{i},https://www.linkedin.com/in/person-{i},,Firm {i % 3},Role,07 Dec 2025\r\n"
        for i in range(rows)
    )
    return (head + body).encode()


def _open_job(aws: AwsWorld, data: bytes, filename: str = "Connections.csv") -> tuple[str, dict[str, Any]]:
    """Open a job and put its file where it waits; the S3 event that upload sends."""
    job = new_import_job(wiring.repository(), CONNECTOR, requested_by="cli", tenant=None, filename=filename)
    bucket = aws.env["UPLOADS_BUCKET"]
    aws_client("s3").put_object(Bucket=bucket, Key=job.s3_key, Body=data)
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/s3Event.json"))
    event["Records"][0]["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    event["Records"][0]["s3"]["object"]["key"] = job.s3_key.replace("/", "%2F")
    return str(job.job_id), event


def _invoke(event: dict[str, Any], request_id: str = "request-1", remaining_ms: int = 300_000) -> Any:
    """One invocation of the import function (Lambda's retries of it carry the same request id)."""

    class Context(LocalContext):
        def get_remaining_time_in_millis(self) -> int:
            return remaining_ms

    return _imports().lambda_handler(event, Context(function_name="NetworkImportFunction", aws_request_id=request_id))


def _job(job_id: str) -> ImportJob:
    return wiring.repository().get_import_job(job_id)


def _ties() -> list[Relationship]:
    return wiring.repository().network_of(CONNECTOR)


def _emails_after_notify(aws: AwsWorld) -> list[dict[str, Any]]:
    for index, announced in enumerate(aws.bus.of_type(NetworkImported)):
        call_function("notify.app", eventbridge_event(announced, event_id=f"event-{index}"))
    return [m for m in aws.sent_emails() if CONNECTOR in m["to"]]


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, method: str, calls: set[int], error: BaseException) -> None:
    """Make Repository.<method> raise ``error`` on the given (1-based) calls."""
    original = getattr(Repository, method)
    seen = Counter[str]()

    def failing(self: Repository, *args: Any, **kwargs: Any) -> Any:
        seen[method] += 1
        if seen[method] in calls:
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Repository, method, failing)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("warmpath.network.CHUNK", 2)
    return 2


# -- crashes and timeouts -------------------------------------------------------------------------------


def test_a_crash_after_the_first_chunk_is_resumed_by_the_retry_and_imports_nothing_twice(
    aws: AwsWorld, small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an import of 6 contacts (3 chunks) whose second chunk fails after writing its ties
    job_id, event = _open_job(aws, _export(6))
    _fail_on_call(monkeypatch, "put_org_ties", {2}, RuntimeError("DynamoDB is having a bad day"))

    with pytest.raises(RuntimeError):
        _invoke(event)
    interrupted = _job(job_id)
    retried = _invoke(event)  # Lambda's retry, a minute later

    assert (interrupted.status, interrupted.chunks_done, interrupted.imported) == ("running", 1, 2)
    job = _job(job_id)
    assert retried == {"jobs": {job_id: "done"}}
    assert (job.status, job.imported, job.merged, job.attempts) == ("done", 6, 0, 2)
    assert sorted(t.person_name for t in _ties()) == [f"Person{i} Number{i}" for i in range(6)]
    counts = {a.org_key: int(a.tie_count) for a in OrgTies.query(f"NETWORK#{CONNECTOR}")}
    assert counts == {"firm-0": 2, "firm-1": 2, "firm-2": 2}
    assert [e.status for e in aws.bus.of_type(NetworkImported)] == ["done"]
    [email] = _emails_after_notify(aws)
    assert email["subject"] == "Your contacts are in: 6 new, 0 updated"


def test_a_timed_out_invocation_is_taken_over_by_its_retry_which_resumes(
    aws: AwsWorld, small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an invocation killed (a timeout) while writing the second chunk: no code of it runs after that
    job_id, event = _open_job(aws, _export(5))
    _fail_on_call(monkeypatch, "put_relationships", {2}, Killed())

    with pytest.raises(Killed):
        _invoke(event, "request-timed-out")
    status = _invoke(event, "request-timed-out")  # the retry: same request id, its lease still running

    job = _job(job_id)
    assert status == {"jobs": {job_id: "done"}}
    assert (job.status, job.imported, job.merged) == ("done", 5, 0)
    assert len(_ties()) == 5
    [email] = _emails_after_notify(aws)
    assert email["subject"] == "Your contacts are in: 5 new, 0 updated"


def test_a_duplicate_delivery_leaves_a_live_job_to_the_invocation_running_it(
    aws: AwsWorld, small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id, event = _open_job(aws, _export(4))
    _fail_on_call(monkeypatch, "put_relationships", {2}, Killed())
    with pytest.raises(Killed):
        _invoke(event, "request-a")

    duplicate = _invoke(event, "request-b")  # S3 delivered the event twice: another request, the lease holds

    job = _job(job_id)
    assert duplicate == {"jobs": {job_id: "running"}}
    assert (job.status, job.attempts, job.lease_owner, job.chunks_done) == ("running", 1, "request-a", 1)


def test_a_job_whose_lease_expired_is_taken_over_by_any_delivery(
    aws: AwsWorld, small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id, event = _open_job(aws, _export(4))
    _fail_on_call(monkeypatch, "put_relationships", {2}, Killed())
    with pytest.raises(Killed):
        _invoke(event, "request-a")
    _job(job_id).update(actions=[ImportJob.lease_until.set(datetime.now(UTC) - timedelta(seconds=1))])

    status = _invoke(event, "request-b")

    assert status == {"jobs": {job_id: "done"}}
    assert (_job(job_id).imported, len(_ties())) == (4, 4)


def test_a_retry_that_finds_the_upload_replaced_imports_the_new_file_from_its_start(
    aws: AwsWorld, small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an import interrupted after its first chunk, whose file was then uploaded again, different
    job_id, event = _open_job(aws, _export(4))
    _fail_on_call(monkeypatch, "put_relationships", {2}, Killed())
    with pytest.raises(Killed):
        _invoke(event)
    replacement = _export(4).replace(b"Person", b"Other").replace(b"/person-", b"/other-")
    aws_client("s3").put_object(Bucket=aws.env["UPLOADS_BUCKET"], Key=f"imports/{job_id}", Body=replacement)

    status = _invoke(event)

    job = _job(job_id)
    assert status == {"jobs": {job_id: "done"}}
    assert (job.imported, job.merged, job.total) == (4, 0, 4)
    assert sum(t.person_name.startswith("Other") for t in _ties()) == 4


def test_a_job_left_running_by_a_crash_before_leases_existed_is_taken_over(aws: AwsWorld) -> None:
    job_id, event = _open_job(aws, _export(3))
    _job(job_id).update(actions=[ImportJob.status.set("running")])  # how the old code left a crashed job

    status = _invoke(event)

    assert status == {"jobs": {job_id: "done"}}
    assert _job(job_id).imported == 3


def test_a_job_that_fails_on_every_attempt_ends_failed_on_the_last_with_a_reason_and_an_email(
    aws: AwsWorld, small_chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given writes that fail after the first chunk, every time
    job_id, event = _open_job(aws, _export(4))
    _fail_on_call(monkeypatch, "put_relationships", set(range(2, 100)), RuntimeError("throttled"))

    for _ in range(_imports().MAX_ATTEMPTS - 1):
        with pytest.raises(RuntimeError):
            _invoke(event)
    last = _invoke(event)

    job = _job(job_id)
    assert last == {"jobs": {job_id: "failed"}}
    assert (job.status, job.attempts, job.imported) == ("failed", _imports().MAX_ATTEMPTS, 2)
    assert f"interrupted {_imports().MAX_ATTEMPTS} times" in (job.error or "")
    assert "2 of its 4 contacts were added" in (job.error or "")
    [email] = _emails_after_notify(aws)
    assert email["subject"] == "We could not import your contacts"
    assert "2 of its 4 contacts were added" in email["text"]
    assert "Nothing was added" not in email["text"]


def test_the_last_attempt_stops_before_it_runs_out_of_time_and_fails_the_job(aws: AwsWorld) -> None:
    # Given a job two invocations have already taken and lost
    job_id, event = _open_job(aws, _export(3))
    _job(job_id).update(actions=[ImportJob.status.set("running"), ImportJob.attempts.set(2)])

    status = _invoke(event, "request-late", remaining_ms=5_000)  # 5 s left: less than the margin it keeps

    job = _job(job_id)
    assert status == {"jobs": {job_id: "failed"}}
    assert "too big to import in the time allowed" in (job.error or "")
    assert [e.status for e in aws.bus.of_type(NetworkImported)] == ["failed"]


def test_a_bug_in_the_parser_fails_the_job_at_once_with_an_email(
    aws: AwsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes) -> None:
        raise IndexError("a bug")

    monkeypatch.setattr("warmpath.contacts.parse_contacts", broken)
    job_id, event = _open_job(aws, _export(3))

    status = _invoke(event)

    assert status == {"jobs": {job_id: "failed"}}
    assert "Something went wrong on our side" in (_job(job_id).error or "")
    [email] = _emails_after_notify(aws)
    assert email["subject"] == "We could not import your contacts"


def test_an_upload_that_is_gone_fails_its_job(aws: AwsWorld) -> None:
    job_id, event = _open_job(aws, _export(3))
    aws_client("s3").delete_object(Bucket=aws.env["UPLOADS_BUCKET"], Key=f"imports/{job_id}")

    status = _invoke(event)

    assert status == {"jobs": {job_id: "failed"}}
    assert "no longer there" in (_job(job_id).error or "")


def test_an_upload_without_a_job_is_ignored(aws: AwsWorld) -> None:
    _, event = _open_job(aws, _export(1))
    event["Records"][0]["s3"]["object"]["key"] = "imports%2Fnobody-opened-this"

    assert _invoke(event) == {"jobs": {"nobody-opened-this": "missing"}}


# -- corrupted files through the whole path -------------------------------------------------------------


def _corrupted(export: Export) -> tuple[bytes, list[int]]:
    """The export with a no-name row, undecodable bytes and binary junk before its rows, and a last row cut
    inside a quote (for a vCard: junk between cards, a nameless card, a last card cut short); the bad lines."""
    if export is VCARD:
        lines = list(export.lines)
        second = lines.index("BEGIN:VCARD\r\n", 1)
        nameless = "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nobody@acme.example\r\nEND:VCARD\r\n"
        data = (
            export.encode("".join(lines[:second]))
            + export.control_junk()
            + export.encode("".join(lines[second:]) + nameless + "BEGIN:VCARD\r\nN:Cut;Card", start=False)
        )
        return data, [second + 1, len(lines) + 2, len(lines) + 6]
    h = export.header_index
    lines = list(export.lines)
    data = (
        export.encode("".join(lines[: h + 1]))
        + export.encode(export.nameless_row(), start=False)
        + export.undecodable()
        + export.control_junk()
        + export.encode("".join(lines[h + 1 :]) + 'Cut,"Short', start=False)
    )
    return data, [h + 2, h + 3, h + 4, len(lines) + 4]


@pytest.mark.parametrize("export", ALL_EXPORTS, ids=[e.file for e in ALL_EXPORTS])
def test_a_corrupted_export_of_every_format_imports_its_good_rows_and_emails_the_bad_lines(
    aws: AwsWorld, export: Export
) -> None:
    from warmpath.contacts import parse_contacts

    good = sorted(c.name for c in parse_contacts(export.raw).contacts)
    data, bad_lines = _corrupted(export)
    job_id, event = _open_job(aws, data, export.file)

    status = _invoke(event)

    job = _job(job_id)
    assert status == {"jobs": {job_id: "done"}}
    assert sorted(t.person_name for t in _ties()) == good
    assert (job.imported, job.skipped_count) == (len(good), len(bad_lines))
    assert [int(s.line) for s in job.skipped] == bad_lines
    [email] = _emails_after_notify(aws)
    assert email["subject"] == f"Your contacts are in: {len(good)} new, 0 updated"
    for line in bad_lines:
        assert f"line {line}:" in email["text"]


def test_a_file_refused_whole_fails_its_job_with_the_reason_and_an_email(aws: AwsWorld) -> None:
    [export] = [e for e in CSV_EXPORTS if e.file == "linkedin-connections.csv"]
    job_id, event = _open_job(aws, export.raw + export.control_junk() * 40)

    status = _invoke(event)

    job = _job(job_id)
    assert status == {"jobs": {job_id: "failed"}}
    assert "does not look like an unedited contacts export" in (job.error or "")
    assert _ties() == []
    [email] = _emails_after_notify(aws)
    assert "Nothing was added" in email["text"]


@given(
    prefix=st.sampled_from([b"", *(e.raw for e in ALL_EXPORTS)]),
    data=st.binary(max_size=600),
    # a quote left open with more after it than the csv module's field limit
    tail=st.sampled_from([b"", b'\r\nAda,"Lovelace,' + b"x" * 140_000 + b"\r\n"]),
)
def test_whatever_the_upload_the_job_ends_and_is_never_left_running(
    aws: AwsWorld, prefix: bytes, data: bytes, tail: bytes
) -> None:
    job_id, event = _open_job(aws, prefix + data + tail)

    _invoke(event, request_id=job_id)

    job = _job(job_id)
    assert job.status in ("done", "failed")
    assert aws.bus.of_type(NetworkImported)[-1].job_id == job_id
    if job.status == "failed":
        assert job.error


def test_the_attempts_and_the_lease_follow_the_functions_retries_and_timeout_in_the_template() -> None:
    from warmpath_local.template import load_template

    function = load_template().resource("NetworkImportFunction")["Properties"]

    assert function["EventInvokeConfig"]["MaximumRetryAttempts"] + 1 == _imports().MAX_ATTEMPTS
    assert function["Timeout"] == _imports().DEFAULT_SECONDS
