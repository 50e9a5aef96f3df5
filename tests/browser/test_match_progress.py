"""Following a match in the browser (issue 17): the live progress offers the ranking as soon as
one candidate is scored and takes the recruiter to it when the match ends; the results page is
photographed on a laptop and on a phone, with the ranking first on the phone.

The match is scored by the real engine in-process (eager Celery); the test then plays it back as
"running" to watch the live part change without waiting for a worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from billing.services import credit_grant
from candidates.models import Candidate
from matcher.models import Match
from matcher.services.matches import match_create
from roles.models import Role, RoleSkill, Skill
from tests.browser.session import sign_in
from tests.matcher.test_workspace_views import (  # noqa: F401  (fixtures)
    _candidate,
    role,
    skills,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    ("Ada Lovelace", "She", ""),
    ("Grace Hopper", "She", "PyTorch"),
    ("Alan Turing", "He", "Kubernetes"),
    ("Katherine Johnson", "She", "SQL"),
    ("Dorothy Vaughan", "She", "Python"),
    ("Edsger Dijkstra", "He", "PyTorch"),
    ("Barbara Liskov", "She", ""),
    ("Donald Knuth", "He", "SQL"),
]


@pytest.fixture
def scored_match(alice, alice_org, role, celery_eager) -> Match:  # noqa: F811
    credit_grant(org=alice_org, cents=300, kind="trial_grant", idempotency_key="t", reference="t")
    pool = []
    for i, (name, pronoun, missing) in enumerate(PEOPLE):
        candidate = _candidate(alice_org, name, f"p{i}@example.com", pronoun=pronoun)
        if missing:
            candidate.text = candidate.text.replace(missing, "")
            candidate.skills = [s for s in candidate.skills if s != missing]
            candidate.save()
        pool.append(candidate)
    match = match_create(org=alice_org, user=alice, role=role, candidates=pool)
    match.refresh_from_db()
    assert match.status == Match.Status.DONE, match.status_message
    return match


def test_live_progress_offers_the_results_and_moves_to_them_when_done(
    live_server, page: Page, alice, scored_match: Match, artifacts_dir: Path
) -> None:
    total = scored_match.candidate_count
    Match.objects.filter(pk=scored_match.pk).update(status=Match.Status.RUNNING, scored_count=0)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, alice.email)
    page.goto(live_server.url + f"/app/matches/{scored_match.pk}/")
    status = page.locator("#match-status")
    expect(status).to_contain_text(f"0 of {total} candidates scored")
    expect(page.locator("[data-see-results]")).to_have_count(0)

    # The first candidate is scored: the part that refreshes every second offers the ranking.
    Match.objects.filter(pk=scored_match.pk).update(scored_count=1)
    link = page.get_by_role("link", name="See results so far")
    expect(link).to_be_visible(timeout=10_000)
    Match.objects.filter(pk=scored_match.pk).update(scored_count=total - 1)
    expect(status).to_contain_text(f"{total - 1} of {total} candidates scored", timeout=10_000)
    page.screenshot(path=str(artifacts_dir / "match-progress.png"), full_page=True)

    # The match ends: the page moves to the ranking by itself.
    Match.objects.filter(pk=scored_match.pk).update(status=Match.Status.DONE, scored_count=total)
    expect(page.locator("table.ranking")).to_be_visible(timeout=10_000)
    expect(page.locator("table.ranking tbody tr")).to_have_count(total)
    page.screenshot(path=str(artifacts_dir / "results-1366.png"), full_page=True)
    # The ranking fits its column: no sideways scroll, on the page or in the table's frame.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(
        "(() => { const w = document.querySelector('#results .table-wrap');"
        " return w.scrollWidth <= w.clientWidth; })()"
    )
    # The heat map is drawn at its own size, not shrunk until its labels cannot be read.
    label_px = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('svg.chart-heatmap text')).fontSize)"
        " * document.querySelector('svg.chart-heatmap').getBoundingClientRect().width"
        " / document.querySelector('svg.chart-heatmap').viewBox.baseVal.width"
    )
    assert label_px >= 11

    # On a phone the ranking comes first; the tools are folded below it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    ranking = page.locator("table.ranking")
    expect(ranking).to_be_visible()
    assert ranking.bounding_box()["y"] < 844 * 1.5, "the ranking starts too far down"
    page.screenshot(path=str(artifacts_dir / "results-390.png"), full_page=True)
    page.screenshot(path=str(artifacts_dir / "results-390-first-screen.png"))


@pytest.fixture
def long_must_haves(role: Role) -> Role:  # noqa: F811
    """Must-haves with long names nobody in PEOPLE has, so the drawer lists them all."""
    for name in (
        "Infrastructure as Code (Terraform)",
        "Observability and Incident Response",
        "Distributed Systems Design",
    ):
        skill, _ = Skill.objects.get_or_create(name=name, defaults={"category": "Tech"})
        RoleSkill.objects.create(role=role, skill=skill, weight=3, must_have=True)
    return role


def test_on_a_phone_the_evidence_drawer_wraps_a_long_list_of_missing_must_haves(
    live_server, page: Page, alice, long_must_haves: Role, scored_match: Match, artifacts_dir: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, alice.email)
    page.goto(live_server.url + f"/app/matches/{scored_match.pk}/")
    page.locator("table.ranking tbody tr").first.locator("a.candidate-link").click()
    drawer = page.locator("#drawer")
    expect(drawer.locator(".gap")).to_contain_text("Observability and Incident Response")
    page.screenshot(path=str(artifacts_dir / "drawer-390.png"))
    assert drawer.evaluate("(el) => el.scrollWidth <= el.clientWidth")


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_ranking_shows_its_decision_column_with_long_skill_names(
    live_server, page: Page, alice, long_must_haves: Role, scored_match: Match, width: int
) -> None:
    # Long must-haves fill the "Missing" column of every row, and uploads keep names without a
    # space to break at: the table must still show its last column (the recruiter's decision)
    # without a sideways scroll on a desktop screen.
    Candidate.objects.filter(organisation=scored_match.organisation).update(
        file_name="Senior_Staff_Accountant_Resume_2024_final_version_v3.pdf"
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, alice.email)
    page.goto(live_server.url + f"/app/matches/{scored_match.pk}/")
    expect(page.locator("table.ranking tbody tr")).to_have_count(len(PEOPLE))
    wrap = page.locator("#results .table-wrap")
    assert wrap.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    header = page.get_by_role("columnheader", name="Decision").bounding_box()
    frame = wrap.bounding_box()
    assert header
    assert frame
    assert header["x"] + header["width"] <= frame["x"] + frame["width"] + 0.5
