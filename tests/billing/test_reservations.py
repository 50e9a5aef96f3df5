import threading

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Organisation
from billing import selectors, services
from billing.exceptions import IdempotencyConflict, InsufficientCredit, ReservationError
from billing.models import LedgerEntry, Reservation

Kind = LedgerEntry.Kind


@pytest.fixture
def funded_org(alice_org: Organisation) -> Organisation:
    services.credit_grant(
        org=alice_org, cents=300, kind=Kind.TRIAL_GRANT, idempotency_key="t", reference="trial"
    )
    return alice_org


def test_a_reservation_takes_the_whole_cost_up_front(funded_org: Organisation) -> None:
    reservation = services.credit_reserve(
        org=funded_org, cents=100, reference="Match 7", idempotency_key="match:7"
    )

    assert reservation.reserved_cents == 100
    assert reservation.entry.kind == Kind.MATCH_CHARGE
    assert reservation.entry.amount_cents == -100
    assert selectors.balance_cents(org=funded_org) == 200


def test_it_refuses_a_reservation_past_the_balance_and_says_by_how_much(
    funded_org: Organisation,
) -> None:
    with pytest.raises(InsufficientCredit) as excinfo:
        services.credit_reserve(org=funded_org, cents=305, reference="m", idempotency_key="m")

    assert excinfo.value.needed_cents == 305
    assert excinfo.value.available_cents == 300
    assert excinfo.value.shortfall_cents == 5
    assert "This needs $3.05 of credit and your balance is $3.00" in excinfo.value.message
    assert selectors.balance_cents(org=funded_org) == 300
    assert not Reservation.objects.exists()


def test_a_retried_reservation_reserves_once(funded_org: Organisation) -> None:
    first = services.credit_reserve(org=funded_org, cents=100, reference="m", idempotency_key="k")
    again = services.credit_reserve(org=funded_org, cents=100, reference="m", idempotency_key="k")

    assert first.pk == again.pk
    assert selectors.balance_cents(org=funded_org) == 200


def test_charges_are_bookkeeping_per_candidate_and_idempotent(funded_org: Organisation) -> None:
    reservation = services.credit_reserve(
        org=funded_org, cents=15, reference="m", idempotency_key="k"
    )
    services.reservation_charge(reservation=reservation, cents=5, idempotency_key="k:cand:1")
    services.reservation_charge(reservation=reservation, cents=5, idempotency_key="k:cand:1")
    services.reservation_charge(reservation=reservation, cents=5, idempotency_key="k:cand:2")

    reservation.refresh_from_db()
    assert reservation.charged_cents == 10
    assert reservation.charges.count() == 2
    # The money left at reservation time; charging does not touch the balance again.
    assert selectors.balance_cents(org=funded_org) == 285


def test_it_refuses_to_charge_past_the_reservation(funded_org: Organisation) -> None:
    reservation = services.credit_reserve(
        org=funded_org, cents=10, reference="m", idempotency_key="k"
    )
    services.reservation_charge(reservation=reservation, cents=10, idempotency_key="c1")

    with pytest.raises(ReservationError, match="would pass"):
        services.reservation_charge(reservation=reservation, cents=5, idempotency_key="c2")


def test_release_gives_back_the_unspent_rest_once(funded_org: Organisation) -> None:
    reservation = services.credit_reserve(
        org=funded_org, cents=100, reference="Match 9", idempotency_key="k"
    )
    for n in range(3):
        services.reservation_charge(reservation=reservation, cents=5, idempotency_key=f"c{n}")

    entry = services.reservation_release(reservation=reservation, idempotency_key="k:release")
    again = services.reservation_release(reservation=reservation, idempotency_key="k:release")

    assert entry is not None
    assert again is not None
    assert entry.pk == again.pk
    assert entry.kind == Kind.RELEASE
    assert entry.amount_cents == 85
    assert selectors.balance_cents(org=funded_org) == 285
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.RELEASED
    assert reservation.released_cents == 85
    with pytest.raises(ReservationError, match="already settled"):
        services.reservation_charge(reservation=reservation, cents=5, idempotency_key="late")


def test_release_of_a_fully_spent_reservation_posts_nothing(funded_org: Organisation) -> None:
    reservation = services.credit_reserve(
        org=funded_org, cents=10, reference="m", idempotency_key="k"
    )
    services.reservation_charge(reservation=reservation, cents=10, idempotency_key="c")

    assert services.reservation_release(reservation=reservation, idempotency_key="r") is None
    assert not LedgerEntry.objects.filter(kind=Kind.RELEASE).exists()
    assert selectors.balance_cents(org=funded_org) == 290


def test_a_charge_key_belongs_to_one_reservation(funded_org: Organisation) -> None:
    one = services.credit_reserve(org=funded_org, cents=10, reference="m", idempotency_key="a")
    two = services.credit_reserve(org=funded_org, cents=10, reference="m", idempotency_key="b")
    services.reservation_charge(reservation=one, cents=5, idempotency_key="c")

    with pytest.raises(IdempotencyConflict):
        services.reservation_charge(reservation=two, cents=5, idempotency_key="c")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_matches_started_at_once_against_credit_for_ten_run_exactly_ten(
    postgres: None, alice_org: Organisation
) -> None:
    price = selectors.price_per_candidate_cents()
    match_cost = 20 * price
    services.credit_grant(
        org=alice_org,
        cents=10 * match_cost,
        kind=Kind.PURCHASE,
        idempotency_key="pack",
        reference="pack",
    )
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def start_match(n: int) -> None:
        try:
            barrier.wait()
            services.credit_reserve(
                org=alice_org, cents=match_cost, reference=f"match {n}", idempotency_key=f"m{n}"
            )
            result = "reserved"
        except InsufficientCredit:
            result = "refused"
        except Exception as exc:  # reported, so that the assertion below shows it
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=start_match, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == ["refused", "reserved"], outcomes
    assert outcomes.count("reserved") == 10
    assert selectors.balance_cents(org=alice_org) == 0
    balances = LedgerEntry.objects.values_list("balance_after_cents", flat=True)
    assert min(balances) == 0
    assert Reservation.objects.count() == 10
    call_command("audit_ledger")
