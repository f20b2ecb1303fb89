"""What the end-to-end and browser suites both do against a running local stack: read the dev mailbox."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from warmpath_local.stack import LocalStack


def mailbox(stack: LocalStack) -> list[dict[str, Any]]:
    return list(requests.get(f"{stack.url}/_dev/mail.json", timeout=5).json()["messages"])


def wait_for_mail(stack: LocalStack, matches: Callable[[dict[str, Any]], bool], timeout: float = 15) -> dict[str, Any]:
    """Poll the dev mailbox, as a person refreshing their inbox would, until a matching email arrives."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mailbox(stack) if matches(m)]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no matching email within {timeout}s; mailbox: {[m['subject'] for m in mailbox(stack)]}")
