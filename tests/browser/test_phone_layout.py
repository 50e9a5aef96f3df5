"""The signed-in recruiter's pages on a phone (375 px): none may scroll sideways as a whole.

Wide content (the ranking, the heat map, a member table) scrolls inside its own box; a page that
grows wider than the screen instead lets every line slide off under the recruiter's thumb. Each
page carries the content that once widened it: the team table's hidden "Actions" header, an
invitation to a long address (in the message and the pending list), a quoted resume line with no
space to break at, the results with the Charts fold opened, and an upload's progress list with a
file name longer than the screen, which must wrap between its parts, never inside "2023".
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from candidates.models import Document
from matcher.models import Match
from roles.models import Role, RoleSkill
from tests.browser.session import sign_in
from tests.browser.test_match_progress import (  # noqa: F401  (fixtures)
    long_must_haves,
    scored_match,
)
from tests.candidates.factories import DocumentFactory, UploadBatchFactory
from tests.matcher.test_workspace_views import role, skills  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
UNBROKEN_LINE = "World travel/Photography/Golf/Soccer/Movie/Fashion"
LONG_EMAIL = "alexandra.konstantinopoulou@talentpartners.example.com"
LONG_FILE_NAME = "Konstantinopoulou_Alexandra_SeniorDataEngineer_resume_2023_final-v12.pdf"
# Where a file name may wrap: after one of these, or where letters and digits meet.
NAME_SEPARATORS = "_-.+,;~/\\)]"


@pytest.fixture
def candidate_page(scored_match: Match) -> str:  # noqa: F811
    candidate = scored_match.results.order_by("pk").first().candidate
    candidate.profile = {
        **candidate.profile,
        "skills": [
            {
                "skill_id": 1,
                "name": "Photography",
                "count": 1,
                "confidence": 0.75,
                "lines": [{"line_no": 1, "line": UNBROKEN_LINE}],
            }
        ],
    }
    candidate.save(update_fields=["profile"])
    return f"/app/candidates/{candidate.pk}/"


@pytest.fixture
def results_page(long_must_haves, scored_match: Match) -> str:  # noqa: F811
    return f"/app/matches/{scored_match.pk}/"


@pytest.fixture
def new_match_role_page(role) -> str:  # noqa: F811
    # With a role chosen the page grows its skills table: weights and must-haves to edit.
    return f"/app/matches/new/?role_id={role.pk}"


@pytest.fixture
def new_match_own_role_page(alice: User, role) -> str:  # noqa: F811
    # The organisation's own role adds the box to save the weights to it, which names the role.
    own = Role.objects.create(
        title="Senior Clinical Informatics Data Engineer (Booking Platform)",
        slug="own-role-phone",
        organisation=alice.membership.organisation,
        status=Role.Status.DRAFT,
        description=role.description,
    )
    for role_skill in role.role_skills.all():
        RoleSkill.objects.create(
            role=own, skill=role_skill.skill, weight=role_skill.weight, must_have=True
        )
    return f"/app/matches/new/?role_id={own.pk}"


@pytest.fixture
def upload_progress_page(alice: User) -> str:
    batch = UploadBatchFactory(created_by=alice, file_count=2)
    DocumentFactory(
        organisation=batch.organisation,
        batch=batch,
        original_name=LONG_FILE_NAME,
        status=Document.Status.READING,
        size=184_320,
        detected_kind="pdf",
    )
    DocumentFactory(
        organisation=batch.organisation,
        batch=batch,
        original_name="scan.png",
        status=Document.Status.FAILED,
        error_message="The scan is too blurred to read, even with OCR.",
    )
    return f"/app/candidates/batches/{batch.pk}/"


@pytest.fixture
def match_progress_page(alice: User, role) -> str:  # noqa: F811
    batch = UploadBatchFactory(created_by=alice, file_count=1)
    document = DocumentFactory(
        organisation=batch.organisation,
        batch=batch,
        original_name=LONG_FILE_NAME,
        status=Document.Status.READING,
    )
    match = Match.objects.create(
        organisation=batch.organisation,
        role=role,
        role_version=role.version,
        role_title=role.title,
        status=Match.Status.RUNNING,
        price_cents=5,
        candidate_count=1,
        created_by=alice,
    )
    match.documents.add(document)
    return f"/app/matches/{match.pk}/"


def _lines_of(page: Page, selector: str) -> list[str]:
    """The element's text as the browser laid it out, one string per line."""
    characters = page.locator(selector).evaluate(
        """(element) => {
            const out = [];
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < node.length; i++) {
                    const range = document.createRange();
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const rects = range.getClientRects();
                    out.push([node.data[i], Math.round(rects[rects.length - 1].top)]);
                }
            }
            return out;
        }"""
    )
    lines: list[str] = []
    top = None
    for character, at in characters:
        if at != top:
            lines.append("")
            top = at
        lines[-1] += character
    return lines


def _sensible_break(before: str, after: str) -> bool:
    return (
        before in NAME_SEPARATORS
        or before.isspace()
        or before.isdigit() != after.isdigit()
        or (before.islower() and after.isupper())
    )


PAGES = {
    "dashboard": "/dashboard/",
    "upload": "/app/candidates/upload/",
    "candidates": "/app/candidates/",
    "new match": "/app/matches/new/",
    "new match for a role": "new_match_role_page",
    "new match for an own role": "new_match_own_role_page",
    "billing": "/billing/",
    "api tokens": "/settings/api-tokens/",
    "privacy": "/settings/privacy/",
    "team": "/organisation/team/",
    "candidate": "candidate_page",
    "results": "results_page",
    "upload progress": "upload_progress_page",
    "match progress": "match_progress_page",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_recruiter_page_scrolls_sideways_on_a_phone(
    live_server, page: Page, alice: User, request, artifacts_dir: Path, name: str
) -> None:
    path = PAGES[name]
    if not path.startswith("/"):
        path = request.getfixturevalue(path)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, alice.email)
    page.goto(live_server.url + path)
    if name == "results":
        # On a phone the Charts fold starts closed: open it as a recruiter would.
        page.locator("details.fold-charts > summary").click()
        expect(page.locator("svg.chart-heatmap")).to_be_visible()
    elif name == "candidate":
        expect(page.locator(".evidence-line")).to_have_text(UNBROKEN_LINE)
    elif name == "team":
        # The owner invites a teammate: the message and the pending invitation name the address.
        page.fill('input[type="email"]', LONG_EMAIL)
        page.get_by_role("button", name="Send invitation").click()
        expect(page.locator(".message")).to_contain_text(LONG_EMAIL)
        expect(page.locator(".plain-list")).to_contain_text(LONG_EMAIL)
    elif name == "upload":
        # The files picked, listed before they are sent.
        page.set_input_files(
            "#id_files",
            files=[{"name": LONG_FILE_NAME, "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
        )
        expect(page.locator("#picked-files li")).to_contain_text(LONG_FILE_NAME)
        lines = _lines_of(page, "#picked-files li >> nth=0")
        assert "".join(lines).startswith(LONG_FILE_NAME)
        assert len(lines) > 1, lines
        for line, following in pairwise(lines):
            assert _sensible_break(line[-1], following[0]), lines
    elif name == "new match for an own role":
        expect(page.locator('input[name="save_to_role"]')).to_be_visible()
    elif name in ("upload progress", "match progress"):
        file_name = page.locator(".file-name").first
        expect(file_name).to_have_text(LONG_FILE_NAME)
        # The whole name in one piece, where a pointer rests on it.
        expect(file_name).to_have_attribute("title", LONG_FILE_NAME)
        lines = _lines_of(page, ".file-name >> nth=0")
        assert "".join(lines) == LONG_FILE_NAME
        assert len(lines) > 1, lines
        for line, following in pairwise(lines):
            assert _sensible_break(line[-1], following[0]), lines
        # Nor does the list scroll inside its box: the stage and the result stay in sight.
        box = page.locator(".table-wrap").filter(has=file_name)
        inner = box.evaluate("(element) => [element.scrollWidth, element.clientWidth]")
        assert inner[0] <= inner[1], f"{name}: the file list is {inner[0]} px in {inner[1]} px"
    page.screenshot(
        path=str(artifacts_dir / f"phone-{name.replace(' ', '-')}-375.png"), full_page=True
    )
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} is {widths[0]} px wide on a {widths[1]} px screen"
