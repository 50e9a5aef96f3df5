"""Fifty matches posted at once through the API against credit for ten, with the broker down:
exactly ten reserve and run once it is back; the others wait for credit, holding none."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from billing.models import Reservation
from billing.selectors import balance_cents, price_per_candidate_cents
from matcher.models import Match
from outbox.services import outbox_flush
from tests.api.conftest import PEOPLE, bearer, candidate_with_file, fund
from tests.brokers import UNREACHABLE, broker_at, eager
from tests.roles.factories import make_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_fifty_matches_posted_at_once_against_credit_for_ten_reserve_ten_and_run_them(
    postgres: None, alice, alice_org
) -> None:
    assert balance_cents(org=alice_org) == 0, "the race needs a balance of exactly ten"
    fund(alice_org, 10 * price_per_candidate_cents())
    role = make_role("Backend Engineer", skills=[("Python", 5, True)])
    ada = candidate_with_file(alice_org, alice, *PEOPLE[0])
    clients = [bearer(alice, alice_org) for _ in range(50)]
    barrier = threading.Barrier(len(clients))
    statuses: list[object] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        try:
            barrier.wait()
            response = clients[n].post(
                "/api/v1/matches/",
                {"role": role.pk, "candidates": [ada.pk]},
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"race-{n}",
            )
            outcome: object = (response.status_code, response.json().get("status"))
        except Exception as exc:  # shown by the assertion below
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            statuses.append(outcome)

    with broker_at(UNREACHABLE):
        threads = [threading.Thread(target=post, args=(n,)) for n in range(len(clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # A post may find another's waiting match and reuse it, so count matches, not answers.
    assert set(statuses) <= {(201, "queued"), (201, "waiting_for_credit")}, statuses
    assert Match.objects.filter(status=Match.Status.QUEUED).count() == 10
    assert balance_cents(org=alice_org) == 0
    assert Reservation.objects.count() == 10

    with eager():
        while outbox_flush(now=timezone.now() + timedelta(minutes=5)):
            pass
    assert Match.objects.filter(status=Match.Status.DONE).count() == 10
    assert not Match.objects.filter(
        status=Match.Status.WAITING_FOR_CREDIT, reservation__isnull=False
    ).exists()
    assert balance_cents(org=alice_org) == 0
    call_command("audit_ledger")
