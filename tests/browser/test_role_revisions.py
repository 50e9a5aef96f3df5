"""A curator stages an edit to a live role page (issue 17, item 5): a draft revision beside the
live page, previewed with a banner saying what differs, then published or discarded; the live
role's history records both."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from roles.models import Role
from tests.conftest import PASSWORD
from tests.roles.factories import make_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD = "Data engineers build the pipelines a business runs on."
NEW = "Data engineers build and run the pipelines every report depends on."


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_a_curator_stages_previews_publishes_and_discards_a_revision(
    live_server, page: Page, staff, artifacts_dir: Path
) -> None:
    live = make_role(
        "Data Engineer", summary=OLD, skills=[("Python", 5, True), ("Kubernetes", 3, False)]
    )
    assert live.version == 1
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/admin/roles/role/{live.pk}/change/")
    page.get_by_role("button", name="Stage changes in a draft revision").click()
    expect(page.locator(".role-revision-note")).to_contain_text("live as version 1")
    draft = Role.objects.get(draft_of=live)
    assert draft.status == Role.Status.DRAFT

    # Edit the draft: a new summary and a heavier Kubernetes.
    page.locator("#id_summary").fill(NEW)
    kubernetes = draft.role_skills.get(skill__name="Kubernetes")
    # Each section numbers its rows on its own: only the skills' ids say which row is Kubernetes.
    row = page.locator(
        f'input[name^="role_skills-"][name$="-id"][value="{kubernetes.pk}"]'
    ).get_attribute("name")
    assert row
    page.fill(f'input[name="{row.removesuffix("-id")}-weight"]', "5")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The live page has not moved.
    page.goto(live_server.url + live.get_absolute_url())
    expect(page.locator(".role-summary")).to_have_text(OLD)

    # The preview says what differs from live.
    page.goto(f"{live_server.url}/admin/roles/role/{draft.pk}/preview/")
    banner = page.locator(".preview-banner")
    expect(banner).to_contain_text("draft revision")
    expect(banner).to_contain_text("live page stays at version 1")
    changes = page.locator("[data-revision-changes] li")
    expect(changes).to_have_count(2)
    expect(changes).to_contain_text(["Summary changed", "Kubernetes weight 3"])
    expect(page.locator(".role-summary")).to_have_text(NEW)
    page.screenshot(path=str(artifacts_dir / "role-revision-preview.png"), full_page=True)

    # Publish: the live role takes the content as version 2 and the draft is gone.
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Publish this revision").click()
    expect(page.locator(".messagelist")).to_contain_text("published as version 2")
    live.refresh_from_db()
    assert (live.version, live.summary) == (2, NEW)
    assert live.role_skills.get(skill__name="Kubernetes").weight == 5
    assert not Role.objects.filter(draft_of=live).exists()
    page.goto(live_server.url + live.get_absolute_url())
    expect(page.locator(".role-summary")).to_have_text(NEW)
    page.screenshot(path=str(artifacts_dir / "role-page-after-revision.png"), full_page=True)

    # A second revision, discarded: the live page stays as it is.
    page.goto(f"{live_server.url}/admin/roles/role/{live.pk}/change/")
    page.get_by_role("button", name="Stage changes in a draft revision").click()
    page.locator("#id_summary").fill("Something we will not keep.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Discard this revision").click()
    expect(page.locator(".messagelist")).to_contain_text("stays live as version 2")
    live.refresh_from_db()
    assert (live.version, live.summary) == (2, NEW)

    # The live role's history tells both stories.
    page.goto(f"{live_server.url}/admin/roles/role/{live.pk}/history/")
    history = page.locator("#content")
    expect(history).to_contain_text("Draft revision published")
    expect(history).to_contain_text("Draft revision discarded")
    expect(history).to_contain_text("Published as version 2")
