"""The connector's network page: see ties, rate them, set privacy, delete everything."""

from __future__ import annotations

import re

from warmpath import wiring

from tests.conftest import AwsWorld, call_intake
from tests.integration.conftest import MARGARET, RILEY, session_cookies


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


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
        form={"csrf_token": _csrf(page.body), "strength": "weak", "visibility": "hidden"},
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

    deleted = call_intake("POST", "/network/delete", form={"csrf_token": _csrf(confirm.body)}, cookies=cookies)

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

    upload = call_intake("POST", "/network/uploads", form={"csrf_token": _csrf(page.body)}, cookies=cookies)

    assert upload.status == 200
    [job] = wiring.repository().import_jobs_of(MARGARET)
    assert job.status == "waiting"
    assert f'name="key" value="{job.s3_key}"' in upload.body
    assert "success_action_redirect" in upload.body
    assert "form-action 'self' https://" in upload.headers["Content-Security-Policy"]
