"""`python -m warmpath_deploy --stage prod [--region eu-west-1] [--json]`: exit 0 only when nothing is missing."""

from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from warmpath_deploy.check import check_deploy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make check-deploy", description=__doc__)
    parser.add_argument("--stage", default="prod", help="the stage deployed (stack warmpath-<stage>)")
    parser.add_argument("--region", default=None, help="the stack's region (default: the AWS CLI's)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = check_deploy(args.stage, session=boto3.Session(region_name=args.region))
    except (BotoCoreError, ClientError) as error:  # no credentials, no permission, no network
        print(f"cannot read the deploy: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_json(), indent=2) if args.json else report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
