from datetime import timedelta

import pytest
import redis
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.ratelimits import parse_limit, ratelimit_check, ratelimit_hit
from tests.conftest import PASSWORD


def sign_in(client: Client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_it_locks_an_account_after_repeated_wrong_passwords_and_says_for_how_long(
    client: Client,
    alice,
    settings,
) -> None:
    for _ in range(settings.LOGIN_FAILED_LIMIT):
        response = sign_in(client, "alice@example.com", "wrong-password-123")
        assert b"do not match" in response.content

    response = sign_in(client, "alice@example.com", PASSWORD)

    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content
    assert b"paused for up to 15 minutes" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_account_lockout_from_one_address_does_not_lock_its_owner_out_elsewhere_and_expires(
    client: Client,
    alice,
    settings,
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.LOGIN_FAILED_LIMIT):
            sign_in(client, "alice@example.com", "wrong-password-123", ip="198.51.100.1")

        locked = sign_in(Client(), "alice@example.com", PASSWORD, ip="198.51.100.1")
        assert b"Too many failed sign-in attempts" in locked.content
        owner = Client()
        assert sign_in(owner, "alice@example.com", PASSWORD, ip="192.0.2.200").status_code == 302

        traveller.shift(timedelta(seconds=settings.LOGIN_FAILED_LOCKOUT_SECONDS + 1))
        fresh = Client()
        response = sign_in(fresh, "alice@example.com", PASSWORD, ip="198.51.100.1")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert "_auth_user_id" in fresh.session


@pytest.mark.django_db
def test_failed_sign_ins_to_unknown_accounts_never_block_a_right_password_from_that_address(
    alice,
    settings,
) -> None:
    for n in range(21):
        response = sign_in(Client(), f"nobody{n}@example.com", "wrong-password-123")
        assert b"do not match" in response.content

    colleague = Client()
    response = sign_in(colleague, "alice@example.com", PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in colleague.session


@pytest.mark.django_db
def test_every_attempt_from_one_address_is_bounded_against_guessing_across_accounts(
    client: Client,
    alice,
    settings,
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for n in range(3):
        sign_in(client, f"nobody{n}@example.com", "wrong-password-123")

    assert sign_in(client, "alice@example.com", PASSWORD).status_code == 429
    assert sign_in(Client(), "alice@example.com", PASSWORD, ip="192.0.2.9").status_code == 302


@pytest.mark.django_db
def test_it_answers_429_with_a_clear_page_to_a_burst_of_signups_from_one_address(
    client: Client,
    settings,
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    data = {"password1": "a-long-enough-passphrase-42", "password2": "a-long-enough-passphrase-42"}
    for n in range(2):
        client.post(reverse("account_signup"), {"email": f"p{n}@example.com", **data})

    response = client.post(reverse("account_signup"), {"email": "p3@example.com", **data})

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b"Wait a few minutes" in response.content


def test_it_reads_limits_written_as_amount_per_seconds() -> None:
    assert parse_limit("5/900").amount == 5
    assert parse_limit("5/900").seconds == 900
    with pytest.raises(ValueError, match="<amount>/<seconds>"):
        parse_limit("5 per minute")


@pytest.fixture
def locmem_cache(settings):
    """time-machine moves Python's clock, not Redis's: expiry under time travel needs locmem."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }


@pytest.mark.django_db
def test_a_counted_limit_locks_out_until_its_window_ends(settings, locmem_cache) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_auth_failed": "2/600"}
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert ratelimit_hit(action="api_auth_failed", key="203.0.113.1").allowed
        assert ratelimit_hit(action="api_auth_failed", key="203.0.113.1").allowed
        blocked = ratelimit_hit(action="api_auth_failed", key="203.0.113.1")
        assert not blocked.allowed
        assert blocked.retry_after == 600
        assert blocked.retry_after_minutes == 10
        assert ratelimit_check(action="api_auth_failed", key="203.0.113.2").allowed

        traveller.shift(timedelta(seconds=400))
        assert ratelimit_check(action="api_auth_failed", key="203.0.113.1").retry_after == 200

        traveller.shift(timedelta(seconds=201))
        assert ratelimit_check(action="api_auth_failed", key="203.0.113.1").allowed


@pytest.mark.redis
def test_on_redis_the_lockout_is_shared_and_redis_expires_it(redis_url, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_auth_failed": "2/600"}
    for _ in range(3):
        ratelimit_hit(action="api_auth_failed", key="203.0.113.9")

    assert not ratelimit_check(action="api_auth_failed", key="203.0.113.9").allowed
    # The counters are in Redis, where every web process reads them, and Redis expires them.
    client = redis.Redis.from_url(redis_url)
    keys = client.keys("*rolematch:rl:api_auth_failed:*")
    assert len(keys) == 2
    assert all(0 < client.ttl(key) <= 600 for key in keys)
