"""Signing in through the real login form, as a recruiter does."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.conftest import PASSWORD


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form [type="submit"]').last.click()
    page.wait_for_url("**/dashboard/")
