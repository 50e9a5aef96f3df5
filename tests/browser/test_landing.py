from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_visitor_reads_the_landing_page(live_server, page: Page, artifacts_dir: Path) -> None:
    page.goto(live_server.url + "/")
    expect(page).to_have_title("RoleMatch — explainable candidate matching")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rank a pile of resumes")
    # The stylesheet and htmx come from our own static files, not a CDN.
    assert page.evaluate("typeof window.htmx") == "object"
    page.screenshot(path=str(artifacts_dir / "landing.png"), full_page=True)
    assert (artifacts_dir / "landing.png").stat().st_size > 10_000
