"""infra/template.yaml agrees with the code: event contracts, routes, runtime, failure destinations, environment."""

from __future__ import annotations

import re
from typing import Any

import pytest
from warmpath.events import CONTRACTS
from warmpath_deploy.check import REQUIRED_OUTPUTS
from warmpath_local.layer import LAYER_REQUIREMENTS, layer_requirements
from warmpath_local.stack import local_environment
from warmpath_local.template import Template, load_template


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template()


@pytest.fixture(scope="module")
def intake_app() -> Any:
    """The intake resolver. Imported outside the per-test socket ban: importing the X-Ray SDK (through the
    Powertools Tracer) creates its UDP emitter socket. Nothing is sent."""
    from intake.app import app

    return app


def functions_of(template: Template) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template.raw["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def event_driven(template: Template) -> list[str]:
    return sorted({rule.function for rule in template.rules})


def test_the_template_declares_event_rules_and_routes(template: Template) -> None:
    """Guards the checks below against passing vacuously on an empty template."""
    assert template.rules
    assert template.routes
    assert sorted(event_driven(template)) == [
        "AnalyticsFunction",
        "CrmEventsFunction",
        "FeedbackFunction",
        "MatchingFunction",
        "NotifyFunction",
    ]


def test_every_event_rule_names_only_defined_contracts(template: Template) -> None:
    """Given each rule on Warmpath's bus, then every (source, detail-type) pair it matches is a contract in events.py.

    Rules on the default bus take AWS services' own events (SES feedback), which have no contract of ours.
    """
    unknown = [
        (rule.name, source, detail_type)
        for rule in template.rules
        if not rule.on_default_bus
        for source in rule.pattern["source"]
        for detail_type in rule.pattern["detail-type"]
        if (source, detail_type) not in CONTRACTS
    ]

    assert unknown == []


def test_every_event_rule_matches_on_both_source_and_detail_type(template: Template) -> None:
    for rule in template.rules:
        assert set(rule.pattern) >= {"source", "detail-type"}, rule.name
        assert rule.pattern["source"] and rule.pattern["detail-type"], rule.name


def _api_events(template: Template) -> list[tuple[str, str, str]]:
    return [
        (logical_id, event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for logical_id, props in functions_of(template).items()
        for event in (props.get("Events") or {}).values()
        if event["Type"] == "Api"
    ]


def test_only_the_intake_function_takes_the_proxy_and_the_route_table_has_no_greedy_path(
    template: Template,
) -> None:
    """Given the Api events, then only IntakeFunction has the proxy (ANY / and ANY /{proxy+}, two permissions,
    not one per route), every other Api event is one method on one literal path, and the route table the
    local stack reads names no greedy path and no ANY."""
    events = _api_events(template)
    proxies = sorted((f, m, p) for f, m, p in events if m == "ANY" or "+}" in p)

    assert proxies == [("IntakeFunction", "ANY", "/"), ("IntakeFunction", "ANY", "/{proxy+}")]
    assert [e for e in events if e[0] == "IntakeFunction" and e not in proxies] == []
    assert [f"{r.method} {r.path}" for r in template.routes if "+}" in r.path or r.method == "ANY"] == []


def test_every_route_in_the_table_belongs_to_a_function_behind_the_proxy(template: Template) -> None:
    """The Warmpath::Routes table only describes functions that API Gateway reaches through the proxy."""
    table = template.raw["Metadata"]["Warmpath::Routes"]
    proxied = {f for f, m, p in _api_events(template) if "+}" in p}

    assert set(table) == proxied == {"IntakeFunction"}


def test_functions_run_python_3_12_on_arm64_with_active_tracing(template: Template) -> None:
    globals_ = template.raw["Globals"]["Function"]

    assert globals_["Runtime"] == "python3.12"
    assert globals_["Architectures"] == ["arm64"]
    assert globals_["Tracing"] == "Active"


def test_no_function_overrides_the_global_runtime_or_architecture(template: Template) -> None:
    overrides = {
        (logical_id, key)
        for logical_id, props in functions_of(template).items()
        for key in ("Runtime", "Architectures", "Tracing")
        if key in props
    }

    assert overrides == set()


def test_every_event_driven_function_sends_failed_invocations_somewhere(template: Template) -> None:
    """Given a function triggered by EventBridge (asynchronously), then failed invocations go to an OnFailure target."""
    functions = functions_of(template)

    for logical_id in event_driven(template):
        on_failure = functions[logical_id].get("EventInvokeConfig", {}).get("DestinationConfig", {}).get("OnFailure")
        assert on_failure, f"{logical_id} has no EventInvokeConfig.DestinationConfig.OnFailure"
        assert on_failure.get("Destination"), logical_id


def test_every_upload_triggered_function_sends_failed_invocations_somewhere(template: Template) -> None:
    """Given a function started by an S3 upload (asynchronously: network imports, bulk invites), then failed
    invocations go to an OnFailure target, and the prefixes of one bucket's triggers never overlap."""
    functions = functions_of(template)
    triggers = template.s3_triggers

    assert sorted(t.function for t in triggers) == ["InviteJobFunction", "NetworkImportFunction"]
    for trigger in triggers:
        on_failure = functions[trigger.function].get("EventInvokeConfig", {}).get("DestinationConfig", {})
        assert on_failure.get("OnFailure", {}).get("Destination"), trigger.function
    prefixes = sorted((t.bucket, t.prefix) for t in triggers)
    assert all(
        a[0] != b[0] or not (a[1].startswith(b[1]) or b[1].startswith(a[1]))
        for i, a in enumerate(prefixes)
        for b in prefixes[i + 1 :]
    )


def _template_routes_for(template: Template, function: str) -> set[tuple[str, str]]:
    # API Gateway writes {param}; Powertools writes <param>.
    return {
        (route.method, re.sub(r"\{([A-Za-z0-9_]+)\}", r"<\1>", route.path))
        for route in template.routes
        if route.function == function
    }


def test_intake_serves_exactly_the_routes_the_template_declares(template: Template, intake_app: Any) -> None:
    """Given the Powertools resolver in intake.app, then its routes and the template's IntakeFunction routes agree."""
    routes = [*intake_app._static_routes, *intake_app._dynamic_routes]
    registered = {(route.method, route.path) for route in routes}

    declared = _template_routes_for(template, "IntakeFunction")
    assert declared, "the template declares no routes for IntakeFunction"
    assert sorted(registered - declared) == [], "routes served but not declared in the template (API Gateway 403s)"
    assert sorted(declared - registered) == [], "routes declared in the template but not served (404s)"


def test_no_two_template_routes_share_a_method_and_path(template: Template) -> None:
    keys = [(route.method, route.path) for route in template.routes]

    assert len(keys) == len(set(keys))


def test_the_local_environment_sets_every_global_variable(template: Template) -> None:
    """Given the Globals environment, then the local stack sets each variable the functions will read."""
    required = set(template.raw["Globals"]["Function"]["Environment"]["Variables"])

    provided = local_environment("http://x", "http://y")

    assert required - set(provided) == set()
    assert provided["PUBLIC_BASE_URL"] == "http://y"
    assert provided["AWS_ENDPOINT_URL"] == "http://x"


def test_the_committed_layer_requirements_match_pyproject() -> None:
    """Given pyproject.toml's dependencies, then layers/requirements.txt is what `make requirements` writes."""
    assert LAYER_REQUIREMENTS.read_text() == layer_requirements()


def test_every_event_with_a_consumer_is_routed_by_a_template_rule() -> None:
    """An event nobody routes is silently lost: each contract with a consumer needs a rule."""
    from warmpath.events import CONTRACTS
    from warmpath_local.template import load_template

    unconsumed_yet = {("warmpath.notify", "InboundMailReceived")}
    routed = {
        (source, detail_type)
        for rule in load_template().rules
        for source in rule.pattern["source"]
        for detail_type in rule.pattern["detail-type"]
    }

    assert set(CONTRACTS) - unconsumed_yet <= routed


def _of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template.raw["Resources"].items() if r["Type"] == resource_type}


def test_every_function_logs_as_json_to_a_log_group_of_the_stack_with_retention(template: Template) -> None:
    """Log groups named after the stack (a failed create deletes them, so the retry can create them again)."""
    groups = _of_type(template, "AWS::Logs::LogGroup")
    assert template.raw["Globals"]["Function"]["LoggingConfig"] == {"LogFormat": "JSON"}

    for logical_id, props in functions_of(template).items():
        group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert groups[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, logical_id
        assert groups[group]["Properties"]["LogGroupName"] == {
            "Fn::Sub": f"/aws/lambda/${{AWS::StackName}}/{logical_id}"
        }
    assert len(groups) == len(functions_of(template))


def test_every_dlq_and_every_functions_errors_and_throttles_have_an_alarm(template: Template) -> None:
    alarms = list(_of_type(template, "AWS::CloudWatch::Alarm").values())
    watched = {
        (a["Properties"]["MetricName"], next(iter(a["Properties"]["Dimensions"][0]["Value"].values()))) for a in alarms
    }
    queues = set(_of_type(template, "AWS::SQS::Queue"))
    dlqs = {q for q in queues if q.endswith("DLQ")}

    assert dlqs >= {"ScheduleDLQ", "InviteDLQ", "NotifyDLQ"}
    for queue in dlqs:
        assert ("ApproximateNumberOfMessagesVisible", f"{queue}.QueueName") in watched, queue
    for function in functions_of(template):
        assert ("Errors", function) in watched, function
        assert ("Throttles", function) in watched, function
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == {
            "Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
        }


def test_the_invite_queue_outlasts_six_invite_mail_timeouts(template: Template) -> None:
    timeout = template.resource("InviteMailFunction")["Properties"]["Timeout"]

    assert template.resource("InviteQueue")["Properties"]["VisibilityTimeout"] == 6 * timeout


def test_the_table_and_buckets_are_retained_except_when_their_create_fails(template: Template) -> None:
    for logical_id in ("Table", "UploadsBucket", "InboundBucket"):
        assert template.resource(logical_id)["DeletionPolicy"] == "RetainExceptOnCreate", logical_id
        assert template.resource(logical_id)["UpdateReplacePolicy"] == "Retain", logical_id


def test_the_receipt_rule_set_and_what_it_needs_exist_only_where_ses_receives_mail(template: Template) -> None:
    for logical_id in ("ReceiptRuleSet", "ReceiptRule", "InboundMailPermission"):
        assert template.resource(logical_id)["Condition"] == "ReceivesMail", logical_id
    assert template.raw["Outputs"]["ReceiptRuleSetName"]["Condition"] == "ReceivesMail"


def test_the_outputs_are_the_ones_check_deploy_reads(template: Template) -> None:
    """Given the template's outputs, then they are what make check-deploy requires, plus the two that exist only
    under their conditions (mail receiving, the custom domain)."""
    assert set(template.raw["Outputs"]) == {*REQUIRED_OUTPUTS, "ReceiptRuleSetName", "CustomDomainTarget"}
    assert template.raw["Outputs"]["CustomDomainTarget"]["Condition"] == "HasCustomDomain"


def test_roles_that_pass_the_scheduler_role_may_pass_it_only_to_scheduler(template: Template) -> None:
    passes = [
        (logical_id, statement)
        for logical_id, props in functions_of(template).items()
        for policy in props.get("Policies", [])
        if isinstance(policy, dict) and "Statement" in policy
        for statement in policy["Statement"]
        if statement["Action"] == "iam:PassRole"
    ]

    assert sorted(f for f, _ in passes) == ["InviteMailFunction", "NotifyFunction"]
    for _, statement in passes:
        assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/requests/new", ("IntakeFunction", "/requests/new", {})),
        ("GET", "/requests/r-1", ("IntakeFunction", "/requests/{request_id}", {"request_id": "r-1"})),
        ("post", "/crm/acme/salesforce", ("CrmFunction", "/crm/{tenant}/salesforce", {"tenant": "acme"})),
        ("GET", "/crm/acme/salesforce", None),
        ("GET", "/nowhere", None),
        ("DELETE", "/requests", None),
        ("GET", "/a/tok/extra", None),
    ],
)
def test_the_local_front_door_routes_by_the_table_and_the_explicit_events(
    template: Template, method: str, path: str, expected: tuple[str, str, dict[str, str]] | None
) -> None:
    """Given the proxy (which AWS routes in the resolver), then locally only the table's routes and the CRM
    events match, literal segments first; anything else is a 404 (no match)."""
    found = template.match_route(method, path)

    assert (found and (found[0].function, found[0].path, found[1])) == expected
