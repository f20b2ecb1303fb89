"""Run checkov on the translated template, skipping only the reviewed checks in infra/checkov-skips.yaml.

    python tools/warmpath_template/checkov_run.py .venv-tools/checkov/bin/checkov .aws-sam/translated.json

Runs with the project's Python (PyYAML); checkov itself runs from its own environment.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SKIPS = ROOT / "infra" / "checkov-skips.yaml"
CHECK_ID = re.compile(r"^CKV2?_AWS_\d+$")
MIN_REASON = 40  # characters: a reason, not a label


def load_skips(path: Path = SKIPS) -> dict[str, str]:
    """The skips, each an id with its reason; refuses an entry without a real reason or with a malformed id."""
    skips = yaml.safe_load(path.read_text()) or {}
    if not isinstance(skips, dict):
        raise ValueError(f"{path}: expected check id: reason")
    for check_id, reason in skips.items():
        if not CHECK_ID.match(str(check_id)):
            raise ValueError(f"{path}: {check_id!r} is not a checkov AWS check id")
        if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON:
            raise ValueError(f"{path}: {check_id} needs its reason (at least {MIN_REASON} characters)")
    return {str(k): str(v).strip() for k, v in skips.items()}


def command(checkov: str, template: str, skips: dict[str, str]) -> list[str]:
    return [
        checkov,
        "--file",
        template,
        "--framework",
        "cloudformation",
        "--compact",
        "--quiet",
        "--skip-download",
        "--skip-check",
        ",".join(sorted(skips)),
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    return subprocess.call(command(argv[1], argv[2], load_skips()))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
