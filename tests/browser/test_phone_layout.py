"""The signed-in recruiter's pages on a phone (375 px): none may scroll sideways as a whole.

Wide content (the ranking, the heat map, a member table) scrolls inside its own box; a page that
grows wider than the screen instead lets every line slide off under the recruiter's thumb. Each
page carries the content that once widened it: the team table's hidden "Actions" header, an
invitation to a long address (in the message and the pending list), a quoted resume line with no
space to break at, and the results with the Charts fold opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from matcher.models import Match
from tests.browser.session import sign_in
from tests.browser.test_match_progress import (  # noqa: F401  (fixtures)
    long_must_haves,
    scored_match,
)
from tests.matcher.test_workspace_views import role, skills  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
UNBROKEN_LINE = "World travel/Photography/Golf/Soccer/Movie/Fashion"
LONG_EMAIL = "alexandra.konstantinopoulou@talentpartners.example.com"


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


PAGES = {
    "dashboard": "/dashboard/",
    "upload": "/app/candidates/upload/",
    "candidates": "/app/candidates/",
    "new match": "/app/matches/new/",
    "billing": "/billing/",
    "api tokens": "/settings/api-tokens/",
    "privacy": "/settings/privacy/",
    "team": "/organisation/team/",
    "candidate": "candidate_page",
    "results": "results_page",
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
    page.screenshot(
        path=str(artifacts_dir / f"phone-{name.replace(' ', '-')}-375.png"), full_page=True
    )
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} is {widths[0]} px wide on a {widths[1]} px screen"
