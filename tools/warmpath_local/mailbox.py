"""The dev mailbox: every email the local stack sent, and a way to reply through the real inbound path.

- ``GET /_dev/mail`` -- a page listing every message, newest first, with working links and a reply box;
- ``GET /_dev/mail.json`` -- ``{"messages": [{id, from, to, cc, reply_to, subject, text, html, links}]}``;
- ``POST /_dev/inbound`` -- a raw RFC 5322 message (any content type but a form), or the mailbox's reply
  form; stored in the inbound bucket and handed to the inbound function as SES would.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from warmpath_local.stack import LocalStack

_URL = re.compile(r"https?://[^\s\"'<>]+")
_HREF = re.compile(r"""href=["']([^"']+)["']""")


def sent_messages() -> list[dict[str, Any]]:
    """Every message moto's SES accepted, oldest first, as the mailbox shows them."""
    from moto.ses.models import ses_backends

    from warmpath_local.stack import ACCOUNT, REGION

    backend = ses_backends[ACCOUNT][REGION]
    return [_describe(index, m) for index, m in enumerate(backend.sent_messages)]


def _describe(index: int, sent: Any) -> dict[str, Any]:
    raw = getattr(sent, "raw_data", None)
    if raw is None:  # a simple (non-raw) send
        return {
            "id": sent.id,
            "index": index,
            "from": sent.source,
            "to": sent.destinations.get("ToAddresses", []),
            "cc": sent.destinations.get("CcAddresses", []),
            "reply_to": [],
            "list_unsubscribe": None,
            "list_unsubscribe_post": None,
            "subject": sent.subject,
            "text": "",
            "html": sent.body,
            "links": _links(sent.body, ""),
        }
    message = message_from_bytes(raw.encode() if isinstance(raw, str) else raw, policy=policy.default)
    text_part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    html_part = message.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
    text = text_part.get_content() if text_part else ""
    html = html_part.get_content() if html_part else ""
    return {
        "id": sent.id,
        "index": index,
        "from": str(message["From"] or ""),
        "to": _addresses(message, "To"),
        "cc": _addresses(message, "Cc"),
        "reply_to": _addresses(message, "Reply-To"),
        "subject": str(message["Subject"] or "").strip(),
        "text": text,
        "html": html,
        "links": _links(html, text),
        "list_unsubscribe": str(message["List-Unsubscribe"] or "").strip("<> ") or None,
        "list_unsubscribe_post": str(message["List-Unsubscribe-Post"] or "") or None,
    }


def _addresses(message: Any, header: str) -> list[str]:
    return [addr for _, addr in getaddresses([str(v) for v in message.get_all(header, [])]) if addr]


def _links(html: str, text: str) -> list[str]:
    """Links a reader can click: every href of the HTML part, then every URL in the text part."""
    found = [html_lib.unescape(u) for u in _HREF.findall(html) if u.startswith("http")]
    found += [u.rstrip(".,);") for u in _URL.findall(text)]
    return list(dict.fromkeys(found))


def handle(stack: LocalStack, request: Request) -> Response:
    if request.path == "/_dev/mail.json" and request.method == "GET":
        return Response(json.dumps({"messages": sent_messages()}, indent=2), content_type="application/json")
    if request.path == "/_dev/mail" and request.method == "GET":
        return Response(_page(sent_messages()), content_type="text/html; charset=utf-8")
    if request.path == "/_dev/inbound" and request.method == "POST":
        return _inbound(stack, request)
    if request.path == "/_dev/digest" and request.method == "POST":
        fired = [run_digest(stack)]
        if request.mimetype == "application/x-www-form-urlencoded":
            return Response(status=303, headers={"Location": "/_dev/mail"})
        return Response(json.dumps({"fired": fired}), content_type="application/json")
    if request.path == "/_dev/clock" and request.method == "POST":
        fired = fire_due_schedules(stack, days=float(request.values.get("days", "0") or 0))
        if request.mimetype == "application/x-www-form-urlencoded":
            return Response(status=303, headers={"Location": "/_dev/mail"})
        return Response(json.dumps({"fired": fired}), content_type="application/json")
    return Response(
        json.dumps({"message": f"Nothing lives at {request.method} {request.path}."}),
        status=404,
        content_type="application/json",
    )


# -- the clock -----------------------------------------------------------------------------------------


def run_digest(stack: LocalStack) -> str:
    """Put the daily digest run on the bus, dated last Monday (so weekly digests go too), as the template's
    DigestSchedule would every morning."""
    from datetime import timedelta

    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    detail = {"tenant": "*", "scheduled_time": monday.strftime("%Y-%m-%dT%H:%M:%SZ")}
    stack._client("events").put_events(
        Entries=[
            {
                "Source": "warmpath.schedule",
                "DetailType": "DigestDue",
                "Detail": json.dumps(detail),
                "EventBusName": stack.env["EVENT_BUS_NAME"],
            }
        ]
    )
    return "DigestDue"


def fire_due_schedules(stack: LocalStack, days: float) -> list[str]:
    """Run every one-time schedule due within ``days`` from now (moto keeps schedules but never fires them).

    Each fired schedule sends its input to its target, as EventBridge Scheduler would -- an SQS queue, or
    the bus with the schedule's source and detail-type -- and is deleted (ActionAfterCompletion=DELETE).
    """
    from datetime import timedelta

    scheduler, sqs, events = stack._client("scheduler"), stack._client("sqs"), stack._client("events")
    horizon = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=days)
    fired: list[str] = []
    for summary in scheduler.list_schedules()["Schedules"]:
        schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=summary.get("GroupName", "default"))
        expression = schedule["ScheduleExpression"]
        if not expression.startswith("at(") or datetime.fromisoformat(expression[3:-1]) > horizon:
            continue
        target = schedule["Target"]
        if "EventBridgeParameters" in target:
            params = target["EventBridgeParameters"]
            entry = {"Source": params["Source"], "DetailType": params["DetailType"], "Detail": target["Input"],
                     "EventBusName": target["Arn"].rsplit("/", 1)[-1]}  # fmt: skip
            events.put_events(Entries=[entry])
        else:
            queue = target["Arn"].rsplit(":", 1)[-1]
            sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=queue)["QueueUrl"], MessageBody=target["Input"])
        scheduler.delete_schedule(Name=summary["Name"], GroupName=summary.get("GroupName", "default"))
        fired.append(summary["Name"])
    return fired


# -- inbound ---------------------------------------------------------------------------------------------


def _inbound(stack: LocalStack, request: Request) -> Response:
    from_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    raw = _reply_from_form(request.form) if from_form else request.get_data()
    if not raw.strip():
        return Response(
            json.dumps({"message": "Send a raw RFC 5322 message as the request body."}),
            status=400,
            content_type="application/json",
        )
    message = message_from_bytes(raw, policy=policy.default)
    if not message["From"] or not (message["To"] or message["Cc"]):
        return Response(
            json.dumps({"message": "The message needs From and To headers."}),
            status=400,
            content_type="application/json",
        )
    message_id = uuid.uuid4().hex
    stack._client("s3").put_object(Bucket=stack.env["INBOUND_BUCKET"], Key=f"inbound/{message_id}", Body=raw)
    result = stack.functions.invoke("InboundMailFunction", ses_receipt_event(message, message_id))
    if from_form:
        return Response(status=303, headers={"Location": "/_dev/mail?replied=1"})
    return Response(json.dumps({"message_id": message_id, **result}), status=202, content_type="application/json")


def _reply_from_form(form: Any) -> bytes:
    reply = EmailMessage()
    reply["From"] = form.get("from", "")
    reply["To"] = form.get("to", "")
    reply["Subject"] = form.get("subject", "")
    reply["Date"] = format_datetime(datetime.now(UTC))
    reply.set_content(form.get("body", ""))
    return reply.as_bytes()


def ses_receipt_event(message: Any, message_id: str) -> dict[str, Any]:
    """The event SES's Lambda action sends (see the SES receipt fixtures). Verdicts are simulated: PASS."""
    recipients = [a for _, a in getaddresses([str(v) for v in message.get_all("To", []) + message.get_all("Cc", [])])]
    source = parseaddr(str(message["From"]))[1]
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    passed = {"status": "PASS"}
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": now,
                        "source": source,
                        "messageId": message_id,
                        "destination": recipients,
                        "headersTruncated": False,
                        "headers": [{"name": k, "value": str(v)} for k, v in message.items()],
                        "commonHeaders": {
                            "returnPath": source,
                            "from": [str(message["From"])],
                            "to": [str(v) for v in message.get_all("To", [])],
                            "date": str(message["Date"] or ""),
                            "messageId": str(message["Message-ID"] or ""),
                            "subject": str(message["Subject"] or "").strip(),
                        },
                    },
                    "receipt": {
                        "timestamp": now,
                        "processingTimeMillis": 1,
                        "recipients": recipients,
                        "spamVerdict": passed,
                        "virusVerdict": passed,
                        "spfVerdict": passed,
                        "dkimVerdict": passed,
                        "dmarcVerdict": passed,
                        "action": {
                            "type": "Lambda",
                            "functionArn": "arn:aws:lambda:local",
                            "invocationType": "Event",
                        },
                    },
                },
            }
        ]
    }


# -- the page ------------------------------------------------------------------------------------------


def _page(messages: list[dict[str, Any]]) -> str:
    import jinja2

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string((Path(__file__).parent / "mailbox.html").read_text())
    shown = [
        {**m, "reply_address": (m["reply_to"] or [parseaddr(m["from"])[1]])[0], "reply_from": (m["to"] or [""])[0]}
        for m in reversed(messages)
    ]
    return template.render(messages=shown, count=len(messages))
