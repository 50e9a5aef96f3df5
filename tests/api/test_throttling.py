"""The API's sliding-window throttle: a budget spent at the end of one window is not spent
again at the start of the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.request import ForcedAuthentication, Request
from rest_framework.test import APIRequestFactory

from accounts.services import api_token_create
from api.throttling import TokenRateThrottle, seconds_until_allowed, sliding_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem_cache(settings):
    """time-machine moves Python's clock, not Redis's: windows under time travel need locmem."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }


class TenAMinute(TokenRateThrottle):
    rate = "10/min"


@pytest.fixture
def token(alice, alice_org, locmem_cache):
    made, _ = api_token_create(user=alice, org=alice_org, name="throttled")
    return made


def token_request(token) -> Request:
    return Request(
        APIRequestFactory().get("/api/v1/credits/"),
        authenticators=[ForcedAuthentication(token.user, token)],
    )


def burst(token, size: int) -> list[bool]:
    return [TenAMinute().allow_request(token_request(token), None) for _ in range(size)]


def test_the_previous_window_counts_for_the_part_of_it_still_within_the_last_minute() -> None:
    assert sliding_count(10, 0, 0.0) == 10
    assert sliding_count(10, 3, 0.25) == pytest.approx(10.5)
    assert sliding_count(10, 3, 1.0) == 3


def test_the_wait_is_until_one_more_request_fits_under_the_limit() -> None:
    # 10 in the previous minute, a quarter into this one: 7.5 of them still count, so one more
    # fits now; with 2 of this minute's too, once the previous minute's weigh 7, at 30%.
    assert seconds_until_allowed(
        previous=10, current=0, elapsed=0.25, limit=10, duration=60
    ) == pytest.approx(0.0)
    assert seconds_until_allowed(
        previous=10, current=2, elapsed=0.25, limit=10, duration=60
    ) == pytest.approx((0.3 - 0.25) * 60)
    # This window full: into the next, until this window's 10 weigh at most 9.
    assert seconds_until_allowed(
        previous=0, current=10, elapsed=0.5, limit=10, duration=60
    ) == pytest.approx((0.5 + 0.1) * 60)


def test_a_budget_spent_at_a_windows_end_is_not_spent_again_at_the_next_windows_start(
    token,
) -> None:
    start = datetime(2026, 1, 1, 10, 0, 59, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert burst(token, 12).count(True) == 10
        traveller.move_to(start + timedelta(seconds=2))  # 10:01:01, a new fixed window
        assert burst(token, 10).count(True) == 0
        traveller.move_to(start + timedelta(seconds=31))  # half-way: half the budget is back
        assert burst(token, 10).count(True) == 5
        traveller.move_to(start + timedelta(seconds=61 + 60))  # a quiet minute: all of it
        assert burst(token, 12).count(True) == 10


def test_refused_requests_spend_nothing_and_the_wait_says_when_the_next_one_fits(token) -> None:
    start = datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert burst(token, 10).count(True) == 10
        assert burst(token, 50).count(True) == 0
        throttle = TenAMinute()
        assert not throttle.allow_request(token_request(token), None)
        # Ten at the window's start: one fits when they weigh 9, a tenth into the next minute.
        assert throttle.wait() == pytest.approx(66.0)
        traveller.move_to(start + timedelta(seconds=66.5))
        assert burst(token, 3) == [True, False, False]
