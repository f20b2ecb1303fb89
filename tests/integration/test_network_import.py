"""Network import: an upload in S3 becomes ties, people and aggregates; reports; re-imports; deletion."""

from __future__ import annotations

import copy

from warmpath import wiring
from warmpath.events import NetworkImported
from warmpath.models import IdentityClaim, ImportJob, OrgTies, Person, Relationship, WarmpathItem
from warmpath.network import new_import_job

from tests.conftest import SHARED_FIXTURES, AwsWorld, aws_client, call_function, eventbridge_event, load_fixture

EXPORTS = SHARED_FIXTURES / "contact_exports"
CONNECTOR = "ben.carter@acme.example"


def _upload(aws: AwsWorld, data: bytes, filename: str = "Connections.csv") -> str:
    """Do what the CLI (or a browser) does: open a job, put the file where the job waits for it."""
    job = new_import_job(wiring.repository(), CONNECTOR, requested_by="cli", tenant="demo", filename=filename)
    bucket = aws.env["UPLOADS_BUCKET"]
    aws_client("s3").put_object(Bucket=bucket, Key=job.s3_key, Body=data)
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/s3Event.json"))
    event["Records"][0]["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    event["Records"][0]["s3"]["object"]["key"] = job.s3_key.replace("/", "%2F")  # S3 URL-encodes keys in events
    call_function("matching.imports", event)
    return str(job.job_id)


def _job(job_id: str) -> ImportJob:
    return wiring.repository().get_import_job(job_id)


def _network() -> dict[str, Relationship]:
    return {t.person_name: t for t in wiring.repository().network_of(CONNECTOR)}


def test_a_linkedin_export_becomes_ties_with_a_report(aws: AwsWorld, demo: dict) -> None:
    before = len(_network())

    job = _job(_upload(aws, (EXPORTS / "linkedin-connections.csv").read_bytes()))

    assert (job.status, job.format, job.imported, job.merged, job.skipped_count) == ("done", "linkedin", 3, 0, 0)
    network = _network()
    assert len(network) == before + 3
    zoe = network["Zoë Whitaker"]
    assert (zoe.person_organisation, zoe.org_key, zoe.connected_on) == ("Soylent, Inc.", "soylent", "2021-08-19")
    assert (zoe.strength, zoe.visibility, zoe.source) == ("unknown", "visible", "linkedin")
    [announced] = aws.bus.of_type(NetworkImported)
    assert (announced.job_id, announced.status) == (job.job_id, "done")


def test_the_import_report_is_emailed_to_the_connector(aws: AwsWorld, demo: dict) -> None:
    _upload(aws, (EXPORTS / "linkedin-connections.csv").read_bytes())

    call_function("notify.app", eventbridge_event(aws.bus.of_type(NetworkImported)[0]))

    [email] = aws.sent_emails()
    assert email["to"] == [CONNECTOR]
    assert email["subject"] == "Your contacts are in: 3 new, 0 updated"


def test_reimporting_the_same_file_adds_nothing_twice(aws: AwsWorld, demo: dict) -> None:
    data = (EXPORTS / "linkedin-connections.csv").read_bytes()
    _upload(aws, data)
    size = len(_network())

    second = _job(_upload(aws, data))

    assert (second.imported, second.merged) == (0, 3)
    assert len(_network()) == size


def test_the_same_person_from_google_merges_with_the_linkedin_tie(aws: AwsWorld, demo: dict) -> None:
    _upload(aws, (EXPORTS / "linkedin-connections.csv").read_bytes())

    google = _job(_upload(aws, (EXPORTS / "google-contacts.csv").read_bytes(), "contacts.csv"))

    # Avery Quinn shares the LinkedIn profile; Hana Kobayashi is new.
    assert (google.imported, google.merged) == (1, 1)
    avery = _network()["Avery Quinn"]
    assert avery.person_email == "avery.quinn@globex.example"


def test_a_newer_export_updates_ties_but_keeps_the_connectors_ratings(aws: AwsWorld, demo: dict) -> None:
    from warmpath.network import rate_tie

    _upload(aws, (EXPORTS / "linkedin-connections.csv").read_bytes())
    avery = _network()["Avery Quinn"]
    rate_tie(wiring.repository(), CONNECTOR, avery.person_id, "very_strong", visibility="ask_first")
    newer = (EXPORTS / "linkedin-connections.csv").read_text(encoding="utf-8").replace("Chief Operating Officer", "CEO")

    _upload(aws, newer.encode("utf-8"))

    avery = _network()["Avery Quinn"]
    assert avery.person_title == "CEO"
    assert (avery.strength, avery.strength_rated_by, avery.visibility) == ("very_strong", "connector", "ask_first")


def test_aggregates_per_organisation_are_kept_for_matching(aws: AwsWorld, demo: dict) -> None:
    _upload(aws, (EXPORTS / "linkedin-connections.csv").read_bytes())

    aggregate = OrgTies.get(f"NETWORK#{CONNECTOR}", "ORG#soylent")
    at_soylent = wiring.repository().connectors_at("soylent")

    assert (aggregate.tie_count, aggregate.visible_count) == (1, 1)
    assert [entry["name"] for entry in aggregate.top] == ["Zoë Whitaker"]
    assert [a.connector_email for a in at_soylent] == [CONNECTOR]


def test_an_unreadable_file_fails_the_job_with_a_reason_and_adds_nothing(aws: AwsWorld, demo: dict) -> None:
    before = len(_network())

    job = _job(_upload(aws, b"PK\x03\x04 an excel file", "contacts.xlsx"))

    assert job.status == "failed"
    assert "Excel" in (job.error or "")
    assert len(_network()) == before
    call_function("notify.app", eventbridge_event(aws.bus.of_type(NetworkImported)[0]))
    assert aws.sent_emails()[0]["subject"] == "We could not import your contacts"


def test_a_redelivered_upload_event_imports_once(aws: AwsWorld, demo: dict) -> None:
    job_id = _upload(aws, (EXPORTS / "linkedin-connections.csv").read_bytes())
    from matching.imports import run_import

    status = run_import(job_id, (EXPORTS / "linkedin-connections.csv").read_bytes())

    assert status == "done"
    assert (_job(job_id).imported, _job(job_id).merged) == (3, 0)


def test_deleting_a_network_leaves_no_item_of_it(aws: AwsWorld) -> None:
    # Given a connector whose network holds people nobody else knows, and one person someone else knows
    repo = wiring.repository()
    repo.put_tenant("demo", "Demo")
    _upload(aws, (EXPORTS / "linkedin-connections.csv").read_bytes())
    from warmpath.contacts import parse_contacts
    from warmpath.network import import_contacts

    import_contacts(repo, "someone.else@x.example", parse_contacts((EXPORTS / "contacts.vcf").read_bytes()))

    deleted = repo.delete_network(CONNECTOR)

    items = list(WarmpathItem.scan())
    remaining_text = " ".join(str(i.attribute_values) for i in items)
    assert deleted > 0
    assert CONNECTOR not in remaining_text
    assert "Mateo" not in remaining_text and "Zoë" not in remaining_text
    assert sorted(p.name for p in Person.scan()) == ["Avery Quinn", "Hana Kobayashi"]
    people = {p.person_id for p in Person.scan()}
    assert {c.person_id for c in IdentityClaim.scan()} == people
