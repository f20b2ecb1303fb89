"""The connector's network page: see ties, rate them, set privacy, delete everything."""

from __future__ import annotations

from warmpath import wiring

from tests.conftest import AwsWorld, call_intake
from tests.integration.conftest import MARGARET, RILEY, session_cookies
from tests.integration.flows import csrf_of


def _priya() -> object:
    return next(t for t in wiring.repository().network_of(MARGARET) if t.person_name == "Priya Natarajan")


def test_a_connector_sees_their_ties_with_strength_and_privacy(aws: AwsWorld, demo: dict) -> None:
    page = call_intake("GET", "/network", cookies=session_cookies(MARGARET))

    assert page.status == 200
    assert "Priya Natarajan" in page.body
    assert '<option value="very_strong" selected>' in page.body
    assert 'name="visibility"' in page.body


def test_rating_a_tie_changes_its_strength_and_privacy(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(MARGARET)
    page = call_intake("GET", "/network", cookies=cookies)
    priya = _priya()

    saved = call_intake(
        "POST",
        f"/network/ties/{priya.person_id}",  # type: ignore[attr-defined]
        form={"csrf_token": csrf_of(page.body), "strength": "weak", "visibility": "hidden"},
        cookies=cookies,
    )

    assert saved.status == 303
    priya = _priya()
    assert (priya.strength, priya.visibility, priya.strength_rated_by) == ("weak", "hidden", "connector")  # type: ignore[attr-defined]


def test_a_rating_without_csrf_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    priya = _priya()

    result = call_intake(
        "POST",
        f"/network/ties/{priya.person_id}",  # type: ignore[attr-defined]
        form={"strength": "weak", "visibility": "hidden"},
        cookies=session_cookies(MARGARET),
    )

    assert result.status == 403
    assert _priya().strength == "very_strong"  # type: ignore[attr-defined]


def test_the_delete_page_asks_first_and_only_the_post_deletes(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(MARGARET)

    confirm = call_intake("GET", "/network/delete", cookies=cookies)
    assert confirm.status == 200 and wiring.repository().network_of(MARGARET)

    deleted = call_intake("POST", "/network/delete", form={"csrf_token": csrf_of(confirm.body)}, cookies=cookies)

    assert deleted.status == 303
    assert wiring.repository().network_of(MARGARET) == []


def test_requesters_have_no_network_page_and_connectors_no_requests(aws: AwsWorld, demo: dict) -> None:
    assert call_intake("GET", "/network", cookies=session_cookies(RILEY)).status == 403
    assert call_intake("GET", "/requests", cookies=session_cookies(MARGARET)).status == 403
    home = call_intake("GET", "/", cookies=session_cookies(MARGARET))
    assert home.headers["Location"] == "/network"


def test_starting_an_upload_opens_a_job_and_a_form_that_posts_to_s3(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(MARGARET)
    page = call_intake("GET", "/network", cookies=cookies)

    upload = call_intake("POST", "/network/uploads", form={"csrf_token": csrf_of(page.body)}, cookies=cookies)

    assert upload.status == 200
    [job] = wiring.repository().import_jobs_of(MARGARET)
    assert job.status == "waiting"
    assert f'name="key" value="{job.s3_key}"' in upload.body
    assert "success_action_redirect" in upload.body
    assert "form-action 'self' https://" in upload.headers["Content-Security-Policy"]


def test_an_unrated_tie_on_a_path_gets_a_one_click_rating_email(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import IntroRequested, MatchingCompleted

    from tests.conftest import call_function, eventbridge_event

    # Given Margaret's tie to Priya is not rated yet
    repo = wiring.repository()
    priya = _priya()
    priya.strength, priya.strength_rated_by = "unknown", "inferred"  # type: ignore[attr-defined]
    repo.put_relationships([priya])  # type: ignore[list-item]
    created = call_intake("POST", "/api/requests", json_body={
        "target_name": "Priya Natarajan", "target_company": "Northwind Logistics",
        "target_email": "priya.natarajan@northwind.example", "reason": "We would love to meet Priya soon.",
    }, cookies=session_cookies(RILEY))  # fmt: skip
    assert created.status == 201
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[0]))

    # When the requester is told about the paths
    call_function("notify.app", eventbridge_event(aws.bus.of_type(MatchingCompleted)[0]))

    # Then Margaret is asked how well she knows Priya, and one click (confirmed) records it
    [email] = [m for m in aws.sent_emails() if m["to"] == [MARGARET]]
    assert email["subject"] == "How well do you know Priya Natarajan?"
    very_well = next(link for link in email["links"] if "/r/" in link).split("/r/")[1]
    page = call_intake("GET", f"/r/{very_well}")
    assert _priya().strength == "unknown"  # type: ignore[attr-defined]
    saved = call_intake("POST", f"/r/{very_well}", form={"csrf_token": csrf_of(page.body)}, cookies=page.cookies)
    assert saved.status == 200 and "Saved" in saved.body
    assert (_priya().strength, _priya().strength_rated_by) == ("very_strong", "connector")  # type: ignore[attr-defined]
    again = call_intake("GET", f"/r/{very_well}")
    assert "Already answered" in again.body
