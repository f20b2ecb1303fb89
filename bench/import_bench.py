"""Import a LinkedIn-sized export (30,000 rows by default) and compare with a bare BatchWriteItem.

Both sides write to the same backend -- a moto server in a separate process, with the table built from
the template's definition -- so this process's peak memory (max RSS) is the import's own, as in a
Lambda: the import (parse, resolve, write people, claims, ties and aggregates) against a bare
``batch_write_item`` of exactly the items the import wrote, 25 per call. Prints one JSON line per figure.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers"), str(ROOT / "tools")]
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "30000"))


def linkedin_export(rows: int) -> bytes:
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for i in range(rows):
        email = f"person{i}@company{i % 700}.example" if i % 5 == 0 else ""
        lines.append(
            f'First{i},Last{i},https://www.linkedin.com/in/person-{i},{email},"Company {i % 700}, Inc.",Role {i % 40},'
            f"{1 + i % 28:02d} Dec 2024"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def start_backend() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server, url


def main() -> None:
    server, url = start_backend()
    os.environ.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        TABLE_NAME="bench",
        AWS_ENDPOINT_URL=url,
    )
    try:
        run()
    finally:
        server.terminate()


def run() -> None:
    import boto3
    from warmpath import wiring
    from warmpath.contacts import parse_contacts
    from warmpath.network import import_in_chunks
    from warmpath_local.template import load_template

    data = linkedin_export(ROWS)
    definition = load_template().table_definition()
    client = boto3.client("dynamodb")
    client.create_table(TableName="bench", **definition)
    client.create_table(TableName="bare", **definition)
    wiring.reset()
    repo = wiring.repository()

    started = time.perf_counter()
    imported, _ = import_in_chunks(repo, "connector@bench.example", parse_contacts(data))
    import_seconds = time.perf_counter() - started
    # The import's own peak, before this benchmark reads everything back for the baseline.
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    items = [i for page in client.get_paginator("scan").paginate(TableName="bench") for i in page["Items"]]
    started = time.perf_counter()
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        unprocessed = client.batch_write_item(RequestItems={"bare": batch}).get("UnprocessedItems")
        assert not unprocessed
    bare_seconds = time.perf_counter() - started

    common = {"rows": ROWS, "items_written": len(items), "imported": imported}
    print(json.dumps({
        "name": "network_import.30k_linkedin", "value": round(import_seconds / bare_seconds, 3),
        "unit": "x bare BatchWriteItem of the same items", "baseline": f"bare writes = {bare_seconds:.2f} s",
        "target": 1.5, "meets_target": import_seconds / bare_seconds <= 1.5, "import_s": round(import_seconds, 2),
        **common,
    }))  # fmt: skip
    print(json.dumps({
        "name": "network_import.peak_memory", "value": round(rss_mb, 1), "unit": "MB (process max RSS)",
        "baseline": "a 256 MB Lambda", "target": 256, "meets_target": rss_mb <= 256,
        **common,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
