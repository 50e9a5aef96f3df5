"""The cost preview of a new match counts the resumes inside a ZIP (issue 17, item 2), read from
the archive's central directory in the browser, and the charge never exceeds what was shown."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import Page, expect

from billing.selectors import price_per_candidate_cents
from billing.services import credit_grant
from matcher.models import Match
from tests.browser.session import sign_in
from tests.candidates.factories import CandidateFactory, resume_pdf
from tests.matcher.test_workspace_views import role, skills  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _zip_with_three_resumes_and_junk() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cvs/", b"")
        for name in ("Ann Lee", "Bo Chan", "Cy Diaz"):
            slug = name.lower().replace(" ", "-")
            archive.writestr(f"cvs/{slug}.pdf", resume_pdf(name=name, email=f"{slug}@example.com"))
        archive.writestr("__MACOSX/cvs/._ann-lee.pdf", b"\x00\x05\x16\x07")
        archive.writestr(".DS_Store", b"\x00\x00\x00\x01Bud1")
        # A comment moves the end record away from the file's last 22 bytes.
        archive.comment = b"exported by a careful recruiter"
    return buffer.getvalue()


@pytest.fixture
def trial(alice_org) -> None:
    credit_grant(org=alice_org, cents=300, kind="trial_grant", idempotency_key="t", reference="t")


def test_the_preview_counts_each_resume_inside_a_zip_and_the_charge_stays_within_it(
    live_server,
    page: Page,
    alice,
    alice_org,
    trial,
    role,  # noqa: F811
) -> None:
    price = price_per_candidate_cents()
    sign_in(page, live_server.url, alice.email)

    page.goto(live_server.url + f"/app/matches/new/?role={role.slug}")
    files = [
        {"name": "dee.pdf", "mimeType": "application/pdf", "buffer": resume_pdf(name="Dee Ray")},
        {"name": "eli.pdf", "mimeType": "application/pdf", "buffer": resume_pdf(name="Eli Fox")},
        {
            "name": "batch.zip",
            "mimeType": "application/zip",
            "buffer": _zip_with_three_resumes_and_junk(),
        },
    ]
    page.set_input_files("#id_files", files=files)
    expect(page.locator("[data-cost-count]")).to_have_text(
        "5 (5 to upload, 3 of them inside ZIP files)"
    )
    expect(page.locator("[data-cost-total]")).to_have_text(f"${5 * price / 100:.2f}")
    assert page.locator("[data-cost-confirmed]").input_value() == str(5 * price)

    page.click('button[value="create"]')
    page.wait_for_url("**/app/matches/*/")
    match = Match.objects.get(organisation=alice_org)
    assert match.candidate_count == 5
    assert match.reserved_cents == 5 * price


def test_a_three_megabyte_paste_is_stopped_on_the_form_with_the_limit_and_kept(
    live_server, page: Page, alice
) -> None:
    sign_in(page, live_server.url, alice.email)
    page.goto(live_server.url + "/app/matches/new/")
    page.fill("#id_title", "Data Analyst")
    page.locator("#id_jd").evaluate(
        "(el) => { el.value = 'Python and SQL for reporting. '.repeat(110000); }"
    )
    page.get_by_role("button", name="Read the skills").click()
    alert = page.locator("[data-too-big]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("RoleMatch accepts up to 2.5 MB")
    expect(alert).to_contain_text("job description")
    assert page.url.endswith("/app/matches/new/")
    assert page.locator("#id_jd").evaluate("(el) => el.value.length") == 30 * 110000
    expect(page.locator("#id_title")).to_have_value("Data Analyst")


def test_select_all_reads_what_the_candidate_boxes_say(
    live_server,
    page: Page,
    alice,
    alice_org,
    trial,
    role,  # noqa: F811
) -> None:
    for name in ("Ann Lee", "Bo Chan", "Cy Diaz"):
        CandidateFactory(organisation=alice_org, name=name)
    sign_in(page, live_server.url, alice.email)
    page.goto(live_server.url + f"/app/matches/new/?role={role.slug}")

    every = page.locator("[data-select-all]")
    boxes = page.locator('input[name="candidates"]')
    expect(boxes).to_have_count(3)
    for i in range(3):
        boxes.nth(i).check()
    expect(every).to_be_checked()
    expect(page.locator("[data-cost-count]")).to_have_text("3")

    boxes.nth(1).uncheck()
    expect(every).not_to_be_checked()
    assert every.evaluate("(el) => el.indeterminate")

    every.check()
    assert all(boxes.nth(i).is_checked() for i in range(3))
    assert not every.evaluate("(el) => el.indeterminate")
    for i in range(3):
        boxes.nth(i).uncheck()
    expect(every).not_to_be_checked()
    assert not every.evaluate("(el) => el.indeterminate")
