"""Hypothesis throws arbitrary input at what reads untrusted text: the document extractors, the
job-description reader and every search box. Each either works or refuses with its own error;
none raises anything else, and no page answers 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from candidates.parsing.errors import ParseError
from candidates.parsing.extract import extract
from candidates.parsing.text import extract_html, extract_rtf, extract_text
from roles.job_description import MAX_SKILLS, extract_job_profile
from roles.selectors import skill_matcher
from tests.candidates.factories import resume_docx, resume_pdf, taxonomy

__all__ = ["taxonomy"]

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same inputs in every run: a CI failure reproduces at once
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NAMES = ["cv.pdf", "cv.docx", "cv.doc", "cv.txt", "cv.rtf", "cv.html", "cv.odt", "cv.png", "cv"]
# Real beginnings, so the fuzzer gets past format detection into each parser.
PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"{\\rtf1 ", b"<html><body>", b"\x89PNG\r\n\x1a\n"]


def read_or_refuse(reader: Callable[[], Any]) -> Any:
    """What the reader gives, or its refusal, which must carry a code and a message; anything
    else it raises fails the test."""
    try:
        return reader()
    except ParseError as exc:
        return exc


def mangled(data: bytes, cuts: list[int], junk: bytes) -> bytes:
    """A real document damaged: cut short and with bytes overwritten."""
    out = bytearray(data)
    for cut in cuts:
        position = cut % max(1, len(out))
        out[position : position + len(junk)] = junk
    return bytes(out[: max(1, len(out) - (cuts[0] if cuts else 0))])


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=4000), name=st.sampled_from(NAMES))
def test_the_extractors_read_or_refuse_any_bytes(prefix: bytes, body: bytes, name: str) -> None:
    outcome = read_or_refuse(lambda: extract(prefix + body, name, ocr=False))
    if isinstance(outcome, ParseError):
        assert outcome.code
        assert outcome.message
    else:
        assert isinstance(outcome.text, str)


@FUZZ
@given(
    kind=st.sampled_from(["pdf", "docx"]),
    cuts=st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=4),
    junk=st.binary(min_size=1, max_size=64),
)
def test_the_extractors_read_or_refuse_damaged_documents(
    kind: str, cuts: list[int], junk: bytes
) -> None:
    original = resume_pdf() if kind == "pdf" else resume_docx()
    outcome = read_or_refuse(
        lambda: extract(mangled(original, cuts, junk), f"cv.{kind}", ocr=False)
    )
    if isinstance(outcome, ParseError):
        assert outcome.code
        assert outcome.message
    else:
        assert outcome.text


@FUZZ
@given(text=st.text(max_size=3000))
def test_the_text_readers_take_any_text(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    for reader in (extract_text, extract_html, extract_rtf):
        outcome = read_or_refuse(lambda reader=reader: reader(data))
        if isinstance(outcome, ParseError):
            assert outcome.code
        else:
            assert isinstance(outcome.text, str)


@pytest.mark.django_db
@FUZZ
@given(
    text=st.text(max_size=3000)
    | st.lists(
        st.sampled_from(
            [
                "Requirements:",
                "Nice to have",
                "5+ years of Python",
                "Kubernetes (k8s) required",
                "must have PostgreSQL",
                "\u2022",
                "\n",
                "Senior Backend Engineer",
                "at least 300 years' experience with Docker",
            ]
        )
        | st.text(max_size=40),
        max_size=60,
    ).map(" ".join)
)
def test_the_job_description_reader_takes_any_text(taxonomy, text: str) -> None:
    profile = extract_job_profile(text, skill_matcher())
    assert len(profile.skills) <= MAX_SKILLS
    for skill in profile.skills:
        assert 1 <= skill.weight <= 5
        assert skill.min_years is None or 0 <= skill.min_years <= 50


SEARCH_BOXES = [
    "/roles/",
    "/app/candidates/",
    "/app/matches/new/",
    "/app/matches/new/roles/",
    "/api/v1/roles/",
    "/api/v1/candidates/",
]


@pytest.mark.django_db
@FUZZ
@given(query=st.text(max_size=300))
@example(query="\x00")
@example(query="%_\\'\"; DROP TABLE roles; --")
@example(query="\u202eevil\ufeff\U0001f600" * 30)
def test_every_search_box_answers_any_query_without_a_server_error(
    alice, alice_api, client, taxonomy, query: str
) -> None:
    client.force_login(alice)
    for path in SEARCH_BOXES:
        api = path.startswith("/api/")
        # Followed: the role picker's htmx partial, opened on its own, redirects to its page.
        response = (alice_api if api else client).get(path, {"q": query}, follow=True)
        assert response.status_code in (200, 400), (path, repr(query), response.status_code)
