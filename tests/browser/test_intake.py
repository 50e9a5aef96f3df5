"""A recruiter drops a ZIP of good, scanned, duplicate and hostile resumes and sees each one end in
a profile or a precise reason. Tasks run eagerly inside the live server, the real task code."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from candidates.models import Candidate
from tests.candidates.factories import (
    encrypted_pdf,
    media_root,  # noqa: F401
    resume_pdf,
    resume_png,
    resume_text,
    taxonomy,  # noqa: F401
    zip_of,
)
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root", "taxonomy", "celery_eager"),
]


def _sign_in(page: Page, base: str, user: User) -> None:
    page.goto(base + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form [type="submit"]').last.click()
    page.wait_for_url("**/dashboard/")


def _drop(page: Page, selector: str, name: str, data: bytes) -> None:
    """Drops a file on an element the way a browser does when a file is dragged from the desktop."""
    transfer = page.evaluate_handle(
        """([name, b64]) => {
            const raw = atob(b64);
            const bytes = new Uint8Array(raw.length);
            for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "application/zip"}));
            return transfer;
        }""",
        [name, base64.b64encode(data).decode()],
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_a_recruiter_uploads_a_mixed_zip_and_sees_each_file_end_in_a_profile_or_a_reason(
    live_server, page: Page, alice: User, tesseract: str, artifacts_dir: Path
) -> None:
    archive = zip_of(
        [
            ("ada.pdf", resume_pdf()),
            ("scans/katherine.png", resume_png(name="Katherine Johnson", email="kj@example.com")),
            ("copies/ada-copy.pdf", resume_pdf()),
            ("locked.pdf", encrypted_pdf()),
            ("liar.pdf", resume_png()),
            ("../../etc/cron.txt", resume_text().encode()),
            ("notes.txt", b"Call back on Monday."),
        ]
    )
    _sign_in(page, live_server.url, alice)

    page.goto(live_server.url + "/app/candidates/upload/")
    _drop(page, "#dropzone", "applicants.zip", archive)
    expect(page.locator("#picked-files")).to_contain_text("applicants.zip")
    page.click("#upload-submit")
    page.wait_for_url("**/app/candidates/batches/*/")

    # Read, embedded for matching, or refused: the polling stops once every file has settled.
    status = page.locator("#batch-status")
    expect(status).to_have_attribute("data-done", "true", timeout=90_000)
    expect(status).to_contain_text("All 7 files settled")
    expect(status).not_to_have_attribute("hx-trigger", "every 2s")

    def row(member: str):
        return page.locator("tr.document-row", has_text=f"applicants.zip \u203a {member}")

    expect(row("ada.pdf")).to_contain_text("Ready")
    expect(row("ada.pdf").get_by_role("link", name="Ada Lovelace")).to_be_visible()
    scan = row("scans/katherine.png")
    expect(scan.get_by_role("link", name="Katherine Johnson")).to_be_visible()
    expect(scan).to_contain_text("read by OCR")
    copy = row("copies/ada-copy.pdf")
    expect(copy).to_contain_text("Duplicate")
    expect(copy.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(row("locked.pdf")).to_contain_text("password-protected")
    expect(row("liar.pdf")).to_contain_text("named .pdf")
    expect(row("../../etc/cron.txt")).to_contain_text("unsafe name")
    expect(row("notes.txt")).to_contain_text("No readable text")
    page.screenshot(path=str(artifacts_dir / "intake-batch.png"), full_page=True)

    row("ada.pdf").get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")
    expect(page.locator(".facts")).to_contain_text("ada@example.com")
    expect(page.locator(".skill-evidence")).to_contain_text("Kubernetes")
    page.fill("#id_name", "Augusta Ada King")
    page.click("text=Save corrections")
    expect(page.locator(".messages")).to_contain_text("Your corrections are saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Augusta Ada King")
    expect(page.get_by_role("heading", level=1)).to_contain_text("corrected")
    page.screenshot(path=str(artifacts_dir / "intake-candidate.png"), full_page=True)

    with page.expect_download() as download:
        page.click("text=Download original")
    assert download.value.suggested_filename == "ada.pdf"
    assert Path(download.value.path()).read_bytes() == resume_pdf()
    assert Candidate.objects.count() == 2
