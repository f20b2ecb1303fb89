"""The cost bench's pricing arithmetic (bench/cost.py): DynamoDB item sizes and request units, index writes,
Lambda GB-seconds and durations, EventBridge chunks, and the template's memory sizes. Expected values are worked
out by hand from AWS's published rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import cost
from prices import PRICES, price


def test_an_items_size_counts_names_and_values_by_dynamodbs_rules() -> None:
    item = {
        "PK": {"S": "TENANT#demo"},  # 2 + 11
        "n": {"N": "12345"},  # 1 + (3 digit pairs + 1)
        "ok": {"BOOL": True},  # 2 + 1
        "é": {"S": "ü"},  # 2 + 2 (UTF-8 bytes, not characters)
        "tags": {"SS": ["a", "bc"]},  # 4 + 3
        "top": {"L": [{"S": "ab"}, {"N": "100"}]},  # 3 + 3 + (1 + 2) + (1 + 2): 100 is one significant digit
        "m": {"M": {"k": {"S": "v"}}},  # 1 + 3 + 1 + 1 + 1
        "b": {"B": b"\x00\x01\x02"},  # 1 + 3
    }
    assert cost.item_size(item) == 13 + 5 + 3 + 4 + 7 + 12 + 7 + 4
    assert cost.item_size(None) == 0


def test_read_units_are_per_started_4_kb_halved_when_eventually_consistent_doubled_in_a_transaction() -> None:
    assert cost.read_units(0) == 0.5  # a missed GetItem still costs the minimum
    assert cost.read_units(4096) == 0.5
    assert cost.read_units(4097) == 1.0
    assert cost.read_units(4097, consistent=True) == 2.0
    assert cost.read_units(9000, transactional=True) == 6.0


def test_a_query_sums_its_items_before_rounding_up_once() -> None:
    assert cost.query_read_units([1000, 1000, 1000]) == 0.5  # 3,000 bytes: one 4 KB unit, eventually consistent
    assert cost.query_read_units([3000, 3000], consistent=True) == 2.0  # 6,000 bytes: two units
    assert cost.query_read_units([]) == 0.5


def test_write_units_are_per_started_1_kb_doubled_in_a_transaction() -> None:
    assert cost.write_units(1) == 1.0
    assert cost.write_units(1024) == 1.0
    assert cost.write_units(1025) == 2.0
    assert cost.write_units(2500, transactional=True) == 6.0


def _item(size_filler: int, **keys: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": "P"}, "SK": {"S": "S"}, "x": {"S": "a" * size_filler}, **{k: {"S": v} for k, v in keys.items()}}


def test_index_writes_follow_the_item_into_out_of_and_across_each_index() -> None:
    plain = _item(2000)  # 2 + 1 + 2 + 1 + 1 + 2000 = 2,007 bytes: 2 units
    indexed = _item(2000, GSI1PK="K", GSI1SK="1")  # + 7 + 7 = 2,021 bytes: 2 units in the table, 2 in GSI1
    both = _item(2000, GSI1PK="K", GSI1SK="1", GSI2PK="Q", GSI2SK="2")  # 2,035 bytes
    moved = _item(2000, GSI1PK="K", GSI1SK="2")

    assert cost.item_write_units(None, plain) == (2.0, 0.0)  # a new item in no index
    assert cost.item_write_units(None, indexed) == (2.0, 2.0)  # enters GSI1
    assert cost.item_write_units(None, both) == (2.0, 4.0)  # enters both
    assert cost.item_write_units(indexed, None) == (2.0, 2.0)  # a delete leaves GSI1
    assert cost.item_write_units(indexed, moved) == (2.0, 4.0)  # the key changed: delete and put in GSI1
    assert cost.item_write_units(indexed, indexed) == (2.0, 0.0)  # nothing changed: no index write
    assert cost.item_write_units(plain, indexed, transactional=True) == (4.0, 2.0)  # doubled in the table only


def test_the_table_bills_the_larger_image_of_an_update() -> None:
    small, large = _item(100), _item(3000)  # 107 and 3,007 bytes
    assert cost.item_write_units(large, small) == (3.0, 0.0)
    assert cost.item_write_units(small, large) == (3.0, 0.0)


def test_lambda_bills_gb_seconds_on_the_duration_rounded_up_to_the_millisecond() -> None:
    assert cost.lambda_gb_seconds(0.1, 512) == pytest.approx(0.05)
    assert cost.lambda_gb_seconds(0.0101, 1024) == pytest.approx(0.011)  # 10.1 ms bills as 11 ms
    assert cost.lambda_gb_seconds(0.25, 128) == pytest.approx(0.03125)


def test_a_functions_duration_stretches_cpu_time_by_its_share_of_a_vcpu_and_adds_each_calls_round_trip() -> None:
    # 0.1 s of CPU at 512 MB: 1769 / 512 = 3.455 x; 4 DynamoDB calls at 5 ms and one SES send at 30 ms.
    assert cost.lambda_duration(0.1, 512, {"dynamodb": 4, "sesv2": 1}) == pytest.approx(0.3455 + 0.05, abs=1e-4)
    assert cost.lambda_duration(0.1, 2048, {}) == pytest.approx(0.1)  # a whole vCPU or more: not stretched


def test_an_event_entry_is_billed_per_started_64_kb() -> None:
    small = {"Source": "warmpath", "DetailType": "AskCreated", "Detail": "{}"}
    large = {"Source": "s", "DetailType": "d", "Detail": "x" * 65_535}  # 65,537 bytes
    assert cost.event_chunks(small) == 1
    assert cost.event_chunks(large) == 2


def test_memory_sizes_come_from_each_function_else_the_globals() -> None:
    template = {
        "Globals": {"Function": {"MemorySize": 512}},
        "Resources": {
            "A": {"Type": "AWS::Serverless::Function", "Properties": {}},
            "B": {"Type": "AWS::Serverless::Function", "Properties": {"MemorySize": 1024}},
            "T": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
        },
    }
    assert cost.function_memory(template) == {"A": 512, "B": 1024}
    assert cost.function_memory({"Resources": template["Resources"]})["A"] == 128


def test_usage_is_priced_per_service_from_the_one_table() -> None:
    usage = cost.Usage()
    usage.add("rru", 8)
    usage.add("wru_table", 4)
    usage.add("wru_index", 2)
    usage.add("ses_recipients", 3)
    usage.invocations["F"] = 2
    usage.gb_seconds["F"] = 1.5
    costs = usage.cost()
    assert costs["dynamodb"] == pytest.approx(
        8 * price("dynamodb.read_request_unit") + 6 * price("dynamodb.write_request_unit")
    )
    assert costs["ses"] == pytest.approx(3 * price("ses.message"))
    assert costs["lambda"] == pytest.approx(1.5 * price("lambda.arm64_gb_second") + 2 * price("lambda.request"))
    assert all(source.startswith("https://aws.amazon.com/") for _, _, source, _ in PRICES.values())


def test_the_recorder_prices_what_a_function_writes_and_reads_on_the_stored_items(aws: Any) -> None:
    """Through moto: a function's calls are counted from the images DynamoDB stores, the driver's are not."""
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    table = aws.env["TABLE_NAME"]
    item = _item(2000, GSI1PK="K", GSI1SK="1")  # 2,021 bytes: 2 write units, and 2 more in GSI1
    key = {"PK": {"S": "P"}, "SK": {"S": "S"}}

    def function() -> None:
        client.put_item(TableName=table, Item=item)
        client.update_item(  # 2,021 -> 2,023 bytes, still in GSI1 under the same key: 2 + 2
            TableName=table, Key=key, UpdateExpression="SET y = :y", ExpressionAttributeValues={":y": {"S": "z"}}
        )
        client.get_item(TableName=table, Key=key, ConsistentRead=True)  # 2,023 bytes: 1 unit
        client.query(  # through the index: eventually consistent, 0.5
            TableName=table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :k",
            ExpressionAttributeValues={":k": {"S": "K"}},
        )
        client.transact_write_items(TransactItems=[{"Delete": {"TableName": table, "Key": key}}])  # 4 + 2

    recorder = cost.Recorder({"F": 512})
    recorder.install()
    try:
        recorder.invoke(lambda _id, _event: function())("F", {})
        client.get_item(TableName=table, Key=key)  # the driver's own read: not the application's
    finally:
        recorder.uninstall()

    assert recorder.usage.units["wru_table"] == 2 + 2 + 4
    assert recorder.usage.units["wru_index"] == 2 + 2 + 2
    assert recorder.usage.units["rru"] == 1 + 0.5
    assert recorder.usage.invocations == {"F": 1}
    assert sum(n for op, n in recorder.usage.calls.items() if op.startswith("F:dynamodb.")) == 5


def test_api_requests_are_traced_at_the_templates_sampling_rate() -> None:
    """Given the template's TraceSampleRate default (the X-Ray rule API Gateway applies), then the model traces
    that share of API requests; a template without the rule traces every one."""
    from warmpath_local.template import load_template

    template = load_template().raw
    rule = template["Resources"]["TraceSampling"]["Properties"]["SamplingRule"]

    assert cost.trace_sample_rate(template) == 0.05
    assert rule["FixedRate"] == {"Ref": "TraceSampleRate"} and rule["ReservoirSize"] == 0
    assert cost.trace_sample_rate({"Parameters": {}}) == 1.0
