"""The client's address behind trusted proxies, which every rate limit keys on."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import Client
from django.urls import reverse

from config.middleware import client_address
from tests.conftest import PASSWORD

LB = "10.0.0.5"


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert client_address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended() -> None:
    # The client wrote "6.6.6.6" itself; the balancer appended the address it saw.
    assert client_address(LB, "6.6.6.6, 198.51.100.7", proxy_count=1) == "198.51.100.7"
    assert client_address(LB, "198.51.100.7", proxy_count=1) == "198.51.100.7"


def test_behind_two_proxies_it_skips_both() -> None:
    chain = "6.6.6.6, 198.51.100.7, 10.0.0.9"
    assert client_address(LB, chain, proxy_count=2) == "198.51.100.7"


def test_a_request_that_bypassed_the_proxies_keeps_its_peer_address() -> None:
    assert client_address("198.51.100.7", None, proxy_count=1) == "198.51.100.7"
    assert client_address(LB, "198.51.100.7", proxy_count=2) == LB


def test_with_proxy_addresses_it_walks_back_over_trusted_hops_only() -> None:
    proxies = [ipaddress.ip_network("10.0.0.0/8")]
    chain = "6.6.6.6, 198.51.100.7, 10.1.2.3"
    assert client_address(LB, chain, proxies=proxies) == "198.51.100.7"
    # A peer that is not a trusted proxy is the client, whatever header it sends.
    assert client_address("198.51.100.8", "6.6.6.6", proxies=proxies) == "198.51.100.8"


def test_garbage_in_the_header_falls_back_to_the_peer() -> None:
    assert client_address(LB, "not-an-ip", proxy_count=1) == LB
    assert client_address(LB, "", proxy_count=1) == LB


def sign_in(client: Client, email: str, password: str, forwarded_for: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=LB,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_a_load_balancer(settings):
    """Middleware reads its settings when built: rebuilt per test by the test client."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}


@pytest.mark.django_db
@pytest.mark.usefixtures("behind_a_load_balancer")
def test_behind_the_load_balancer_one_client_cannot_spend_another_clients_sign_in_budget(
    alice,
) -> None:
    for _ in range(3):
        sign_in(Client(), "nobody@example.com", "wrong-password-123", "198.51.100.66")
    flooded = sign_in(Client(), "nobody@example.com", "wrong-password-123", "198.51.100.66")
    assert flooded.status_code == 429

    # Another client through the same balancer, even one that forges the flooder's address on
    # the left of the header, is counted on its own address.
    other = Client()
    response = sign_in(other, "alice@example.com", PASSWORD, "198.51.100.66, 192.0.2.10")

    assert response.status_code == 302
    assert "_auth_user_id" in other.session
