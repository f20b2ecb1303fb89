"""Bulk invites: a messy CSV gives a per-line report; invitations go out through the queue; one-click join."""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

import pytest
from warmpath import wiring
from warmpath.events import ConnectorsInvited, SignInRequested

from tests.conftest import AwsWorld, aws_client, call_function, call_intake, eventbridge_event, load_fixture
from tests.integration.conftest import ADA, RILEY, session_cookies
from tests.integration.flows import csrf_of, table_items

MESSY_CSV = (
    "E-mail Address,Full Name,Connector Type,Job Title,City,Approver,Personal Note,Shoe size\r\n"
    "new.advisor@firm.example,Nora Advisor,Advisor,Partner,Paris,,We met at SaaStr,42\r\n"
    "not-an-email,Bad Row,investor,,,,,\r\n"
    "margaret.hale@hale-ventures.example,Margaret Hale,Board member,,,,,\r\n"
    "NEW.ADVISOR@firm.example,Nora Again,advisor,,,,,\r\n"
    "space.cadet@nasa.example,Space Cadet,astronaut,,,,,\r\n"
    "bounced@gone.example,Bounced Person,customer,,,,,\r\n"
    "vc@fund.example,,VC partner,,,assistant@fund.example,,\r\n"
)


@pytest.fixture(autouse=True)
def bounced_address(aws: AwsWorld, demo: dict) -> None:
    """One address in the file bounced before: it is on the suppression list."""
    wiring.repository().suppress("bounced@gone.example", "bounce")


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[str, str]:
    """A multipart/form-data body as a browser sends it (the file's bytes as they are, not re-encoded)."""
    boundary = "----warmpath-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    body = b"".join(parts)
    return body.decode("utf-8", "surrogateescape"), f"multipart/form-data; boundary={boundary}"


def post_invites(content: bytes, cookies: dict[str, str], filename: str = "connectors.csv") -> Any:
    """The admin posts the upload form (the file is stored and its job opened; nothing is invited yet)."""
    page = call_intake("GET", "/admin/invites", cookies=cookies)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf
    body, content_type = _multipart({"csrf_token": csrf.group(1)}, filename, content)
    return call_intake("POST", "/admin/invites", raw_body=body, content_type=content_type, cookies=cookies)


def job_of(posted: Any) -> str:
    assert posted.status == 303, posted.body
    return str(posted.headers["Location"].split("job=")[1])


def run_invite_job(job_id: str) -> Any:
    """What the uploads bucket's notification does: start the job function for the stored file."""
    bucket = os.environ["UPLOADS_BUCKET"]
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/s3Event.json"))
    event["Records"][0]["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    event["Records"][0]["s3"]["object"]["key"] = f"invites%2F{job_id}"  # S3 URL-encodes keys in events
    return call_function("intake.invite_jobs", event)


def job_page(job_id: str, cookies: dict[str, str]) -> Any:
    return call_intake("GET", "/admin/invites", query={"job": job_id}, cookies=cookies)


def _upload(csv_text: str, cookies: dict[str, str]) -> Any:
    """Upload, let the job run, and open the page the upload redirected to."""
    job_id = job_of(post_invites(csv_text.encode(), cookies))
    run_invite_job(job_id)
    return job_page(job_id, cookies)


def _queued(aws: AwsWorld) -> list[dict[str, Any]]:
    response = aws_client("sqs").receive_message(QueueUrl=aws.env["INVITE_QUEUE_URL"], MaxNumberOfMessages=10)
    return list(response.get("Messages", []))


def _send(aws: AwsWorld, messages: list[dict[str, Any]]) -> Any:
    records = [
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "attributes": {},
         "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:x",
         "awsRegion": "us-east-1"}
        for m in messages
    ]  # fmt: skip
    return call_function("notify.invites", {"Records": records})


def test_a_messy_csv_gets_a_report_line_by_line_and_good_rows_go_through(aws: AwsWorld, demo: dict) -> None:
    result = _upload(MESSY_CSV, session_cookies(ADA))

    assert result.status == 200
    [batch] = wiring.repository().invite_batches("demo")
    statuses = {int(r["line"]): r["status"] for r in batch.rows}
    assert statuses == {
        2: "invited",
        3: "invalid email",
        4: "already a member",
        5: "duplicate in file",
        6: "invalid type",
        7: "suppressed",
        8: "invited",
    }
    assert "duplicate in file" in result.body and "same email as line 2" in result.body
    nora = wiring.repository().get_member("demo", "new.advisor@firm.example")
    assert nora is not None
    assert (nora.status, nora.connector_type, nora.location, nora.invite_note) == (
        "invited", "advisor", "Paris", "We met at SaaStr"
    )  # fmt: skip
    vc = wiring.repository().get_member("demo", "vc@fund.example")
    assert vc is not None and (vc.connector_type, vc.approver_email) == ("vc_partner", "assistant@fund.example")
    assert sorted(json.loads(m["Body"])["email"] for m in _queued(aws)) == [
        "new.advisor@firm.example",
        "vc@fund.example",
    ]
    assert [e.batch_id for e in aws.bus.of_type(ConnectorsInvited)] == [batch.batch_id]


def test_the_same_file_posted_twice_quickly_is_one_job_and_invites_nobody_twice(aws: AwsWorld, demo: dict) -> None:
    """Given a double click (or a reload of the POST), then both posts land on one job: one report, one
    invitation per address."""
    first = job_of(post_invites(MESSY_CSV.encode(), session_cookies(ADA)))
    second = job_of(post_invites(MESSY_CSV.encode(), session_cookies(ADA)))

    run_invite_job(first)
    run_invite_job(second)  # S3 delivers at least once

    assert first == second
    assert len(wiring.repository().invite_batches("demo")) == 1
    assert sorted(json.loads(m["Body"])["email"] for m in _queued(aws)) == [
        "new.advisor@firm.example",
        "vc@fund.example",
    ]
    assert _queued(aws) == []


def test_reuploading_a_file_whose_invitations_went_out_says_already_a_member(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))
    _send(aws, _queued(aws))

    _upload(MESSY_CSV + "\r\n", session_cookies(ADA))  # edited since: another file

    latest = wiring.repository().invite_batches("demo", limit=1)[0]
    assert {int(r["line"]): r["status"] for r in latest.rows}[2] == "already a member"
    assert _queued(aws) == []


def test_a_reupload_finishes_what_an_interrupted_upload_started(aws: AwsWorld, demo: dict) -> None:
    """Given an upload whose job stored its members but stopped before queuing their invitations, when the
    admin uploads the file again, then those people are invited (queued once each), not "already a member"."""

    class Down:
        def enqueue(self, messages: Any) -> list[int]:
            return list(range(len(messages)))

    wiring.override(invite_queue=Down())
    interrupted = _upload(MESSY_CSV, session_cookies(ADA))
    assert "not sent" in interrupted.body and "upload the file again" in interrupted.body
    wiring.reset(keep_connection=True)
    wiring.override(event_bus=aws.bus)

    again = _upload(MESSY_CSV + "\r\n", session_cookies(ADA))

    latest = wiring.repository().invite_batches("demo", limit=1)[0]
    statuses = {int(r["line"]): (r["status"], r["reason"]) for r in latest.rows}
    assert statuses[2] == ("invited", "finishing an earlier upload of this address")
    assert statuses[8][0] == "invited"
    queued = _queued(aws)
    assert sorted(json.loads(m["Body"])["email"] for m in queued) == ["new.advisor@firm.example", "vc@fund.example"]
    assert again.status == 200
    _send(aws, queued)
    assert sorted(m["to"][0] for m in aws.sent_emails() if "invites you" in m["subject"]) == [
        "new.advisor@firm.example",
        "vc@fund.example",
    ]


def test_an_upload_that_crashed_between_storing_and_queuing_is_finished_by_uploading_again(
    aws: AwsWorld, demo: dict
) -> None:
    """Given the queue failing outright while an upload is being processed (members stored, invitations not
    queued), when the admin uploads the same file again, then everyone is invited -- not "already a member"."""
    real = wiring.invite_queue()

    class Broken:
        def enqueue(self, messages: Any) -> list[int]:
            raise ConnectionError("SQS unreachable")

    wiring.override(invite_queue=Broken())
    with pytest.raises(ConnectionError):  # the job function fails, and Lambda would retry it
        _upload(MESSY_CSV, session_cookies(ADA))
    wiring.override(invite_queue=real)

    page = _upload(MESSY_CSV, session_cookies(ADA))

    latest = wiring.repository().invite_batches("demo", limit=1)[0]
    assert {int(r["line"]): r["status"] for r in latest.rows}[2] == "invited"
    assert "invited: 2" in page.body
    assert sorted(json.loads(m["Body"])["email"] for m in _queued(aws)) == [
        "new.advisor@firm.example",
        "vc@fund.example",
    ]


def test_a_customers_profile_columns_are_kept_for_picking_references(aws: AwsWorld, demo: dict) -> None:
    csv_text = (
        "Email,Name,Type,Title,Location,Industry,Employees,Products used\r\n"
        'nina@clinic.example,Nina Berg,customer,CFO,"Oslo, NO",Healthcare,"2,400",Analytics; Reports\r\n'
    )

    _upload(csv_text, session_cookies(ADA))

    member = wiring.repository().get_member("demo", "nina@clinic.example")
    assert member is not None
    assert (member.industry, member.company_size, member.products) == (
        "Healthcare",
        "1001-5000",
        {"Analytics", "Reports"},
    )


def test_only_admins_may_invite(aws: AwsWorld, demo: dict) -> None:
    assert call_intake("GET", "/admin/invites", cookies=session_cookies(RILEY)).status == 403


def test_the_admin_is_emailed_the_report(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))

    call_function("notify.app", eventbridge_event(aws.bus.of_type(ConnectorsInvited)[0]))

    [email] = aws.sent_emails()
    assert email["to"] == [ADA]
    assert email["subject"] == "Invitations sent: 2 invited, 5 need attention"
    assert "line 3 (not-an-email): invalid email" in email["text"]


def test_invitations_are_sent_from_the_queue_with_a_join_link_once(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))
    messages = _queued(aws)

    first = _send(aws, messages)
    again = _send(aws, messages)  # SQS delivers at least once

    assert first == again == {"batchItemFailures": []}
    invites = [m for m in aws.sent_emails() if "invites you" in m["subject"]]
    assert sorted(m["to"][0] for m in invites) == ["new.advisor@firm.example", "vc@fund.example"]
    nora = next(m for m in invites if m["to"] == ["new.advisor@firm.example"])
    assert nora["from"] == "Ada Okafor via Warmpath <intros@warmpath.localhost>"
    # Replies go to Warmpath's inbound address, where an attached contacts file is imported.
    [reply_to] = nora["reply_to"]
    assert re.fullmatch(r"reply\+[0-9a-f]{24}@reply\.warmpath\.localhost", reply_to)
    assert "We met at SaaStr" in nora["text"]
    assert any("/join/" in link for link in nora["links"])


def test_an_invitation_queued_again_after_it_was_sent_sends_nothing(aws: AwsWorld, demo: dict) -> None:
    """Given an invitation sent, when a copy of it arrives that the content check cannot catch (another batch
    id, or after the idempotency records expired), then the member's "sent" mark stops a second email."""
    _upload(MESSY_CSV, session_cookies(ADA))
    _send(aws, _queued(aws))
    body = json.dumps({"tenant": "demo", "email": "vc@fund.example", "batch": "a-later-copy"})
    aws_client("sqs").send_message(QueueUrl=aws.env["INVITE_QUEUE_URL"], MessageBody=body)

    _send(aws, _queued(aws))

    assert [m["to"] for m in aws.sent_emails()].count(["vc@fund.example"]) == 1
    assert wiring.repository().get_member("demo", "vc@fund.example").invitation == "sent"  # type: ignore[union-attr]


def test_a_failing_send_is_reported_back_to_the_queue_and_the_rest_go_out(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))
    messages = _queued(aws)
    real = wiring.mail_sender()

    class FailsForNora:
        def send(self, message: Any) -> str:
            if message.to == ["new.advisor@firm.example"]:
                raise ConnectionError("SES throttled")
            return real.send(message)

    wiring.override(mail_sender=FailsForNora())

    result = _send(aws, messages)

    nora = next(m["MessageId"] for m in messages if "new.advisor" in m["Body"])
    assert result == {"batchItemFailures": [{"itemIdentifier": nora}]}
    assert [m["to"] for m in aws.sent_emails()] == [["vc@fund.example"]]


def _join_token(aws: AwsWorld) -> str:
    _upload(MESSY_CSV, session_cookies(ADA))
    _send(aws, _queued(aws))
    invite = next(m for m in aws.sent_emails() if m["to"] == ["new.advisor@firm.example"])
    join = next(link for link in invite["links"] if "/join/" in link and "answer=no" not in link)
    return join.split("/join/")[1]


def test_opening_the_join_link_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    token = _join_token(aws)

    page = call_intake("GET", f"/join/{token}")

    assert page.status == 200 and "Help Acme Analytics with warm introductions?" in page.body
    assert wiring.repository().get_member("demo", "new.advisor@firm.example").status == "invited"  # type: ignore[union-attr]


def _join_form(token: str, **query: str) -> tuple[str, dict[str, str]]:
    page = call_intake("GET", f"/join/{token}", query=query or None)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf
    return csrf.group(1), page.cookies


def test_joining_signs_the_connector_in_and_a_double_click_joins_once(aws: AwsWorld, demo: dict) -> None:
    """Given the Join page, when the button is pressed twice from the same browser (before the first answer
    arrived, so without its session cookie), then one join and one session; the second says "already in"."""
    token = _join_token(aws)
    csrf, cookies = _join_form(token)

    first = call_intake("POST", f"/join/{token}", form={"csrf_token": csrf}, cookies=cookies)
    second = call_intake("POST", f"/join/{token}", form={"csrf_token": csrf}, cookies=cookies)

    assert first.status == 303 and first.headers["Location"] == "/network?notice=joined"
    assert "wp_session" in first.cookies
    assert second.status == 200 and "You're already in" in second.body
    assert "wp_session" not in second.cookies
    member = wiring.repository().get_member("demo", "new.advisor@firm.example")
    assert member is not None and member.status == "joined"
    assert "already in" in call_intake("GET", f"/join/{token}").body


def test_a_second_click_that_carries_the_new_session_goes_on_to_the_network(aws: AwsWorld, demo: dict) -> None:
    token = _join_token(aws)
    csrf, cookies = _join_form(token)
    first = call_intake("POST", f"/join/{token}", form={"csrf_token": csrf}, cookies=cookies)
    signed_in = {**cookies, "wp_session": first.cookies["wp_session"]}

    again = call_intake("POST", f"/join/{token}", form={"csrf_token": csrf}, cookies=signed_in)

    assert again.status == 303 and again.headers["Location"] == "/network?notice=joined"
    assert again.set_cookie_headers == []  # no second session


def test_a_used_join_link_never_signs_anyone_in_again(aws: AwsWorld, demo: dict) -> None:
    """Given a connector who joined and signed out, when the same Join link is posted again with a valid CSRF
    token from another page, then no session is opened: the page says "You're already in" and offers a
    sign-in link by email instead."""
    token = _join_token(aws)
    csrf, cookies = _join_form(token)
    joined = call_intake("POST", f"/join/{token}", form={"csrf_token": csrf}, cookies=cookies)
    session = {**cookies, "wp_session": joined.cookies["wp_session"]}
    network = call_intake("GET", "/network", cookies=session)
    call_intake("POST", "/auth/logout", form={"csrf_token": csrf_of(network.body)}, cookies=session)
    home = call_intake("GET", "/", cookies=cookies)  # any page's form token, bound to this browser

    replay = call_intake("POST", f"/join/{token}", form={"csrf_token": csrf_of(home.body)}, cookies=cookies)

    assert replay.status == 200 and "You're already in" in replay.body
    assert "wp_session" not in replay.cookies
    assert 'action="/auth/login"' in replay.body and 'value="new.advisor@firm.example"' in replay.body
    sessions = [i for i in table_items() if i["PK"]["S"].startswith("SESSION#")]
    assert [s for s in sessions if s["email"]["S"] == "new.advisor@firm.example"] == []


def test_the_already_in_page_emails_a_sign_in_link(aws: AwsWorld, demo: dict) -> None:
    token = _join_token(aws)
    csrf, cookies = _join_form(token)
    call_intake("POST", f"/join/{token}", form={"csrf_token": csrf}, cookies=cookies)
    page = call_intake("GET", f"/join/{token}", cookies=cookies)
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page.body))

    asked = call_intake("POST", "/auth/login", form=fields, cookies=cookies)

    assert asked.status == 202
    assert [(e.tenant, e.email) for e in aws.bus.of_type(SignInRequested)] == [("demo", "new.advisor@firm.example")]


def test_no_thank_you_on_a_used_link_leaves_a_joined_connector_joined(aws: AwsWorld, demo: dict) -> None:
    token = _join_token(aws)
    csrf, cookies = _join_form(token)
    call_intake("POST", f"/join/{token}", form={"csrf_token": csrf}, cookies=cookies)

    page = call_intake("GET", f"/join/{token}", query={"answer": "no"}, cookies=cookies)
    result = call_intake("POST", f"/join/{token}", form={"csrf_token": csrf, "answer": "no"}, cookies=cookies)

    assert "You're already in" in page.body and "No, thank you" not in page.body
    assert result.status == 200 and "You're already in" in result.body
    member = wiring.repository().get_member("demo", "new.advisor@firm.example")
    assert member is not None and member.status == "joined"


def test_saying_no_to_an_invitation_marks_the_connector_opted_out(aws: AwsWorld, demo: dict) -> None:
    token = _join_token(aws)
    page = call_intake("GET", f"/join/{token}", query={"answer": "no"})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf and "No, thank you" in page.body

    result = call_intake(
        "POST", f"/join/{token}", form={"csrf_token": csrf.group(1), "answer": "no"}, cookies=page.cookies
    )

    assert result.status == 200 and "will not get more emails" in result.body
    member = wiring.repository().get_member("demo", "new.advisor@firm.example")
    assert member is not None and member.status == "opted_out"
    assert "You said no" in call_intake("GET", f"/join/{token}").body


def test_an_invitation_schedules_two_reminders(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))

    _send(aws, _queued(aws))

    scheduler = aws_client("scheduler")
    schedules = [scheduler.get_schedule(Name=s["Name"]) for s in scheduler.list_schedules()["Schedules"]]
    reminders = sorted(
        (json.loads(s["Target"]["Input"])["email"], json.loads(s["Target"]["Input"])["reminder"]) for s in schedules
    )
    assert reminders == [
        ("new.advisor@firm.example", 1), ("new.advisor@firm.example", 2), ("vc@fund.example", 1), ("vc@fund.example", 2)
    ]  # fmt: skip
    assert all(s["ScheduleExpression"].startswith("at(") for s in schedules)
    assert {s["Target"]["Arn"] for s in schedules} == {aws.env["INVITE_QUEUE_ARN"]}


def _reminder(aws: AwsWorld, email: str) -> Any:
    body = json.dumps({"tenant": "demo", "email": email, "reminder": 1})
    aws_client("sqs").send_message(QueueUrl=aws.env["INVITE_QUEUE_URL"], MessageBody=body)
    return _send(aws, _queued(aws))


def test_a_reminder_goes_to_someone_still_invited_and_marks_them_reminded(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))
    _queued(aws)  # the first invitations are not the point here

    _reminder(aws, "vc@fund.example")

    [email] = aws.sent_emails()
    assert email["subject"].startswith("Reminder: Ada Okafor invites you")
    assert wiring.repository().get_member("demo", "vc@fund.example").status == "reminded"  # type: ignore[union-attr]


def test_no_reminder_once_the_connector_joined(aws: AwsWorld, demo: dict) -> None:
    _reminder(aws, "margaret.hale@hale-ventures.example")

    assert aws.sent_emails() == []


def _ses_feedback(kind: str, email: str) -> dict[str, Any]:
    """SES's event-publishing record (from the SES developer guide fixtures), as EventBridge delivers it."""
    name = "bounce" if kind == "Bounce" else "complaint"
    detail = load_fixture(
        f"aws_ses/awsdocs-amazon-ses-developer-guide/extracted-json/event-publishing-retrieving-sns-{name}.json"
    )
    recipients = (
        detail["bounce"]["bouncedRecipients"] if kind == "Bounce" else detail["complaint"]["complainedRecipients"]
    )
    recipients[0]["emailAddress"] = email
    event = load_fixture("aws_events/powertools-lambda-python/events/eventBridgeEvent.json")
    event.update(source="aws.ses", detail=detail)
    event["detail-type"] = "Email Bounced" if kind == "Bounce" else "Email Complaint Received"
    return event


def test_a_hard_bounce_suppresses_the_address_and_marks_the_member_bounced(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))

    result = call_function("notify.deliverability", _ses_feedback("Bounce", "vc@fund.example"))

    assert result == {"suppressed": ["vc@fund.example"]}
    assert wiring.repository().get_member("demo", "vc@fund.example").status == "bounced"  # type: ignore[union-attr]
    assert wiring.repository().suppressed(["vc@fund.example"]) == {"vc@fund.example"}
    reupload = _upload(MESSY_CSV.replace("new.advisor@firm.example", "other@firm.example"), session_cookies(ADA))
    assert reupload.status == 200


def test_a_complaint_marks_a_pending_invitation_opted_out(aws: AwsWorld, demo: dict) -> None:
    _upload(MESSY_CSV, session_cookies(ADA))

    call_function("notify.deliverability", _ses_feedback("Complaint", "new.advisor@firm.example"))

    assert wiring.repository().get_member("demo", "new.advisor@firm.example").status == "opted_out"  # type: ignore[union-attr]


def _invitation(aws: AwsWorld) -> dict[str, Any]:
    _upload(MESSY_CSV, session_cookies(ADA))
    _send(aws, _queued(aws))
    return next(m for m in aws.sent_emails() if m["to"] == ["new.advisor@firm.example"])


def test_invitations_carry_a_one_click_unsubscribe(aws: AwsWorld, demo: dict) -> None:
    invite = _invitation(aws)

    assert invite["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"https://app\.warmpath\.test/u/v1\.\S+", invite["list_unsubscribe"])


def test_a_mail_clients_one_click_post_unsubscribes_at_once_without_a_redirect(aws: AwsWorld, demo: dict) -> None:
    url = _invitation(aws)["list_unsubscribe"]
    path = url.removeprefix("https://app.warmpath.test")

    # RFC 8058: no cookies, no CSRF token, just this body.
    done = call_intake(
        "POST", path, raw_body="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    again = call_intake(
        "POST", path, raw_body="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert done.status == again.status == 200 and "Location" not in done.headers
    member = wiring.repository().get_member("demo", "new.advisor@firm.example")
    assert member is not None and member.status == "opted_out"


def test_opening_the_unsubscribe_link_changes_nothing_and_a_forged_post_is_refused(aws: AwsWorld, demo: dict) -> None:
    url = _invitation(aws)["list_unsubscribe"]
    path = url.removeprefix("https://app.warmpath.test")

    page = call_intake("GET", path)
    forged = call_intake("POST", path, form={"anything": "else"})
    tampered = call_intake("GET", path[:-3] + "xyz")

    assert page.status == 200 and "Stop these emails?" in page.body
    assert forged.status == 403 and tampered.status == 400
    member = wiring.repository().get_member("demo", "new.advisor@firm.example")
    assert member is not None and member.status == "invited"
