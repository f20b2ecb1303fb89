"""``make bench-scale``: the matching bench on dynalite at the full 1,000,000 ties (opt-in, never CI).

moto answers an index query by walking the whole table, so ``make bench`` runs matching at 2% of the
tenant. dynalite (npm, MIT: DynamoDB's API on LevelDB, installed under .bench/dynalite) has real indexes:
this starts it on a loopback port with its data under .bench/out/, loads the synthetic tenant through
parallel BatchWriteItem (about 4 million items at scale 1.0: roughly half an hour here) and runs
bench/match_bench.py against it. The data stays on disk with a marker, so a second run of the same scale
goes straight to matching. Every figure line is also written to .bench/out/bench-scale-<scale>.jsonl.

BENCH_MATCH_SCALE (default 1.0) as in match_bench.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DYNALITE = ROOT / ".bench" / "dynalite" / "node_modules" / ".bin" / "dynalite"
OUT = ROOT / ".bench" / "out"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"dynalite did not answer on port {port}")


def main() -> None:
    if not DYNALITE.exists():
        raise SystemExit("dynalite is not installed: run `make bench-scale` (npm install --prefix .bench/dynalite)")
    scale = os.environ.setdefault("BENCH_MATCH_SCALE", "1.0")
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    data = OUT / f"dynalite-{scale}"
    log = (OUT / f"dynalite-{scale}.log").open("w")
    server = subprocess.Popen(
        [str(DYNALITE), "--host", "127.0.0.1", "--port", str(port), "--path", str(data)], stdout=log, stderr=log
    )
    try:
        wait_for(port)
        env = {**os.environ, "BENCH_MATCH_ENDPOINT": f"http://127.0.0.1:{port}"}
        bench = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "match_bench.py")], env=env, stdout=subprocess.PIPE, text=True
        )
        assert bench.stdout is not None
        with (OUT / f"bench-scale-{scale}.jsonl").open("w") as figures:
            for line in bench.stdout:
                print(line, end="", flush=True)
                figures.write(line)
                figures.flush()
        if bench.wait():
            raise SystemExit(bench.returncode)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
