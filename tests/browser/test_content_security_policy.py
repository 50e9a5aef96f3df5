"""Chromium enforces the Content-Security-Policy: the pages people open most run without one
refused script or style, and htmx and Swagger UI still work under it."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import PASSWORD
from tests.roles.factories import make_role

pytestmark = pytest.mark.browser


def test_the_main_pages_run_under_the_policy_without_a_violation(
    live_server, page: Page, transactional_db, alice
) -> None:
    role = make_role("Data Engineer")
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", watch)

    page.goto(live_server.url + "/")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    page.goto(f"{live_server.url}/roles/{role.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data Engineer")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/dashboard/")

    page.goto(live_server.url + "/api/docs/")
    # Swagger UI's start-up script is a file now: the operations render.
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)

    assert refused == []
