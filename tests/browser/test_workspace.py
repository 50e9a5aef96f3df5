"""A new trial recruiter runs a match on the ML Engineer role with five resumes (PDF, DOCX, a
scanned PNG and a scanned PDF), follows the progress to the end, reads the evidence, shortlists,
re-weights, exports the CSV, and pays exactly five candidates out of the $3.00 trial.

A REAL Celery worker process does the reading, embedding and scoring: it shares the live
server's test database (SQLite's test file or PostgreSQL's test database), the media folder and
the broker, on a queue of its own.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.services import organisation_create
from billing.selectors import balance_cents, price_per_candidate_cents
from billing.services import trial_grant
from matcher.models import Decision, Match, MatchResult
from roles.models import InterviewTopic, Role, RoleSkill, Skill
from tests.candidates.factories import resume_docx, resume_pdf, resume_png
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ML_LINE = "Trained PyTorch models and wrote SQL feature pipelines; 4 years of PyTorch."


@pytest.fixture
def ml_role() -> Role:
    skills = {
        name: Skill.objects.get_or_create(name=name, defaults={"category": "Technology"})[0]
        for name in ("Python", "PyTorch", "Kubernetes", "SQL", "Docker", "Django")
    }
    role = Role.objects.create(
        title="Machine Learning Engineer",
        slug="machine-learning-engineer",
        status=Role.Status.PUBLISHED,
        summary="Designs, trains and ships machine learning models to production.",
        description="Python and PyTorch for modelling, SQL for data, Docker and Kubernetes.",
    )
    for name, weight, must in [
        ("Python", 5, True),
        ("PyTorch", 5, True),
        ("SQL", 3, False),
        ("Docker", 2, False),
        ("Kubernetes", 2, False),
    ]:
        RoleSkill.objects.create(role=role, skill=skills[name], weight=weight, must_have=must)
    InterviewTopic.objects.create(
        role=role,
        title="Deep learning in practice",
        skill=skills["PyTorch"],
        questions=["Walk us through a model you trained and how you knew it was good."],
    )
    return role


def _scanned_pdf(**kwargs: str) -> bytes:
    image = Image.open(io.BytesIO(resume_png(**kwargs))).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=200)
    return buffer.getvalue()


def _resumes() -> list[tuple[str, str, bytes]]:
    return [
        (
            "ada.pdf",
            "application/pdf",
            resume_pdf(name="Ada Lovelace", email="ada@example.com", extra=ML_LINE),
        ),
        (
            "grace.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            resume_docx(name="Grace Hopper", email="grace@example.com"),
        ),
        (
            "katherine.png",
            "image/png",
            resume_png(name="Katherine Johnson", email="kj@example.com", extra=ML_LINE),
        ),
        (
            "dorothy-scan.pdf",
            "application/pdf",
            _scanned_pdf(name="Dorothy Vaughan", email="dv@example.com"),
        ),
        (
            "alan.pdf",
            "application/pdf",
            resume_pdf(
                name="Alan Turing",
                email="alan@example.com",
                title="Machine Learning Engineer",
                extra=ML_LINE,
            ),
        ),
    ]


def test_a_trial_recruiter_runs_a_match_end_to_end_with_a_real_worker(
    live_server,
    page: Page,
    ml_role: Role,
    worker_queue,
    tesseract: str,
    artifacts_dir: Path,
) -> None:
    user = make_user("newcomer@example.com")
    org = organisation_create(owner=user, name="Newcomer Talent")
    assert trial_grant(user=user, org=org)
    start = balance_cents(org=org)
    price = price_per_candidate_cents()
    assert start == 300

    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form [type="submit"]').last.click()
    page.wait_for_url("**/dashboard/")

    # From the role page's call to action.
    page.goto(live_server.url + f"/app/matches/new/?role={ml_role.slug}")
    expect(page.locator("h2#profile-title")).to_have_text("Machine Learning Engineer")
    page.set_input_files(
        "#id_files",
        files=[{"name": n, "mimeType": t, "buffer": data} for n, t, data in _resumes()],
    )
    expect(page.locator("[data-cost-total]")).to_have_text(f"${5 * price / 100:.2f}")
    expect(page.locator("[data-cost-warning]")).to_be_hidden()
    page.click('button[value="create"]')

    # Progress, live, until htmx takes the recruiter to the ranking.
    page.wait_for_url("**/app/matches/*/")
    expect(page.locator("#match-status")).to_be_visible()
    expect(page.locator("table.ranking")).to_be_visible(timeout=240_000)
    match = Match.objects.get(organisation=org)
    log = worker_queue.read_text(errors="replace")
    assert match.status == Match.Status.DONE, (match.status_message, log[-3000:])
    assert MatchResult.objects.filter(match=match).count() == 5
    assert "matcher.match_score" in log
    expect(page.locator("table.ranking tbody tr")).to_have_count(5)
    expect(page.locator("svg.chart-histogram")).to_be_visible()
    expect(page.locator("svg.chart-heatmap")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "workspace-results.png"), full_page=True)

    # The evidence of the best candidate, with the resume line marked.
    first = page.locator("table.ranking tbody tr").first
    first.locator("a.candidate-link").click()
    drawer = page.locator("#drawer")
    expect(drawer).to_be_visible()
    expect(drawer.locator(".evidence-found").first).to_be_visible()
    expect(drawer.locator(".resume-line mark").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "workspace-evidence.png"))

    # Shortlist, with a note; the table shows it.
    drawer.locator("#id_note").fill("Strong PyTorch evidence")
    drawer.locator('button[value="shortlist"]').click()
    expect(drawer.locator(".decision-box .decision-shortlist")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("table.ranking .decision-shortlist")).to_have_count(1)
    decision = Decision.objects.get(match=match)
    assert (decision.decision, decision.decided_by) == ("shortlist", user)

    # Re-weight in place: Docker becomes a heavy must-have; nothing is charged for it.
    charged = balance_cents(org=org)
    docker = Skill.objects.get(name="Docker")
    page.select_option(f'select[name="weight_{docker.pk}"]', "5")
    page.check(f'#reweight-form input[name="must_{docker.pk}"]')
    # Wait for the re-weighting's answer itself: a candidate may show a gap before it already.
    with page.expect_response(lambda r: "/reweight/" in r.url and r.request.method == "POST"):
        page.click('#reweight-form button[type="submit"]')
    expect(page.locator("table.ranking tbody tr")).to_have_count(5)
    page.wait_for_function(
        "() => document.querySelectorAll('table.ranking .gap').length >= 1", timeout=15_000
    )
    match.refresh_from_db()
    assert match.weights["skill_weights"][str(docker.pk)]["must_have"] is True
    assert balance_cents(org=org) == charged

    # Export the CSV.
    with page.expect_download() as download_info:
        page.click("#export-csv")
    body = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 5
    assert {r["decision"] for r in rows} == {"shortlist", ""}

    # Filtered in place, the table and the export still agree: htmx brings the export links
    # back with the filters.
    with page.expect_response(lambda r: "/results/" in r.url):
        page.select_option("#id_decision", "shortlist")
    expect(page.locator("table.ranking tbody tr")).to_have_count(1)
    with page.expect_download() as download_info:
        page.click("#export-csv")
    body = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert [r["decision"] for r in csv.DictReader(io.StringIO(body))] == ["shortlist"]
    # The address bar follows the filter: a reload shows the same one row.
    assert "decision=shortlist" in page.url
    page.reload()
    expect(page.locator("table.ranking tbody tr")).to_have_count(1)

    # Exactly five candidates were paid for, and the dashboard says so.
    assert balance_cents(org=org) == start - 5 * price
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("body")).to_contain_text(f"${(start - 5 * price) / 100:.2f}")
    expect(page.locator("body")).to_contain_text("Recent matches")
