"""Start everything Warmpath needs on one machine, from ``infra/template.yaml``, with no AWS account.

- moto in server mode on 127.0.0.1 stands in for DynamoDB, SES, S3, EventBridge, SQS and SSM;
- the table, bus, rules, bucket, SES identity and signing key are created from the template's own
  definitions (or generated, for the key);
- an HTTP front door turns requests into API Gateway REST proxy events for the function the template
  routes them to (``frontdoor``);
- a local event bus delivers every event to the functions whose template rules match (EventBridge rules
  in moto deliver to one SQS queue per rule; a thread per queue invokes the function);
- a dev mailbox shows every email sent (``mailbox``).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warmpath_local.template import Template, load_template

REGION = "us-east-1"
ACCOUNT = "123456789012"
STAGE = "local"
SENDER_DOMAIN = "warmpath.localhost"
log = logging.getLogger("warmpath_local")


@dataclass
class LocalContext:
    """The parts of a Lambda context that Powertools reads."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 512
    log_group_name: str = "local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


def local_environment(endpoint_url: str, front_door_url: str) -> dict[str, str]:
    """Values for every variable the template's Globals set, plus what stands in for AWS."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "STAGE": STAGE,
        "TABLE_NAME": "warmpath-local",
        "EVENT_BUS_NAME": "warmpath-local",
        "EVENT_BUS_ARN": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/warmpath-local",
        "SIGNING_KEYS_PARAMETER": "/warmpath/local/signing-keys",
        "PUBLIC_BASE_URL": front_door_url,
        "SENDER_ADDRESS": f"intros@{SENDER_DOMAIN}",
        "SENDER_NAME": "Warmpath",
        "INBOUND_DOMAIN": f"reply.{SENDER_DOMAIN}",
        "INBOUND_BUCKET": "warmpath-local-inbound",
        "UPLOADS_BUCKET": "warmpath-local-uploads",
        "INVITE_QUEUE_URL": f"{endpoint_url}/{ACCOUNT}/warmpath-local-invites",
        "INVITE_QUEUE_ARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:warmpath-local-invites",
        "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/warmpath-local-scheduler",
        "SCHEDULE_DLQ_ARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:warmpath-local-schedule-dlq",
        "SES_CONFIGURATION_SET": "warmpath-local",
        "CRM_SECRETS_PREFIX": "/warmpath/local/crm",
        "SES_SEND_RATE": "1000",  # moto has no sending limit (its GetSendQuota says 1/s): pace as a large account
        "POWERTOOLS_SERVICE_NAME": "warmpath",
        "POWERTOOLS_METRICS_NAMESPACE": "Warmpath",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }


class Functions:
    """The template's functions, imported from their CodeUri and invoked one at a time each (as Lambda does)."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._locks: dict[str, threading.Lock] = {}

    def load(self) -> None:
        for spec in self.template.functions.values():
            code_uri = str(spec.code_uri)
            if code_uri not in sys.path:
                sys.path.insert(0, code_uri)
        for spec in self.template.functions.values():
            module = importlib.import_module(spec.module)
            self._handlers[spec.logical_id] = getattr(module, spec.attribute)
            self._locks[spec.logical_id] = threading.Lock()

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        with self._locks[logical_id]:
            return self._handlers[logical_id](event, LocalContext(function_name=logical_id))


class EventDispatcher:
    """Delivers events from moto's EventBridge (via one SQS queue per template rule) to functions."""

    MAX_RECEIVES = 3

    def __init__(
        self, functions: Functions, sqs: Any, queues: dict[str, tuple[str, str]], sqs_sources: set[str] | None = None
    ) -> None:
        self.functions = functions
        self.sqs = sqs
        self.queues = queues  # rule or trigger name -> (queue url, function)
        # Triggers whose function takes SQS events (batches, partial failures), not the message itself.
        self.sqs_sources = sqs_sources or set()
        self.dead_letters: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for rule, (url, function) in self.queues.items():
            thread = threading.Thread(target=self._poll, args=(rule, url, function), name=f"bus-{rule}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _poll(self, rule: str, url: str, function: str) -> None:
        while not self._stop.is_set():
            try:
                messages = self.sqs.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=1,
                    AttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
            except Exception:  # the server is stopping
                if self._stop.is_set():
                    return
                raise
            if rule in self.sqs_sources:
                if messages:
                    self._deliver_batch(rule, url, function, messages)
                continue
            for message in messages:
                self._deliver(rule, url, function, message)

    def _deliver(self, rule: str, url: str, function: str, message: dict[str, Any]) -> None:
        with self._busy_lock:
            self._busy += 1
        try:
            event = json.loads(message["Body"])
            if event.get("Event") != "s3:TestEvent":  # S3 says hello when a notification is configured
                self.functions.invoke(function, event)
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        except Exception:
            log.exception("delivering an event through %s failed", rule)
            self._retry_or_dead_letter(rule, url, message)
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _deliver_batch(self, rule: str, url: str, function: str, messages: list[dict[str, Any]]) -> None:
        """An SQS event source: the function gets the batch and reports which records failed."""
        with self._busy_lock:
            self._busy += 1
        try:
            records = [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": m.get("MD5OfBody", ""),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{url.rsplit('/', 1)[-1]}",
                    "awsRegion": REGION,
                }
                for m in messages
            ]
            try:
                result = self.functions.invoke(function, {"Records": records}) or {}
                failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            except Exception:
                log.exception("the %s batch failed as a whole", rule)
                failed = {m["MessageId"] for m in messages}
            for message in messages:
                if message["MessageId"] in failed:
                    self._retry_or_dead_letter(rule, url, message)
                else:
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _retry_or_dead_letter(self, rule: str, url: str, message: dict[str, Any]) -> None:
        """Retry a failed message in a second, or after MAX_RECEIVES attempts move it to the dead letters."""
        receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        if receives >= self.MAX_RECEIVES:
            self.dead_letters.append({"rule": rule, "event": message["Body"]})
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            log.error("moved to the local dead-letter list after %s attempts: %s", receives, rule)
        else:
            self.sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=1
            )

    def pending(self) -> int:
        total = self._busy
        for url, _ in self.queues.values():
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            total += int(attributes["ApproximateNumberOfMessages"])
            total += int(attributes["ApproximateNumberOfMessagesNotVisible"])
        return total

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until every published event has been handled (tests and the seed use this)."""
        deadline = time.monotonic() + timeout
        quiet_since: float | None = None
        while time.monotonic() < deadline:
            if self.pending() == 0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 0.3:
                    return
            else:
                quiet_since = None
            time.sleep(0.05)
        raise TimeoutError("events were still being delivered after the timeout")


class LocalStack:
    """Everything, started and stopped together. ``start()`` returns once the front door answers."""

    def __init__(self, *, port: int = 8000, host: str = "127.0.0.1", seed: bool = True) -> None:
        self.host = host
        self.port = port
        self.seed = seed
        self.template = load_template()
        self.functions = Functions(self.template)
        self.env: dict[str, str] = {}
        self._moto: Any = None
        self._front_door: Any = None
        self._front_door_thread: threading.Thread | None = None
        self.dispatcher: EventDispatcher | None = None
        self.seeded: dict[str, Any] = {}
        self._saved_env: dict[str, str | None] = {}

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> LocalStack:
        from moto.server import ThreadedMotoServer

        from warmpath_local.frontdoor import FrontDoor, PooledServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = ThreadedMotoServer(ip_address=self.host, port=0, verbose=False)
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        endpoint_url = f"http://{moto_host}:{moto_port}"

        front_door = FrontDoor(self)
        self._front_door = PooledServer(self.host, self.port, front_door)
        self.port = self._front_door.server_port
        self.env = local_environment(endpoint_url, self.url)
        self._saved_env = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        self._reset_caches()

        self._create_resources()
        self.functions.load()
        self.dispatcher.start()  # type: ignore[union-attr]
        self._front_door_thread = threading.Thread(
            target=self._front_door.serve_forever, name="front-door", daemon=True
        )
        self._front_door_thread.start()
        if self.seed:
            from warmpath_local.seed import seed_demo

            self.seeded = seed_demo()
        return self

    def stop(self) -> None:
        if self.dispatcher:
            self.dispatcher.stop()
        if self._front_door:
            self._front_door.shutdown()
            self._front_door.server_close()
        if self._moto:
            # moto's backends live in this process: forget them, so another stack can start here afresh.
            import urllib.request

            endpoint = self.env.get("AWS_ENDPOINT_URL", "")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=5)
            self._moto.stop()
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._reset_caches()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def settle(self, timeout: float = 15.0) -> None:
        assert self.dispatcher is not None
        self.dispatcher.settle(timeout)

    def connection_details(self) -> dict[str, Any]:
        return {
            "front_door": self.url,
            "mailbox": f"{self.url}/_dev/mail",
            "endpoint_url": self.env["AWS_ENDPOINT_URL"],
            "region": REGION,
            "env": self.env,
        }

    def write_connection_file(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.connection_details(), indent=2))

    # -- resources ---------------------------------------------------------------------------------

    def _client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, region_name=REGION, endpoint_url=self.env["AWS_ENDPOINT_URL"])

    def _create_resources(self) -> None:
        from warmpath.tokens import SigningKeys

        env = self.env
        dynamodb = self._client("dynamodb")
        dynamodb.create_table(TableName=env["TABLE_NAME"], **self.template.table_definition())
        ttl = self.template.ttl_attribute()
        if ttl:
            dynamodb.update_time_to_live(
                TableName=env["TABLE_NAME"], TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
            )
        s3 = self._client("s3")
        buckets = {"InboundBucket": env["INBOUND_BUCKET"], "UploadsBucket": env["UPLOADS_BUCKET"]}
        for bucket in buckets.values():
            s3.create_bucket(Bucket=bucket)
        ses = self._client("sesv2")
        ses.create_email_identity(EmailIdentity=SENDER_DOMAIN)
        ses.create_configuration_set(ConfigurationSetName=env["SES_CONFIGURATION_SET"])
        self._client("ssm").put_parameter(
            Name=env["SIGNING_KEYS_PARAMETER"],
            Type="SecureString",
            Value=json.dumps(SigningKeys.new_document()),
        )
        events, sqs = self._client("events"), self._client("sqs")
        events.create_event_bus(Name=env["EVENT_BUS_NAME"])
        queues: dict[str, tuple[str, str]] = {}
        for rule in self.template.rules:
            url = sqs.create_queue(QueueName=f"local-{rule.name}", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            bus = "default" if rule.on_default_bus else env["EVENT_BUS_NAME"]
            events.put_rule(Name=rule.name, EventBusName=bus, EventPattern=json.dumps(rule.pattern))
            events.put_targets(Rule=rule.name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])
            queues[rule.name] = (url, rule.function)
        # S3 events (uploads) reach their functions the same way: bucket notification -> queue -> function.
        # One configuration per bucket holds all its triggers (putting one replaces the bucket's whole set).
        notifications: dict[str, list[dict[str, Any]]] = {}
        for trigger in self.template.s3_triggers:
            url = sqs.create_queue(QueueName=f"local-{trigger.name}", Attributes={"VisibilityTimeout": "300"})[
                "QueueUrl"
            ]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            notifications.setdefault(buckets[trigger.bucket], []).append(
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": trigger.prefix}]}},
                }
            )
            queues[trigger.name] = (url, trigger.function)
        for bucket, configurations in notifications.items():
            s3.put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configurations}
            )
        # Queues the template feeds to functions as SQS event sources (the invite queue).
        local_queues = {"InviteQueue": env["INVITE_QUEUE_URL"].rsplit("/", 1)[-1]}
        for sqs_trigger in self.template.sqs_triggers:
            url = sqs.create_queue(QueueName=local_queues[sqs_trigger.queue], Attributes={"VisibilityTimeout": "30"})[
                "QueueUrl"
            ]
            queues[sqs_trigger.name] = (url, sqs_trigger.function)
        # Where Scheduler dead-letters a target it could not deliver to (the template's ScheduleDLQ).
        sqs.create_queue(QueueName=env["SCHEDULE_DLQ_ARN"].rsplit(":", 1)[-1])
        sqs_sources = {t.name for t in self.template.sqs_triggers}
        self.dispatcher = EventDispatcher(self.functions, sqs, queues, sqs_sources)

    @staticmethod
    def _reset_caches() -> None:
        from warmpath import wiring

        wiring.reset()
        for name in ("notify.app", "notify.invites", "crm.events", "crm.analytics"):
            module = sys.modules.get(name)
            if module is not None and hasattr(module, "reset_idempotency"):
                module.reset_idempotency()
