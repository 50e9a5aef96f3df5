from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from roles.models import Role
from tests.conftest import PASSWORD
from tests.roles.factories import make_role

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_cache():

    cache.clear()


def test_a_visitor_searches_the_catalog_and_follows_the_cta_to_signup(
    live_server,
    page: Page,
    transactional_db,
    artifacts_dir: Path,
) -> None:
    ml = make_role("Machine Learning Engineer", alternate_titles=["MLE", "AI Engineer"])
    ml.related_roles.add(make_role("Data Scientist"))
    make_role("Registered Nurse", family="Healthcare", skills=[("Patient Care", 5, True)])

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Roles", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Know what good looks like")
    page.get_by_label("Search roles").fill("AI Engineer")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 role matching")
    page.get_by_role("link", name="Machine Learning Engineer").click()

    expect(page).to_have_title(re.compile("^Machine Learning Engineer"))
    for heading in [
        "Key Responsibilities",
        "How to Evaluate a Machine Learning Engineer",
        "Interview Topics",
        "Salary & Market Context",
        "A Day in the Life",
        "Key Skills for Machine Learning Engineer",
        "Industries Hiring Machine Learning Engineers",
        "Related Roles",
    ]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "role-page.png"), full_page=True)

    page.get_by_test_id("role-cta").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))
    expect(page.locator("input[type=email]").first).to_be_visible()


def test_a_curator_edits_previews_and_publishes_a_role(
    live_server,
    page: Page,
    staff,
    transactional_db,
) -> None:
    role = make_role("Quantum Engineer", status=Role.Status.DRAFT)

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/admin/roles/role/{role.pk}/change/")
    page.locator("#id_summary").fill("Quantum engineers turn qubits into working products.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    preview_href = page.get_by_role("link", name="Preview page").get_attribute("href")
    assert preview_href
    page.goto(live_server.url + preview_href)
    expect(page.get_by_role("status").first).to_contain_text("Preview")
    expect(page.locator(".role-summary")).to_have_text(
        "Quantum engineers turn qubits into working products."
    )
    page.get_by_role("link", name="Back to editing").click()

    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("published as version 1")
    role.refresh_from_db()
    assert role.status == Role.Status.PUBLISHED

    page.goto(live_server.url + "/roles/quantum-engineer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quantum Engineer")
    expect(page.locator(".role-summary")).to_contain_text("qubits")
