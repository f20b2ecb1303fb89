"""Matching at scale: items read per match, time against the raw queries it needs, and ranking quality.

The synthetic tenant (bench/synthetic_tenant.py) is loaded straight into moto's in-process backend (the
fixture is not what is measured), then every planted target is matched through ``find_paths``:

- ``matching.items_read_beyond_candidates``: DynamoDB items returned per match (counted from the responses
  through botocore's ``after-call`` events) minus two per candidate connector: its evidence (the tie to the
  target, or its aggregate at the organisation) and its tenant membership (the fatigue history, status and
  sharing the ranking needs, which changes on every ask: README "Why two items per candidate"). The bar is "two per
  candidate + a small constant", so the figure is the worst constant seen. Any Scan fails the bench.
- ``matching.time``: a match's time over the same reads issued raw with a boto3 client (no models, no
  ranking) against the same backend in the same run.
- ``matching.hit_at_1`` / ``matching.ndcg_at_5``: against the planted ground truth.
- ``matching.large_org.items_read`` / ``matching.large_org.time``: one target at an organisation 500 of the
  1,000 connectors know (synthetic_tenant.LARGE_ORG); the items must stay two per candidate + 5.

BENCH_MATCH_ENDPOINT runs it against a real engine instead of moto (bench/scale_bench.py starts dynalite and
sets it): the tenant is then loaded through parallel BatchWriteItem, once per scale (a marker item).

BENCH_MATCH_SCALE (default 0.02: about 20,000 ties) scales every network; 1.0 is the full 1,000,000
ties. moto answers an index query by walking the whole table (about 15 us an item here), so time grows
with the scale on both sides of the ratio, and the full size takes hours; DynamoDB's reads are by key and
do not grow with the table, so the item counts and the ranking quality are what the scale does not change.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers"), str(ROOT / "tools"), str(ROOT / "bench")]
SCALE = float(os.environ.get("BENCH_MATCH_SCALE", "0.02"))
# Every match is also issued raw (its candidate count comes from there); the time ratio is the median over
# the first TIMED of them (all 40 by default: over 10, two runs of the same data have differed 2x here) and over
# LARGE_ORG_RUNS runs at the large organisation.
TIMED = int(os.environ.get("BENCH_MATCH_TIMED", "40"))
LARGE_ORG_RUNS = int(os.environ.get("BENCH_MATCH_LARGE_RUNS", "7"))
ENDPOINT = os.environ.get("BENCH_MATCH_ENDPOINT", "")  # a DynamoDB engine to run on instead of moto (dynalite)
TENANT = "synthetic"


def emit(
    name: str, value: float, unit: str, baseline: str, target: float | None, higher: bool = False, **extra: Any
) -> None:
    meets = None if target is None else (value >= target if higher else value <= target)
    line = {"name": name, "value": round(value, 3), "unit": unit, "baseline": baseline, "target": target}
    print(json.dumps({**line, "meets_target": meets, **extra}), flush=True)


def load(backend: Any, table: str, synthetic: Any) -> None:
    """Put the synthetic tenant straight into moto's backend (the fixture is not what is measured)."""
    for item in items(synthetic):
        backend.put_item(table, item)


def items(synthetic: Any) -> Iterator[dict[str, Any]]:
    """The synthetic tenant's members, people, claims, ties and aggregates as the import writes them."""
    from warmpath.identity import claim_keys, organisation_key
    from warmpath.models import IdentityClaim, Member, OrgTies, Person, Relationship, Tenant
    from warmpath.network import TOP_CONTACTS

    def put(item: Any) -> dict[str, Any]:
        return cast(dict[str, Any], item.serialize())

    built: dict[str, int] = defaultdict(int)

    def fast(kind: str, item: dict[str, Any], model: Any) -> dict[str, Any]:
        """``item`` built by hand (PynamoDB's serialize costs ~300 us an item: most of loading 4 million),
        checked against the model's own serialization on a sample, so it cannot drift from what the import writes."""
        built[kind] += 1
        if built[kind] <= 20 or built[kind] % 10_000 == 0:
            expected = put(model())
            if item != expected:
                raise SystemExit(f"hand-built {kind} differs from the model's: {item} != {expected}")
        return item

    org_keys = [organisation_key(o) for o in synthetic.organisations]

    def s(value: str) -> dict[str, str]:
        return {"S": value}

    yield put(Tenant(PK=f"TENANT#{TENANT}", SK="TENANT", slug=TENANT, name="Synthetic"))
    for email, name, kind in synthetic.connectors:
        yield put(
            Member(
                PK=f"TENANT#{TENANT}", SK=f"MEMBER#{email}", GSI1PK=f"USER#{email}", GSI1SK=f"TENANT#{TENANT}",
                tenant=TENANT, email=email, name=name, roles={"connector"}, status="joined", connector_type=kind,
            )
        )  # fmt: skip
    known = set()
    for tie in synthetic.ties:
        known.add(tie.person)
    for person in sorted(known):
        name, title, org = synthetic.people[person]
        organisation = synthetic.organisations[org]
        claims = claim_keys(email=synthetic.person_email(person), name=name, organisation=organisation)
        yield put(Person(PK=f"PERSON#p{person}", SK="PERSON", person_id=f"p{person}", name=name, title=title,
                   organisation=organisation, org_key=organisation_key(organisation), claims=set(claims)))  # fmt: skip
        for claim in claims:
            yield fast(
                "IdentityClaim",
                {"PK": s(f"IDENT#{claim}"), "SK": s("IDENT"), "kind": s("IdentityClaim"), "person_id": s(f"p{person}")},
                lambda c=claim, p=person: IdentityClaim(PK=f"IDENT#{c}", SK="IDENT", person_id=f"p{p}"),
            )
    aggregates: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for tie in synthetic.ties:
        email = synthetic.connectors[tie.connector][0]
        name, title, org = synthetic.people[tie.person]
        organisation = synthetic.organisations[org]
        rated_by = "connector" if tie.rated else "inferred"
        yield fast(
            "Relationship",
            {"PK": s(f"NETWORK#{email}"), "SK": s(f"TIE#p{tie.person}"), "GSI1PK": s(f"KNOWN#p{tie.person}"),
             "GSI1SK": s(f"NETWORK#{email}"), "kind": s("Relationship"), "connector_email": s(email),
             "person_id": s(f"p{tie.person}"), "person_name": s(name), "person_title": s(title),
             "person_organisation": s(organisation), "org_key": s(org_keys[org]), "strength": s(tie.strength),
             "strength_rated_by": s(rated_by), "source": s("linkedin"), "connected_on": s(tie.connected_on),
             "visibility": s("visible")},
            lambda t=tie, e=email, n=name, ti=title, o=organisation, r=rated_by: Relationship(
                PK=f"NETWORK#{e}", SK=f"TIE#p{t.person}",
                GSI1PK=f"KNOWN#p{t.person}", GSI1SK=f"NETWORK#{e}", connector_email=e,
                person_id=f"p{t.person}", person_name=n, person_title=ti,
                person_organisation=o, org_key=organisation_key(o), strength=t.strength,
                strength_rated_by=r, source="linkedin", connected_on=t.connected_on, visibility="visible",
            ),
        )  # fmt: skip
        aggregates[(tie.connector, org)].append(tie)
    order = {"very_strong": 4, "strong": 3, "average": 2, "weak": 1, "unknown": 1}
    for (connector, org), ties in aggregates.items():
        email = synthetic.connectors[connector][0]
        key = org_keys[org]
        ranked = sorted(ties, key=lambda t: (-order[t.strength], t.person))[:TOP_CONTACTS]
        top = [
            {"person_id": f"p{t.person}", "name": synthetic.people[t.person][0], "title": synthetic.people[t.person][1],
             "strength": t.strength, "visibility": "visible"}
            for t in ranked
        ]  # fmt: skip
        yield fast(
            "OrgTies",
            {"PK": s(f"NETWORK#{email}"), "SK": s(f"ORG#{key}"), "GSI1PK": s(f"ORGTIES#{key}"),
             "GSI1SK": s(f"NETWORK#{email}"), "kind": s("OrgTies"), "connector_email": s(email), "org_key": s(key),
             "organisation": s(synthetic.organisations[org]), "tie_count": {"N": str(len(ties))},
             "visible_count": {"N": str(len(ties))}, "strongest": s(ranked[0].strength),
             "top": {"L": [{"M": {k: s(v) for k, v in entry.items()}} for entry in top]}},
            lambda e=email, k=key, o=org, ts=ties, r=ranked, tp=top: OrgTies(
                PK=f"NETWORK#{e}", SK=f"ORG#{k}", GSI1PK=f"ORGTIES#{k}", GSI1SK=f"NETWORK#{e}",
                connector_email=e, org_key=k, organisation=synthetic.organisations[o], tie_count=len(ts),
                visible_count=len(ts), strongest=r[0].strength, top=tp,
            ),
        )  # fmt: skip


class ReadCounter:
    """Counts DynamoDB items returned and operations called, from botocore's after-call events."""

    def __init__(self) -> None:
        self.items = 0
        self.operations: dict[str, int] = defaultdict(int)

    def __call__(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.operations[model.name] += 1
        if model.name in ("Query", "Scan"):
            self.items += len(parsed.get("Items", []))
        elif model.name == "BatchGetItem":
            self.items += sum(len(v) for v in parsed.get("Responses", {}).values())
        elif model.name == "GetItem":
            self.items += 1 if parsed.get("Item") else 0


def raw_reads(client: Any, table: str, target: Any, requester: str) -> int:
    """The reads a match needs, issued raw: links, claims, ties to each person, aggregates, members, never-ask.

    Returns the number of candidate connectors (everyone with evidence, the requester aside)."""
    from warmpath.identity import organisation_key, target_claims

    org = organisation_key(target.company)
    client.query(  # the organisation's links (read, as the match reads them; the synthetic tenant has none)
        TableName=table,
        KeyConditionExpression="PK = :p AND begins_with(SK, :s)",
        ExpressionAttributeValues={":p": {"S": f"ORG#{org}"}, ":s": {"S": "LINK#"}},
    )
    claims = target_claims(email=target.email, name=target.name, organisation=target.company)
    keys = [{"PK": {"S": f"IDENT#{c.key}"}, "SK": {"S": "IDENT"}} for c in claims]
    found = client.batch_get_item(RequestItems={table: {"Keys": keys}})["Responses"][table]
    connectors: set[str] = set()
    for person in {i["person_id"]["S"] for i in found}:
        for item in client.query(TableName=table, IndexName="GSI1", KeyConditionExpression="GSI1PK = :p",
                                 ExpressionAttributeValues={":p": {"S": f"KNOWN#{person}"}})["Items"]:  # fmt: skip
            connectors.add(item["connector_email"]["S"])
    for item in client.query(TableName=table, IndexName="GSI1", KeyConditionExpression="GSI1PK = :p",
                             ExpressionAttributeValues={":p": {"S": f"ORGTIES#{org}"}})["Items"]:  # fmt: skip
        connectors.add(item["connector_email"]["S"])
    emails = sorted(connectors - {requester})
    for start in range(0, len(emails), 100):
        chunk = emails[start : start + 100]
        client.batch_get_item(RequestItems={table: {"Keys": [
            {"PK": {"S": f"TENANT#{TENANT}"}, "SK": {"S": f"MEMBER#{e}"}} for e in chunk]}})  # fmt: skip
        client.batch_get_item(RequestItems={table: {"Keys": [
            {"PK": {"S": f"NETWORK#{e}"}, "SK": {"S": f"NEVER#{org}"}} for e in chunk]}})  # fmt: skip
    return len(emails)


def ndcg(ranked: list[int], truth: dict[int, int], k: int = 5) -> float:
    gains = [truth.get(c, 0) for c in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(truth.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def main() -> None:
    os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    os.environ.update(TABLE_NAME="bench-match")
    if ENDPOINT:  # a real engine (dynalite, bench/scale_bench.py): PynamoDB and boto3 both follow the variable
        os.environ["AWS_ENDPOINT_URL"] = ENDPOINT
        run()
        return
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws

    with mock_aws():
        run()


def write_batches(client: Any, table: str, synthetic: Any, workers: int = 8) -> int:
    """BatchWriteItem, 25 items a call, ``workers`` calls in flight (unprocessed items sent again)."""
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    def send(batch: list[dict[str, Any]]) -> None:
        requests = [{"PutRequest": {"Item": item}} for item in batch]
        while requests:
            left = client.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems", {})
            requests = left.get(table, [])

    written, batch = 0, []
    pending: set[Future[None]] = set()
    with ThreadPoolExecutor(workers) as pool:
        for item in items(synthetic):
            batch.append(item)
            if len(batch) == 25:
                pending.add(pool.submit(send, batch))
                written, batch = written + 25, []
                if len(pending) >= workers * 4:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        future.result()
                if written % 250_000 == 0:
                    print(f"loaded {written} items", file=sys.stderr, flush=True)
        if batch:
            pending.add(pool.submit(send, batch))
            written += len(batch)
        for future in pending:
            future.result()
    return written


def prepare(client: Any, synthetic: Any) -> Any:
    """Create and fill the table: moto's backend directly, or a real engine through BatchWriteItem, once
    (a marker item says a table at this endpoint already holds this scale, so matching can be re-run)."""
    from warmpath_local.template import load_template

    marker = {"PK": {"S": "BENCH#LOADED"}, "SK": {"S": f"SCALE#{SCALE}"}}
    if ENDPOINT:
        if "bench-match" in client.list_tables()["TableNames"]:
            if client.get_item(TableName="bench-match", Key=marker).get("Item"):
                return {"items": "already loaded"}
            client.delete_table(TableName="bench-match")
            client.get_waiter("table_not_exists").wait(TableName="bench-match")
        client.create_table(TableName="bench-match", **load_template().table_definition())
        client.get_waiter("table_exists").wait(TableName="bench-match")
        written = write_batches(client, "bench-match", synthetic)
        client.put_item(TableName="bench-match", Item=marker)
        return {"items": written}
    from moto.dynamodb.models import dynamodb_backends

    client.create_table(TableName="bench-match", **load_template().table_definition())
    load(dynamodb_backends["123456789012"]["us-east-1"], "bench-match", synthetic)
    return {}


def run() -> None:
    import boto3
    from botocore.config import Config
    from synthetic_tenant import generate, network_sizes
    from warmpath import wiring
    from warmpath.models import shared_connection, utcnow
    from warmpath.pathfinding import Target, find_paths

    started = time.perf_counter()
    synthetic = generate(scale=SCALE)
    client = boto3.client("dynamodb", config=Config(max_pool_connections=16))
    loaded = prepare(client, synthetic)
    load_seconds = time.perf_counter() - started
    wiring.reset()
    repo = wiring.repository()
    counter = ReadCounter()
    shared_connection().connection.client.meta.events.register("after-call.dynamodb", counter)
    email_of = {e: i for i, (e, _, _) in enumerate(synthetic.connectors)}
    now = utcnow()

    order = [0]

    def match(planted: Any) -> tuple[list[Any], int, float, int, float]:
        """A match through find_paths and the same reads raw: paths, items read, time, candidates, raw time.

        Which goes first alternates, so neither side always finds the engine's caches warmed by the other.
        """
        name, title, org = synthetic.people[planted.person]
        target = Target(name=name, company=synthetic.organisations[org], title=title)
        order[0] += 1
        if order[0] % 2:
            t0 = time.perf_counter()
            considered = raw_reads(client, "bench-match", target, "requester@bench.example")
            raw_elapsed = time.perf_counter() - t0
        counter.items = 0
        t0 = time.perf_counter()
        paths = find_paths(repo, TENANT, "requester@bench.example", target, request_id="bench", now=now)
        elapsed = time.perf_counter() - t0
        read = counter.items
        if not order[0] % 2:
            t0 = time.perf_counter()
            considered = raw_reads(client, "bench-match", target, "requester@bench.example")
            raw_elapsed = time.perf_counter() - t0
        return paths, read, elapsed, considered, raw_elapsed

    extra: list[int] = []
    candidates_seen: list[int] = []
    match_times: list[float] = []
    raw_times: list[float] = []
    hits = 0
    ndcgs: list[float] = []
    for planted in synthetic.planted:
        paths, read, elapsed, considered, raw_elapsed = match(planted)
        if len(raw_times) < TIMED:
            match_times.append(elapsed)
            raw_times.append(raw_elapsed)
        candidates_seen.append(considered)
        extra.append(read - 2 * considered)
        direct = [email_of[p.connector_email] for p in paths if p.path_type == "direct"]
        hits += bool(direct) and planted.truth.get(direct[0]) == max(planted.truth.values())
        ndcgs.append(ndcg(direct, planted.truth))
    large: list[tuple[int, float, int, float]] = []
    for _ in range(LARGE_ORG_RUNS if synthetic.large_org else 0):
        _, read, elapsed, considered, raw_elapsed = match(synthetic.large_org)
        large.append((read, elapsed, considered, raw_elapsed))
    if counter.operations.get("Scan"):
        raise SystemExit("a match used Scan")
    sizes = sorted(network_sizes(synthetic))
    common = {
        "scale": SCALE,
        "ties": len(synthetic.ties),
        "connectors": len(synthetic.connectors),
        "network_size_median": sizes[len(sizes) // 2],
        "network_size_max": sizes[-1],
        "matches": len(synthetic.planted),
        "timed_matches": len(raw_times),
        "load_s": round(load_seconds, 1),
        "engine": "dynalite" if ENDPOINT else "moto",
        **loaded,
    }
    per_candidate = candidates_seen
    emit(
        "matching.items_read_beyond_candidates",
        max(extra),
        "items read minus two per candidate connector: evidence and membership (worst match)",
        f"candidates per match: median {statistics.median(per_candidate)}, max {max(per_candidate)}",
        5,
        items_per_candidate=round(max((e + 2 * c) / c for e, c in zip(extra, per_candidate, strict=True) if c), 2),
        operations=dict(counter.operations),
        **common,
    )
    ratio = statistics.median(match_times) / statistics.median(raw_times)
    emit(
        "matching.time",
        ratio,
        "x the raw queries it needs (median of matches)",
        f"raw = {statistics.median(raw_times) * 1000:.0f} ms",
        1.5,
        match_ms=round(statistics.median(match_times) * 1000),
        **common,
    )
    if large:
        from synthetic_tenant import LARGE_ORG

        read, _, considered, _ = large[0]
        org_ties = sum(
            1
            for t in synthetic.ties
            if synthetic.people[t.person][2] == synthetic.people[synthetic.large_org.person][2]
        )
        at_org = {"organisation": LARGE_ORG, "candidates": considered, "ties_at_organisation": org_ties}
        emit(
            "matching.large_org.items_read",
            read,
            "items read by a match at an organisation 500 of the 1,000 connectors know",
            f"2 x candidates + 5 = {2 * considered + 5}",
            2 * considered + 5,
            **at_org,
            **common,
        )
        ratio = statistics.median(r[1] for r in large) / statistics.median(r[3] for r in large)
        emit(
            "matching.large_org.time",
            ratio,
            "x the raw queries it needs (median of runs)",
            f"raw = {statistics.median(r[3] for r in large) * 1000:.0f} ms",
            1.5,
            match_ms=round(statistics.median(r[1] for r in large) * 1000),
            runs=len(large),
            **at_org,
            **common,
        )
    emit("matching.hit_at_1", hits / len(synthetic.planted), "fraction", "planted ground truth", 0.9, True, **common)
    emit("matching.ndcg_at_5", statistics.mean(ndcgs), "mean", "planted ground truth", None, True, **common)


if __name__ == "__main__":
    main()
