import pytest
from django.test import Client

from tests.brokers import broker_at


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_services(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_every_dependency_ready(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checked"] == ["database", "cache", "broker"]


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_cannot_be_reached(client: Client) -> None:
    # Port 9 on loopback has no Redis: a real connection attempt that is refused.
    with broker_at("redis://127.0.0.1:9/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert set(body["failing"]) == {"broker"}
    assert body["status"] == "unavailable"
