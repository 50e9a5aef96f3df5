"""Blind review masking (matcher.blind): pure, no database."""

from __future__ import annotations

import pytest

from matcher.blind import (
    ADDRESS,
    BIRTH,
    EMAIL,
    LINK,
    NAME,
    PHONE,
    YEAR,
    Identity,
    alias_for,
    identity_from_profile,
    mask_text,
)

RESUME = """Jane Q. Doe
jane.doe@example.com | +44 20 7946 0958 | (555) 123-4567 | linkedin.com/in/janedoe
Address: 221B Baker Street, London
Date of birth: 3 May 1990
Marital status: Married
Senior ML Engineer, Acme Analytics, 2019 - 2023
She led the ranking team; her models served 40 million users. Doe also mentored him.
BSc Computer Science, University of Leeds, 2008 - 2012
Used PyTorch and Python daily; 2 years working in close collaboration with MS Excel users."""

PROFILE = {"name": {"value": "Jane Q. Doe", "confidence": 0.9}}


@pytest.fixture
def masked() -> str:
    return mask_text(RESUME, PROFILE)


def test_it_masks_every_part_of_the_name(masked: str) -> None:
    assert "Jane" not in masked
    assert "Doe" not in masked
    assert masked.splitlines()[0] == NAME


def test_it_masks_emails_phones_and_links(masked: str) -> None:
    contact = masked.splitlines()[1]
    assert contact == f"{EMAIL} | {PHONE} | {PHONE} | {LINK}"


def test_it_masks_the_street_address_and_the_date_of_birth(masked: str) -> None:
    assert "Baker" not in masked
    assert f"Address: {ADDRESS}" in masked
    assert f"Date of birth: {BIRTH}" in masked
    assert "1990" not in masked
    assert "Married" not in masked


def test_it_replaces_gendered_words_with_neutral_ones(masked: str) -> None:
    assert "They led the ranking team; their models served" in masked
    assert "mentored them." in masked
    assert " she " not in masked.lower()
    assert " him" not in masked


def test_it_masks_graduation_years_but_keeps_job_dates(masked: str) -> None:
    assert f"University of Leeds, {YEAR} - {YEAR}" in masked
    assert "Acme Analytics, 2019 - 2023" in masked


def test_it_keeps_skills_numbers_and_lookalike_words(masked: str) -> None:
    assert "PyTorch and Python" in masked
    assert "40 million users" in masked
    assert "in close collaboration" in masked
    assert "MS Excel" in masked


def test_it_keeps_line_numbers_so_evidence_still_points_at_the_right_line(masked: str) -> None:
    assert len(masked.splitlines()) == len(RESUME.splitlines())
    assert "PyTorch" in masked.splitlines()[8]


def test_it_does_not_mistake_a_year_range_for_a_phone_number() -> None:
    assert mask_text("Engineer 2016-2019 at Initech") == "Engineer 2016-2019 at Initech"


def test_it_masks_a_us_address_with_its_zip_code() -> None:
    masked = mask_text("Lives at 12 Main Street, Springfield, IL 62704")
    assert "Main Street" not in masked
    assert "62704" not in masked


def test_it_masks_the_candidates_own_links_and_corrected_columns() -> None:
    identity = identity_from_profile(
        {"links": {"value": [{"url": "https://ada.dev/about"}]}}, name="Ada Byron"
    )
    masked = mask_text("Ada Byron - portfolio ada.dev/about - Byron's work", identity)
    assert "Ada" not in masked
    assert "Byron" not in masked
    assert "ada.dev" not in masked


def test_without_a_profile_it_still_masks_patterns() -> None:
    masked = mask_text("Contact: someone@example.org, he is available", None)
    assert masked == f"Contact: {EMAIL}, they is available"


def test_an_identity_object_is_accepted_as_is() -> None:
    assert mask_text("Grace Hopper wrote COBOL", Identity(name="Grace Hopper")) == (
        f"{NAME} wrote COBOL"
    )


def test_aliases_count_like_spreadsheet_columns() -> None:
    assert [alias_for(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "Candidate A",
        "Candidate Z",
        "Candidate AA",
        "Candidate AB",
        "Candidate ZZ",
        "Candidate AAA",
    ]
