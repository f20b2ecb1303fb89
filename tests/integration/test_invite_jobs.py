"""Bulk invite jobs: large files, progress, bad rows and any bytes at all, through the page and the job function."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warmpath import wiring

from tests.conftest import AwsWorld
from tests.integration.conftest import ADA, session_cookies
from tests.integration.test_invites import job_of, job_page, post_invites, run_invite_job

GOOD = "email,name,type\r\n" + "".join(f"person{i}@bulk.example,Person {i},customer\r\n" for i in range(1, 6))


class CountingQueue:
    """The invite queue's port, remembering messages (moto's SQS scans its whole queue on every send, so ten
    thousand real messages would measure moto, not Warmpath; the SQS adapter is covered by the other tests)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []

    def enqueue(self, messages: Any) -> list[int]:
        self.messages += list(messages)
        return []


@pytest.mark.scale
def test_a_10000_line_file_is_invited_in_full(aws: AwsWorld, demo: dict, capsys: Any) -> None:
    """The target size: every line invited and queued once, the job done, the whole report kept (about a
    minute on moto; deselect with ``-m "not scale"``)."""
    lines = 10_000
    queue = CountingQueue()
    wiring.override(invite_queue=queue)
    csv_text = "email,name,type\r\n" + "".join(f"p{i}@big.example,Person {i},employee\r\n" for i in range(lines))
    started = time.perf_counter()

    job_id = job_of(post_invites(csv_text.encode(), session_cookies(ADA)))
    posted = time.perf_counter()
    run_invite_job(job_id)
    finished = time.perf_counter()

    job = wiring.repository().get_invite_job(job_id)
    assert (job.status, int(job.processed), dict(job.counts.as_dict())) == ("done", lines, {"invited": lines})
    assert len(wiring.repository().invite_job_rows(job_id)) == lines
    assert len({m["email"] for m in queue.messages}) == len(queue.messages) == lines
    with capsys.disabled():
        print(f"\n{lines:,}-line invite: upload {posted - started:.1f} s, job {finished - posted:.1f} s (moto)")


def test_an_unclosed_quote_is_reported_by_line_and_every_good_row_is_invited(aws: AwsWorld, demo: dict) -> None:
    """Given a CSV with a quote never closed (its field past the csv module's limit), undecodable bytes and a
    missing email, then the upload is accepted, those lines are reported with line and reason, and the good
    rows are invited (the old route answered 502)."""
    data = (
        b"email,name,type\r\n"
        b"good.one@bulk.example,Good One,customer\r\n"
        b'broken@bulk.example,"Broken ' + b"x" * 200_000 + b",customer\r\n"
        b"bytes@bulk.example,\xff\xfe\xfa,customer\r\n"
        b",No Email,customer\r\n"
        b"good.two@bulk.example,Good Two,customer\r\n"
    )

    posted = post_invites(data, session_cookies(ADA))
    run_invite_job(job_of(posted))

    page = job_page(job_of(posted), session_cookies(ADA))
    [batch] = wiring.repository().invite_batches("demo")
    report = {int(r["line"]): (r["status"], r["reason"]) for r in batch.rows}
    assert report[2] == ("invited", "") and report[6] == ("invited", "")
    assert report[3] == ("unreadable row", "a quote opened on this line is never closed")
    assert report[4][0] == "unreadable row" and "not text" in report[4][1]
    assert report[5] == ("invalid email", "the email column is empty")
    assert page.status == 200 and "a quote opened on this line is never closed" in page.body


def test_the_page_shows_progress_while_the_job_runs_then_the_report(aws: AwsWorld, demo: dict) -> None:
    posted = post_invites(GOOD.encode(), session_cookies(ADA))
    job_id = job_of(posted)

    waiting = job_page(job_id, session_cookies(ADA))
    run_invite_job(job_id)
    done = job_page(job_id, session_cookies(ADA))

    assert posted.headers["Location"] == f"/admin/invites?job={job_id}"
    assert '<meta http-equiv="refresh" content="3">' in waiting.body
    assert "0 of 5 lines done" in waiting.body and f'href="/admin/invites?job={job_id}">Refresh' in waiting.body
    assert 'id="report"' not in waiting.body
    assert "http-equiv" not in done.body and 'id="report"' in done.body and "invited: 5" in done.body
    assert "http-equiv" not in job_page(job_id, session_cookies(ADA)).body


def test_another_tenants_job_is_not_shown(aws: AwsWorld, demo: dict) -> None:
    job_id = job_of(post_invites(GOOD.encode(), session_cookies(ADA)))
    wiring.repository().put_tenant("other", "Other Co")
    wiring.repository().put_member("other", "boss@other.example", "Boss", {"admin"})

    page = job_page(job_id, session_cookies("boss@other.example", tenant="other"))

    assert page.status == 404 and "Other Co" in page.body and "connectors.csv" not in page.body


REPORTED = {"invited", "already a member", "duplicate in file", "invalid email", "invalid type", "suppressed",
            "not sent", "unreadable row"}  # fmt: skip


def _upload_never_fails(data: bytes) -> None:
    posted = post_invites(data, session_cookies(ADA))
    assert posted.status in (303, 400), posted.status
    if posted.status == 400:
        assert 'class="error"' in posted.body
        return
    job_id = job_of(posted)
    assert run_invite_job(job_id) == {"jobs": {job_id: "done"}}
    job = wiring.repository().get_invite_job(job_id)
    rows = wiring.repository().invite_job_rows(job_id)
    assert len(rows) == int(job.lines) and {r["status"] for r in rows} <= REPORTED
    assert job_page(job_id, session_cookies(ADA)).status == 200


@settings(max_examples=25)
@given(st.binary(max_size=2000))
def test_any_bytes_uploaded_are_refused_with_a_message_or_reported_line_by_line(
    aws: AwsWorld, demo: dict, data: bytes
) -> None:
    _upload_never_fails(data)


@settings(max_examples=25)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(GOOD)),
            st.integers(min_value=0, max_value=5),
            st.sampled_from([b'"', b",", b"\r\n", b"\n", b"\x00", b"\xff\xfe", b"\xc3", b'""', b";", b"\t", b"@"]),
        ),
        max_size=6,
    )
)
def test_a_damaged_invite_csv_is_reported_line_by_line(
    aws: AwsWorld, demo: dict, edits: list[tuple[int, int, bytes]]
) -> None:
    """Given a valid file with quotes, separators, line breaks or odd bytes inserted or cut, then never a 5xx:
    the file is refused with a message, or every line gets a status."""
    data = GOOD.encode()
    for at, cut, insert in edits:
        data = data[:at] + insert + data[at + cut :]
    _upload_never_fails(data)


def test_the_same_file_sent_again_while_its_job_still_runs_waits_for_that_job_however_long_ago(
    aws: AwsWorld, demo: dict
) -> None:
    """`warmpath invite` says "run the same command again to wait for it": run again after the ten-minute
    window, it must find the job still at work, not open a second one over the same lines."""
    from datetime import timedelta

    from warmpath.invite_jobs import UPLOAD_WINDOW, open_invite_job
    from warmpath.models import utcnow

    data = b"email,name,connector type\nslow1@scale.example,Slow One,employee\n"
    first, created = open_invite_job(wiring.repository(), "demo", ADA, "big.csv", data)
    later = utcnow() + UPLOAD_WINDOW + timedelta(minutes=5)

    again, created_again = open_invite_job(wiring.repository(), "demo", ADA, "big.csv", data, now=later)

    assert created and not created_again
    assert again.job_id == first.job_id
