"""``python -m warmpath_local``: start the local stack, print where to go, stop cleanly on Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
import warnings
from pathlib import Path

from warmpath_local.stack import LocalStack

CONNECTION_FILE = Path(".warmpath") / "local.json"


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Warmpath on this machine (no AWS account needed).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Local handlers publish no CloudWatch metrics; Powertools warns about that on every call.
    warnings.filterwarnings("ignore", message="No application metrics to publish")

    stack = LocalStack(port=args.port, host=args.host)
    print("Starting Warmpath locally...", flush=True)
    stack.start()
    stack.write_connection_file(CONNECTION_FILE)
    seeded = stack.seeded
    target = seeded["example_target"]
    print(
        f"""
Warmpath is running.

  Open the app:      {stack.url}/
  Dev mailbox:       {stack.url}/_dev/mail      (every email sent; links work; reply box)
  API (OpenAPI):     {stack.url}/api/openapi.json
  Health:            {stack.url}/health
  Dashboard:         {stack.url}/admin/analytics   (sign in as the admin: do introductions pay off?)

Demo tenant '{seeded["tenant"]}' - sign in with any of these (the link arrives in the dev mailbox):
  admin:      {seeded["admin"]}      (members, invites, settings: {stack.url}/admin/members)
  requesters: {", ".join(seeded["requesters"])}
  connector:  margaret.hale@hale-ventures.example   (her asks, network search, ratings and privacy)
  {seeded["connectors"]} connectors with {seeded["ties"]} ties.

Try: sign in as {seeded["requesters"][0]}, ask for an introduction to
  {target["name"]}, {target["title"]} at {target["company"]} ({target["email"]})
then accept the ask from the connector's email in the mailbox, and agree as the target (double opt-in).

Connection details for the CLI: {CONNECTION_FILE}   Stop with Ctrl-C.
""",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    print("\nStopping...", flush=True)
    stack.stop()
    CONNECTION_FILE.unlink(missing_ok=True)
    print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
