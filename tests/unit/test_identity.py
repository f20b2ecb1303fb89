"""Normalising the identifiers people are matched on (warmpath.identity)."""

from __future__ import annotations

import pytest
from warmpath.identity import normalise_email, normalise_linkedin_url, person_id_for


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("tom@big.example", "tom@big.example"),
        ("Tom.Target@Big.Example", "tom.target@big.example"),
        ("  tom@big.example \n", "tom@big.example"),
        ("tom+intro@mail.big.co.uk", "tom+intro@mail.big.co.uk"),
    ],
)
def test_email_is_lower_cased_and_trimmed(raw: str, normalised: str) -> None:
    assert normalise_email(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "tom",
        "tom@",
        "@big.example",
        "tom@big",
        "tom target@big.example",
        "tom@big .example",
        "<tom@big.example>",
        "tom@@big.example",
        "tom@big..example",
        "tom@-big.example",
        "a" * 250 + "@big.example",
    ],
)
def test_an_invalid_email_is_rejected(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_email(raw)


def test_an_invalid_email_error_quotes_the_input_and_says_what_is_expected() -> None:
    with pytest.raises(ValueError, match=r"'not-an-email' is not an email address \(expected name@company.com\)"):
        normalise_email("  not-an-email ")


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.linkedin.com/in/jane-doe",
        "http://www.linkedin.com/in/jane-doe",
        "https://linkedin.com/in/jane-doe",
        "www.linkedin.com/in/jane-doe",
        "linkedin.com/in/jane-doe",
        "https://uk.linkedin.com/in/jane-doe",
        "https://de.linkedin.com/in/jane-doe/",
        "https://www.linkedin.com/in/jane-doe/",
        "https://www.linkedin.com/in/jane-doe?trk=people-search&originalSubdomain=uk",
        "https://www.linkedin.com/in/jane-doe#experience",
        "https://WWW.LinkedIn.com/in/Jane-Doe",
        "LINKEDIN.COM/in/JANE-DOE/",
        "  https://www.linkedin.com/in/jane-doe/  ",
        "https://www.linkedin.com/in/jane-doe/details/experience/",
    ],
)
def test_linkedin_profile_url_variants_reduce_to_one_form(raw: str) -> None:
    assert normalise_linkedin_url(raw) == "linkedin.com/in/jane-doe"


def test_an_all_capitals_linkedin_url_reduces_to_the_same_form() -> None:
    assert normalise_linkedin_url("HTTPS://WWW.LINKEDIN.COM/IN/JANE-DOE") == "linkedin.com/in/jane-doe"


def test_two_different_legacy_pub_profiles_keep_different_identifiers() -> None:
    first = normalise_linkedin_url("https://www.linkedin.com/pub/john-smith/12/345/678")
    second = normalise_linkedin_url("https://www.linkedin.com/pub/john-smith/ab/cde/f01")

    assert first != second


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "https://example.com/in/jane-doe",
        "https://evillinkedin.com/in/jane-doe",
        "https://linkedin.com.evil.example/in/jane-doe",
        "https://linkedin.com@evil.example/in/jane-doe",
        "https://www.linkedin.com/company/big-corp",
        "https://www.linkedin.com/school/big-university/",
        "https://www.linkedin.com/",
        "https://www.linkedin.com/in/",
        "jane-doe",
    ],
)
def test_a_url_that_is_not_a_linkedin_profile_is_rejected(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_linkedin_url(raw)


def test_a_company_page_error_says_a_profile_url_is_expected() -> None:
    with pytest.raises(ValueError, match=r"expected linkedin\.com/in/"):
        normalise_linkedin_url("https://www.linkedin.com/company/big-corp")


def test_person_id_is_stable_across_calls_and_spellings() -> None:
    """Given the same person written two ways, when ids are computed, then they are equal (and short hex)."""
    first = person_id_for(email="Tom@Big.example", linkedin_url=None, name="Tom", organisation="Big")
    second = person_id_for(email=" tom@big.example ", linkedin_url=None, name="Thomas", organisation="Big Corp")

    assert first == second
    assert len(first) == 24
    assert int(first, 16) >= 0


def test_person_id_prefers_email_over_linkedin() -> None:
    by_email = person_id_for(email="tom@big.example", linkedin_url=None, name="Tom", organisation="Big")
    with_both = person_id_for(
        email="tom@big.example", linkedin_url="linkedin.com/in/tom", name="Tom", organisation="Big"
    )
    by_linkedin = person_id_for(email=None, linkedin_url="linkedin.com/in/tom", name="Tom", organisation="Big")

    assert with_both == by_email
    assert with_both != by_linkedin


def test_person_id_prefers_linkedin_over_name_and_organisation() -> None:
    first = person_id_for(email=None, linkedin_url="https://uk.linkedin.com/in/Tom/", name="Tom", organisation="Big")
    second = person_id_for(email="", linkedin_url="linkedin.com/in/tom", name="Thomas T", organisation="Other")
    by_name = person_id_for(email=None, linkedin_url=None, name="Tom", organisation="Big")

    assert first == second
    assert first != by_name


def test_person_id_from_name_and_organisation_ignores_case_and_spacing() -> None:
    first = person_id_for(email=None, linkedin_url=None, name="Tom  Target", organisation="Big Corp")
    second = person_id_for(email=None, linkedin_url=None, name=" tom target ", organisation="BIG   corp")
    other_org = person_id_for(email=None, linkedin_url=None, name="Tom Target", organisation="Small Corp")

    assert first == second
    assert first != other_org
