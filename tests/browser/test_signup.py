"""Sign-up in Chromium: verify by email, land on the dashboard with the free trial, only once."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "a-long-enough-passphrase-42"


def verification_link(outbox: list) -> str:
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(0)


def sign_up_and_verify(page: Page, base_url: str, email: str, outbox: list) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name="Start free").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    sent = len(outbox)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert len(outbox) == sent + 1
    assert outbox[-1].to == [email]

    page.goto(verification_link(outbox))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_a_recruiter_signs_up_verifies_and_gets_the_free_trial_only_once(
    live_server,
    page: Page,
    mailoutbox,
    artifacts_dir: Path,
) -> None:
    cache.clear()

    sign_up_and_verify(page, live_server.url, "jane.doe@gmail.com", mailoutbox)

    expect(page.get_by_role("heading", name="Jane Doe's team")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("$3.00")
    next_step = page.get_by_role("region", name="Your next step")
    expect(next_step.get_by_role("link", name="Pick a role")).to_have_attribute("href", "/roles/")
    expect(next_step.get_by_role("link", name="Upload resumes")).to_have_attribute(
        "href", re.compile(r"^/app/")
    )
    page.screenshot(path=str(artifacts_dir / "dashboard-after-signup.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Start free")).to_be_visible()

    # The same mailbox under another spelling: Gmail ignores dots and everything after a "+".
    sign_up_and_verify(page, live_server.url, "janedoe+again@gmail.com", mailoutbox)

    expect(page.get_by_test_id("balance")).to_have_text("$0.00")
    expect(page.get_by_test_id("balance")).not_to_have_text("$3.00")
