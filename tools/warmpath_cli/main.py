"""``warmpath``: the operator's command line.

By default it talks to the running local stack, whose connection details ``make dev`` writes to
``.warmpath/local.json`` (override with ``--connection`` or ``WARMPATH_CONNECTION``). With ``--aws`` it
uses the AWS credentials and region of the environment and the table named by ``TABLE_NAME``.
Every subcommand takes ``--json`` for machine-readable output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

DEFAULT_CONNECTION = Path(".warmpath") / "local.json"


class CliError(Exception):
    """A problem the operator can fix; printed without a traceback, exit status 2."""


def _connection(args: argparse.Namespace) -> dict[str, Any] | None:
    if args.aws:
        return None
    path = Path(args.connection or os.environ.get("WARMPATH_CONNECTION") or DEFAULT_CONNECTION)
    if not path.exists():
        raise CliError(f"No local stack found ({path} is missing). Start one with `make dev`, or pass --aws.")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _use(connection: dict[str, Any] | None) -> None:
    """Point boto3/PynamoDB at the local stack (or leave the AWS environment as it is)."""
    from warmpath import wiring

    if connection is not None:
        os.environ.update(connection["env"])
    elif not os.environ.get("TABLE_NAME"):
        raise CliError("Set TABLE_NAME (and your AWS credentials and region) to use --aws.")
    wiring.reset()


def requests_list(args: argparse.Namespace) -> Any:
    _use(_connection(args))
    from pynamodb.exceptions import PynamoDBException
    from warmpath import wiring

    repo = wiring.repository()
    try:
        repo.get_tenant(args.tenant)  # a clear error for an unknown tenant
        rows = repo.list_requests(args.tenant, requester=args.requester, limit=args.limit)
    except PynamoDBException as error:
        raise CliError(f"Could not read the table ({error.msg}). Is `make dev` running, or --aws configured?") from None
    return {
        "requests": [
            {
                "request_id": r.request_id,
                "status": r.status,
                "requester": r.requester_email,
                "target": r.target_name,
                "company": r.target_company,
                "paths": len(r.paths),
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ]
    }


def mail_list(args: argparse.Namespace) -> Any:
    connection = _connection(args)
    if connection is None:
        raise CliError("Sent mail is only kept by the local stack's dev mailbox; SES does not store it.")
    url = f"{connection['front_door']}/_dev/mail.json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())
    except OSError as error:
        raise CliError(
            f"The local stack at {connection['front_door']} is not answering ({error}). Is `make dev` running?"
        ) from None


def network_import(args: argparse.Namespace) -> Any:
    """Upload a contacts file for a connector and wait for the import job to finish."""
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.contacts import MAX_BYTES
    from warmpath.core.config import get_settings
    from warmpath.network import describe_job, new_import_job

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"There is no file at {path}.")
    if path.stat().st_size > MAX_BYTES:
        raise CliError(f"{path.name} is over the {MAX_BYTES // 1_048_576} MB limit; split it or export less.")
    repo = wiring.repository()
    member = repo.get_member(args.tenant, args.connector.strip().lower())
    if member is None or "connector" not in member.roles:
        raise CliError(f"{args.connector} is not a connector of tenant '{args.tenant}'. Invite them first.")
    job = new_import_job(repo, member.email, requested_by="cli", tenant=args.tenant, filename=path.name)
    import boto3

    boto3.client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=job.s3_key, Body=path.read_bytes())
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        job = repo.get_import_job(job.job_id)
        if job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    described = describe_job(job)
    if job.status == "failed":
        raise CliError(f"The import failed: {job.error}")
    if job.status != "done":
        raise CliError(f"Import {job.job_id} is still {job.status}; check later with `warmpath network status`.")
    return {k: described[k] for k in ("job_id", "format", "imported", "merged", "skipped")}


def invite(args: argparse.Namespace) -> Any:
    """Invite the connectors in a CSV to a tenant: store the file as an invite job, wait for it, print the report.

    Running it twice with the same file within minutes waits for the same job (nobody is invited twice).
    """
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.contacts import UnreadableFile
    from warmpath.core.config import get_settings
    from warmpath.invite_jobs import needs_file, open_invite_job, store_invite_file

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"There is no file at {path}.")
    repo = wiring.repository()
    repo.get_tenant(args.tenant)
    admin = args.admin or next((m.email for m in repo.list_members(args.tenant) if "admin" in m.roles), None)
    if admin is None:
        raise CliError(f"Tenant '{args.tenant}' has no admin to send the invitations from; pass --admin EMAIL.")
    data = path.read_bytes()
    try:
        job, _ = open_invite_job(repo, args.tenant, admin, path.name, data)
    except UnreadableFile as error:
        raise CliError(error.message) from None
    if needs_file(job):
        store_invite_file(get_settings().uploads_bucket, job, data)
    deadline = time.monotonic() + args.timeout
    while job.status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = repo.get_invite_job(job.job_id)
    if job.status == "failed":
        raise CliError(f"The invitations failed: {job.error}")
    if job.status != "done":
        raise CliError(
            f"Invite job {job.job_id} is still {job.status} ({int(job.processed)} of {int(job.lines)} lines); "
            "run the same command again to wait for it."
        )
    return {"rows": repo.invite_job_rows(job.job_id)}


def network_status(args: argparse.Namespace) -> Any:
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.network import describe_job

    repo = wiring.repository()
    jobs = [repo.get_import_job(args.job)] if args.job else repo.import_jobs_of(args.connector.strip().lower())
    return {"jobs": [describe_job(j) for j in jobs]}


def network_delete(args: argparse.Namespace) -> Any:
    if not args.yes:
        raise CliError("Deleting a network cannot be undone; add --yes to confirm.")
    _use(_connection(args))
    from warmpath import wiring

    deleted = wiring.repository().delete_network(args.connector.strip().lower())
    return {"deleted_items": deleted}


def paths(args: argparse.Namespace) -> Any:
    """The ranked paths to a prospect, as matching would rank them (nothing is stored or sent)."""
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.models import utcnow
    from warmpath.pathfinding import Target, find_paths
    from warmpath.ranking import RankingSettings

    repo = wiring.repository()
    tenant = repo.get_tenant(args.tenant)
    try:
        settings = RankingSettings.from_tenant(tenant.settings.as_dict() if tenant.settings else None)
    except ValueError as error:
        raise CliError(f"Tenant '{args.tenant}' has bad ranking settings: {error}") from None
    found = find_paths(
        repo,
        args.tenant,
        (args.requester or "").strip().lower(),
        Target(args.name, args.company, args.title, args.email, args.linkedin),
        request_id="cli",
        now=utcnow(),
        settings=settings,
    )
    return [
        {
            "connector_email": p.connector_email,
            "connector_name": p.connector_name,
            "connector_type": p.connector_type,
            "kind": p.path_type,
            "via": p.via_name,
            "strength": p.strength,
            "score": p.score,
            "responsiveness": p.responsiveness,
            "unavailable": p.unavailable,
            "reasons": list(p.reasons),
        }
        for p in found
    ]


def tenant_settings(args: argparse.Namespace) -> Any:
    """Show a tenant's ranking, fatigue and email settings, or change them (validated before anything is saved)."""
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.tenant_settings import effective

    repo = wiring.repository()
    tenant = repo.get_tenant(args.tenant)
    settings: dict[str, Any] = tenant.settings.as_dict() if tenant.settings else {}
    for assignment in args.set or []:
        key, sep, raw = assignment.partition("=")
        if not sep:
            raise CliError(f"'{assignment}' is not KEY=VALUE (for example asks_per_30_days=5, weights.type_fit=0).")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        group, _, name = key.partition(".")
        if name:
            settings.setdefault(group, {})[name] = value
        else:
            settings[key] = value
    for key in args.unset or []:
        group, _, name = key.partition(".")
        (settings.get(group, {}) if name else settings).pop(name or key, None)
    try:
        applied = effective(settings)
    except ValueError as error:
        raise CliError(f"Nothing was saved: {error}.") from None
    if args.set or args.unset:
        repo.set_tenant_settings(args.tenant, settings)
    return {"settings": settings, "effective": applied}


def inbound_parse(args: argparse.Namespace) -> Any:
    """What the inbound path concludes about a raw email, without acting on it (for support and tests).

    The reply address is looked up in the table when a stack is reachable (the local one, or --aws);
    without one, the token check fails and says so. Verdicts are read from the SES headers in the file.
    """
    from datetime import UTC, datetime

    from warmpath.inbound_mail import conclude, read_mime, reply_ids, verdicts_from_headers

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"There is no file at {path}.")
    raw = path.read_bytes()
    mime = read_mime(raw)
    ids = reply_ids(mime)
    address, note = None, None
    try:
        _use(_connection(args))
        from warmpath import wiring

        repo = wiring.repository()
        address = next((a for a in (repo.reply_address(i, datetime.now(UTC)) for i in ids) if a), None)
    except CliError as error:
        note = f"reply address not checked: {error}"
    found = conclude(
        raw,
        verdicts=verdicts_from_headers(mime),
        expected_sender=address.email if address else None,
        reply_id=ids[0] if ids else None,
        token_valid=address is not None,
    ).as_json()
    if address is not None:
        found["purpose"] = address.purpose
    if note:
        found["note"] = note
    return found


def _org_link_rows(links: Any) -> dict[str, Any]:
    return {"links": [{"a": x.a, "relation": x.relation, "b": x.b, "evidence": x.evidence} for x in links]}


def org_link(args: argparse.Namespace) -> Any:
    """Record that one organisation was renamed to, or is part of, another (a fact for every tenant)."""
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.identity import OrgLink, organisation_key

    a, b = organisation_key(args.organisation), organisation_key(args.other)
    evidence = args.evidence or f"stated by an operator: {args.organisation} {args.relation} {args.other}"
    try:
        link = OrgLink(a, b, args.relation, evidence)
    except ValueError as error:
        raise CliError(f"{error} ('{args.organisation}' and '{args.other}' read as '{a}' and '{b}').") from None
    repo = wiring.repository()
    repo.put_org_links([link], source="operator")
    return _org_link_rows(repo.org_links(a))


def org_links(args: argparse.Namespace) -> Any:
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.identity import organisation_key

    return _org_link_rows(wiring.repository().org_links(organisation_key(args.organisation)))


def org_unlink(args: argparse.Namespace) -> Any:
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.identity import organisation_key

    a, b = organisation_key(args.organisation), organisation_key(args.other)
    repo = wiring.repository()
    repo.remove_org_link(a, b)
    return _org_link_rows(repo.org_links(a))


def _print_table(result: dict[str, Any] | list[dict[str, Any]]) -> None:
    if isinstance(result, list):  # ranked paths
        if not result:
            print("No path: nobody in this tenant's network knows this person or their organisation yet.")
        for rank, p in enumerate(result, 1):
            via = f" via {p['via']}" if p["kind"] == "indirect" else ""
            print(f"{rank:>2}. {p['connector_name']} <{p['connector_email']}>  {p['kind']}{via}  score {p['score']}")
            for reason in ([p["unavailable"]] if p["unavailable"] else []) + p["reasons"]:
                print(f"      - {reason}")
        return
    if "requests" in result:
        rows = result["requests"]
        if not rows:
            print("No requests.")
        for r in rows:
            print(f"{r['request_id']}  {r['status']:<12} {r['target']} ({r['company']})  by {r['requester']}")
    elif "rows" in result:
        for row in result["rows"]:
            reason = f" - {row['reason']}" if row["reason"] else ""
            print(f"line {row['line']:<5} {row['email']:<40} {row['status']}{reason}")
    elif "imported" in result:
        print(f"Imported {result['imported']}, merged {result['merged']}, skipped {len(result['skipped'])}.")
        for skipped in result["skipped"]:
            print(f"  line {skipped['line']}: {skipped['reason']}")
    elif "jobs" in result:
        for job in result["jobs"]:
            counts = f"{job['imported']} new, {job['merged']} merged, {job['skipped_count']} skipped"
            print(f"{job['job_id']}  {job['status']:<8} {counts}  {job['filename']}")
    elif "intent" in result:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    elif "effective" in result:
        print(json.dumps(result, indent=2))
    elif "links" in result:
        if not result["links"]:
            print("No linked organisations.")
        for link in result["links"]:
            print(f"{link['a']} {link['relation']} {link['b']}  ({link['evidence']})")
    elif "deleted_items" in result:
        print(f"Deleted {result['deleted_items']} items.")
    elif "deals" in result:
        if not result["deals"]:
            print("No deals yet.")
        for d in result["deals"]:
            attributed = f"{d['attribution']} by {d['request_id']} ({d['attributed_by']})" if d["request_id"] else "-"
            print(f"{d['deal']:<32} {d['stage'] or '-':<12} {d['amount']:>10} {d['currency']:<4} {attributed}")
    elif "targets" in result:
        if not result["targets"]:
            print("No target accounts yet.")
        for t in result["targets"]:
            people = ", ".join(f"{c['name']} ({int(c['ties'])})" for c in t["connectors"]) or "nobody yet"
            print(f"{t['organisation']:<32} {people}")
    elif "paid" in result:
        print(f"Recorded a payment of {result['paid']:.2f} {result['currency'] or ''} ({result['kind']}).")
    elif "migrated" in result:
        done = result["migrated"]
        print(f"Copied {done['copied']} CRM accounts into their tenants; released {len(done['domains_released'])} "
              f"domain claims and {done['links_removed']} links; removed {len(done['organisations_removed'])} "
              "organisation records only CRMs had written.")  # fmt: skip
    elif "endpoint_url" in result:
        print(f"Configured salesforce. Set the Outbound Message's Endpoint URL to\n  {result['endpoint_url']}\n"
              "It carries the endpoint key and is shown only now; configuring again makes a new one.")  # fmt: skip
    elif "configured" in result:
        print(f"Configured {result['configured']}: post to {result['url']} (secret in {result['parameter']}).")
    elif "messages" in result:
        rows = result["messages"]
        if not rows:
            print("No mail sent yet.")
        for m in rows:
            print(f"#{m['index']:<3} {', '.join(m['to']):<40} {m['subject']}")


def crm_configure(args: argparse.Namespace) -> Any:
    """Store a tenant's CRM secret as an SSM SecureString. A typed secret is never printed back; Salesforce's
    endpoint key is generated, and its endpoint URL (which carries it) is printed this once."""
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.tenant_settings import crm_connection_value, salesforce_endpoint_url, store_crm_connection

    wiring.repository().get_tenant(args.tenant)  # a tenant that exists
    try:
        value = crm_connection_value(
            args.provider,
            secret=args.secret or "",
            org_id=args.org_id or "",
            writeback=bool(args.writeback),
            access_token=args.access_token or "",
            instance_url=args.instance_url or "",
        )
    except ValueError as error:
        raise CliError(f"Nothing was saved: {error}.") from None
    name = store_crm_connection(args.tenant, args.provider, value)
    result = {"configured": args.provider, "parameter": name, "url": f"/crm/{args.tenant}/{args.provider}",
              "writeback": bool(args.writeback)}  # fmt: skip
    if args.provider == "salesforce":
        result["endpoint_url"] = salesforce_endpoint_url(args.tenant, value["secret"])
    return result


def crm_migrate_orgs(args: argparse.Namespace) -> Any:
    """Move what CRMs wrote into global organisations and domain claims into their tenants (once; idempotent)."""
    _use(_connection(args))
    import dataclasses

    from warmpath import wiring
    from warmpath.crm_orgs import migrate_crm_organisations

    return {"migrated": dataclasses.asdict(migrate_crm_organisations(wiring.repository()))}


def deals(args: argparse.Namespace) -> Any:
    """A tenant's CRM deals with their stage and attribution."""
    _use(_connection(args))
    from warmpath import wiring

    repo = wiring.repository()
    repo.get_tenant(args.tenant)
    rows = []
    for deal in repo.list_deals(args.tenant):
        fields = deal.fields.as_dict()
        rows.append(
            {
                "deal": f"{deal.provider}:{deal.external_id}",
                "name": fields.get("name", ""),
                "stage": deal.stage,
                "crm_stage": fields.get("stage", ""),
                "amount": fields.get("amount", ""),
                "currency": fields.get("currency", ""),
                "close_date": fields.get("close_date", ""),
                "request_id": deal.request_id,
                "attribution": deal.attribution,
                "attributed_by": deal.attributed_by,
                "modified_at": deal.modified_at.isoformat(),
            }
        )
    return {"deals": rows}


def targets(args: argparse.Namespace) -> Any:
    """The tenant's target accounts (flagged in the CRM) and the connectors with ties at each."""
    _use(_connection(args))
    from warmpath import wiring

    repo = wiring.repository()
    repo.get_tenant(args.tenant)
    rows = [
        {
            "organisation": t.organisation,
            "account": t.account,
            "connectors": [dict(c.as_dict()) if hasattr(c, "as_dict") else dict(c) for c in t.connectors or []],
            "updated_at": t.updated_at.isoformat(),
        }
        for t in repo.target_accounts(args.tenant)
    ]
    return {"targets": rows}


def rewards_export(args: argparse.Namespace) -> Any:
    """The payable rewards (cash and charity owed, per connector) as CSV on standard output."""
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.csv_export import write_rows
    from warmpath.rewards import balances

    repo = wiring.repository()
    repo.get_tenant(args.tenant)
    by_connector: dict[str, list[Any]] = {}
    for entry in repo.tenant_ledger(args.tenant):
        by_connector.setdefault(entry.connector_email, []).append(entry)
    rows: list[list[Any]] = [["connector_email", "connector_name", "kind", "currency", "amount_payable"]]
    for email in sorted(by_connector):
        member = repo.get_member(args.tenant, email)
        for (kind, currency), owed in sorted(balances(by_connector[email]).items(), key=str):
            if kind in ("cash", "charity") and owed > 0:
                rows.append([email, member.name if member else "", kind, currency or "", f"{owed:.2f}"])
    write_rows(sys.stdout, rows)
    return {"exported": len(rows) - 1, "quiet": True}


def rewards_pay(args: argparse.Namespace) -> Any:
    """Record that a connector's reward was paid (never more than is owed)."""
    _use(_connection(args))
    from warmpath import wiring
    from warmpath.rewards import pay

    try:
        entry = pay(wiring.repository(), tenant=args.tenant, connector_email=args.connector, kind=args.kind,
                    currency=args.currency, amount=args.amount, note=args.note or "")  # fmt: skip
    except ValueError as error:
        raise CliError(str(error)) from None
    return {"paid": float(entry.amount), "kind": entry.reward_kind, "currency": entry.currency}


def build_parser() -> argparse.ArgumentParser:
    from warmpath.tenant_settings import CRM_PROVIDERS

    parser = argparse.ArgumentParser(prog="warmpath", description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON")
    common.add_argument("--connection", help="local stack connection file (default .warmpath/local.json)")
    common.add_argument("--aws", action="store_true", help="use AWS (credentials, region and TABLE_NAME from env)")
    groups = parser.add_subparsers(dest="group", required=True)

    requests = groups.add_parser("requests", help="introduction requests").add_subparsers(dest="action", required=True)
    listing = requests.add_parser("list", parents=[common], help="list a tenant's requests, newest first")
    listing.add_argument("--tenant", required=True)
    listing.add_argument("--requester", help="only this requester's requests")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(run=requests_list)

    inviting = groups.add_parser("invite", parents=[common], help="invite the connectors in a CSV file")
    inviting.add_argument("--tenant", required=True)
    inviting.add_argument("--admin", help="the admin the invitations come from (default: the tenant's first admin)")
    inviting.add_argument("--timeout", type=float, default=600, help="seconds to wait for the job")
    inviting.add_argument("file")
    inviting.set_defaults(run=invite)

    network = groups.add_parser("network", help="connectors' networks").add_subparsers(dest="action", required=True)
    importing = network.add_parser("import", parents=[common], help="import a contacts file and wait for it")
    importing.add_argument("--tenant", required=True)
    importing.add_argument("--connector", required=True, help="the connector's email")
    importing.add_argument("--timeout", type=float, default=300, help="seconds to wait for the job")
    importing.add_argument("file")
    importing.set_defaults(run=network_import)
    status = network.add_parser("status", parents=[common], help="a connector's import jobs")
    status.add_argument("--connector", required=True)
    status.add_argument("--job", help="just this job")
    status.set_defaults(run=network_status)
    delete = network.add_parser("delete", parents=[common], help="delete a connector's whole network")
    delete.add_argument("--connector", required=True)
    delete.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    delete.set_defaults(run=network_delete)

    ranking = groups.add_parser("paths", parents=[common], help="the ranked paths to a prospect, with reasons")
    ranking.add_argument("--tenant", required=True)
    ranking.add_argument("--name", required=True, help="the prospect's full name")
    ranking.add_argument("--company", required=True)
    ranking.add_argument("--email")
    ranking.add_argument("--linkedin", help="the prospect's LinkedIn profile URL")
    ranking.add_argument("--title", help="the prospect's job title (seniority changes the ranking)")
    ranking.add_argument("--requester", help="rank for this requester (their history with connectors counts)")
    ranking.set_defaults(run=paths)

    inbound = groups.add_parser("inbound", help="inbound mail").add_subparsers(dest="action", required=True)
    parsing = inbound.add_parser("parse", parents=[common], help="what a raw email means, without acting on it")
    parsing.add_argument("file", help="an .eml file (RFC 5322)")
    parsing.set_defaults(run=inbound_parse)

    tenant = groups.add_parser("tenant", help="a tenant's settings").add_subparsers(dest="action", required=True)
    configuring = tenant.add_parser("settings", parents=[common], help="show or change ranking and fatigue settings")
    configuring.add_argument("--tenant", required=True)
    configuring.add_argument("--set", action="append", metavar="KEY=VALUE", help="e.g. asks_per_30_days=5")
    configuring.add_argument("--unset", action="append", metavar="KEY", help="back to the default")
    configuring.set_defaults(run=tenant_settings)

    orgs = groups.add_parser("org", help="organisations that belong together").add_subparsers(
        dest="action", required=True
    )
    linking = orgs.add_parser("link", parents=[common], help="ORGANISATION was renamed to / is part of OTHER")
    linking.add_argument("organisation")
    linking.add_argument("other")
    linking.add_argument("--relation", required=True, choices=["renamed", "subsidiary"])
    linking.add_argument("--evidence", help="where this is known from (shown with every match it makes)")
    linking.set_defaults(run=org_link)
    listing_links = orgs.add_parser("links", parents=[common], help="the organisations linked to one")
    listing_links.add_argument("organisation")
    listing_links.set_defaults(run=org_links)
    unlinking = orgs.add_parser("unlink", parents=[common], help="forget a link between two organisations")
    unlinking.add_argument("organisation")
    unlinking.add_argument("other")
    unlinking.set_defaults(run=org_unlink)

    mail = groups.add_parser("mail", help="the dev mailbox").add_subparsers(dest="action", required=True)
    mail.add_parser("list", parents=[common], help="every email the local stack sent").set_defaults(run=mail_list)

    crm = groups.add_parser("crm", help="CRM webhooks").add_subparsers(dest="action", required=True)
    configure = crm.add_parser("configure", parents=[common], help="store a tenant's CRM secret (SSM SecureString)")
    configure.add_argument("--tenant", required=True)
    configure.add_argument("--provider", required=True, choices=CRM_PROVIDERS)
    configure.add_argument("--secret", help="HubSpot app secret, or the generic webhook's shared secret "
                           "(Salesforce's endpoint key is generated)")  # fmt: skip
    configure.add_argument("--org-id", help="Salesforce Organization ID (15 or 18 characters)")
    configure.add_argument("--writeback", action="store_true", help="log activities in the CRM (off by default)")
    configure.add_argument("--access-token", help="write-back: HubSpot private app token or Salesforce access token")
    configure.add_argument("--instance-url", help="write-back: the Salesforce instance URL "
                           "(https://<your domain>.my.salesforce.com)")  # fmt: skip
    configure.set_defaults(run=crm_configure)
    crm.add_parser("migrate-orgs", parents=[common], help="move CRM-written organisations into their tenants (once)"
                   ).set_defaults(run=crm_migrate_orgs)  # fmt: skip
    listing_deals = groups.add_parser("deals", parents=[common], help="CRM deals with their attribution")
    listing_deals.add_argument("--tenant", required=True)
    listing_deals.set_defaults(run=deals)
    listing_targets = groups.add_parser("targets", parents=[common], help="target accounts and who has ties there")
    listing_targets.add_argument("--tenant", required=True)
    listing_targets.set_defaults(run=targets)
    rewards = groups.add_parser("rewards", help="connector rewards").add_subparsers(dest="action", required=True)
    export = rewards.add_parser("export", parents=[common], help="payable rewards as CSV (standard output)")
    export.add_argument("--tenant", required=True)
    export.set_defaults(run=rewards_export)
    paying = rewards.add_parser("pay", parents=[common], help="record that a reward was paid")
    paying.add_argument("--tenant", required=True)
    paying.add_argument("--connector", required=True, help="the connector's email")
    paying.add_argument("--kind", choices=("cash", "charity"), default="cash")
    paying.add_argument("--currency", default="USD")
    paying.add_argument("--amount", type=float, required=True)
    paying.add_argument("--note", help="a payment reference")
    paying.set_defaults(run=rewards_pay)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from warmpath.core.errors import WarmpathError

    try:
        result = args.run(args)
    except (CliError, WarmpathError) as error:
        message = error.message if isinstance(error, WarmpathError) else str(error)
        if args.json:
            print(json.dumps({"error": message}))
        else:
            print(f"warmpath: {message}", file=sys.stderr)
        return 2
    if isinstance(result, dict) and result.get("quiet"):
        return 0  # the command printed its own output (CSV)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        _print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
