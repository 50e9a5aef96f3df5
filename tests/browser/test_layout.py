"""Layout faults a first-time user saw (issue 17, item 9), checked in Chromium at 1366 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from accounts.models import User
from billing.bootstrap import ensure_default_pricing
from billing.models import CreditPack
from tests.conftest import PASSWORD
from tests.roles.factories import make_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _sign_in(page: Page, base: str, user: User) -> None:
    page.goto(base + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form [type="submit"]').last.click()
    page.wait_for_url("**/dashboard/")


def test_skill_cards_hold_their_weight_dots_and_years(
    live_server, page: Page, artifacts_dir: Path
) -> None:
    role = make_role(
        "Site Reliability Engineer",
        skills=[
            ("Infrastructure as Code (Terraform)", 5, True),
            ("Kubernetes", 5, True),
            ("Observability and Incident Response", 4, False),
            ("Go", 2, False),
        ],
    )
    role.role_skills.filter(weight=5).update(min_years=2)
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + role.get_absolute_url())
    cards = page.locator("li.skill")
    expect(cards).to_have_count(4)
    for i in range(cards.count()):
        card = cards.nth(i)
        box = card.bounding_box()
        assert box
        for part in card.locator(".skill-name, .skill-meta > *, .dot").all():
            inner = part.bounding_box()
            assert inner
            assert inner["x"] >= box["x"] - 0.5, part.inner_text()
            assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 0.5, card.inner_text()
        # Every dot is drawn at full size: a weight-5 skill shows five lit dots.
        lit = [d for d in card.locator(".dot.on").all() if (d.bounding_box() or {}).get("width")]
        weight = int(card.locator(".weight").get_attribute("title").split()[1])
        assert len(lit) == weight
        assert all(abs(d.bounding_box()["width"] - 7) < 0.5 for d in lit)
    expect(page.locator("li.skill-must").first).to_contain_text("2+ yrs")
    page.screenshot(path=str(artifacts_dir / "role-page-1366.png"), full_page=True)


def test_the_job_description_title_box_is_styled_like_the_other_inputs(
    live_server, page: Page, alice: User
) -> None:
    page.set_viewport_size(LAPTOP)
    _sign_in(page, live_server.url, alice)
    page.goto(live_server.url + "/app/matches/new/")
    style = "(el) => { const s = getComputedStyle(el); return [s.borderRadius, s.paddingLeft]; }"
    title = page.locator("#id_title").evaluate(style)
    description = page.locator("#id_jd").evaluate(style)
    assert title == description


def test_the_buy_page_lines_up_its_pack_cards(live_server, page: Page, alice: User) -> None:
    ensure_default_pricing()
    assert CreditPack.objects.filter(active=True).count() >= 2
    page.set_viewport_size(LAPTOP)
    _sign_in(page, live_server.url, alice)
    page.goto(live_server.url + "/billing/")
    tops = {
        round(box["y"]) for box in (c.bounding_box() for c in page.locator(".pack").all()) if box
    }
    assert len(tops) == 1, tops
