import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import AuditEvent, Organisation, User
from billing import selectors, services
from billing.exceptions import IdempotencyConflict, InsufficientCredit
from billing.models import CreditAccount, LedgerEntry

Kind = LedgerEntry.Kind


def grant(org: Organisation, cents: int, key: str = "grant-1") -> LedgerEntry:
    return services.credit_grant(
        org=org, cents=cents, kind=Kind.ADJUSTMENT, idempotency_key=key, reference="test"
    )


def test_a_grant_writes_one_entry_and_moves_the_balance_with_it(alice_org: Organisation) -> None:
    entry = grant(alice_org, 1000)

    assert entry.amount_cents == 1000
    assert entry.balance_after_cents == 1000
    assert selectors.balance_cents(org=alice_org) == 1000
    assert CreditAccount.objects.get(organisation=alice_org).balance_cents == 1000


def test_it_writes_nothing_twice_for_a_repeated_idempotency_key(alice_org: Organisation) -> None:
    first = grant(alice_org, 1000, key="same")
    second = grant(alice_org, 1000, key="same")

    assert first.pk == second.pk
    assert selectors.balance_cents(org=alice_org) == 1000
    assert LedgerEntry.objects.filter(organisation=alice_org).count() == 1


def test_it_refuses_a_key_reused_by_another_organisation(
    alice_org: Organisation, charlie_org: Organisation
) -> None:
    grant(alice_org, 1000, key="shared")
    with pytest.raises(IdempotencyConflict):
        grant(charlie_org, 1000, key="shared")
    assert selectors.balance_cents(org=charlie_org) == 0


def test_ledger_entries_cannot_be_changed_or_deleted(alice_org: Organisation) -> None:
    entry = grant(alice_org, 1000)

    entry.amount_cents = 5
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_cents=5)
    with pytest.raises(TypeError, match="append-only"):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount_cents == 1000


def test_deleting_an_organisation_takes_its_ledger_with_it(alice_org: Organisation) -> None:
    grant(alice_org, 1000)
    services.credit_reserve(org=alice_org, cents=100, reference="m", idempotency_key="r")

    alice_org.delete()

    assert not LedgerEntry.objects.exists()


def test_a_refund_clawback_may_go_below_zero_and_then_blocks_spending(
    alice_org: Organisation,
) -> None:
    grant(alice_org, 100)
    services.credit_reserve(org=alice_org, cents=80, reference="match", idempotency_key="m1")
    services.credit_clawback(
        org=alice_org, cents=100, kind=Kind.REFUND, idempotency_key="refund-1", reference="r"
    )

    assert selectors.balance_cents(org=alice_org) == -80
    assert selectors.balance_summary(org=alice_org).blocked
    with pytest.raises(InsufficientCredit) as excinfo:
        services.credit_reserve(org=alice_org, cents=5, reference="m2", idempotency_key="m2")
    assert excinfo.value.available_cents == -80
    assert "Top it up" in excinfo.value.message

    grant(alice_org, 1000, key="top-up")
    services.credit_reserve(org=alice_org, cents=5, reference="m2", idempotency_key="m2")
    assert selectors.balance_cents(org=alice_org) == 915


def test_a_manual_adjustment_needs_a_reason_and_is_audited(
    alice_org: Organisation, staff: User
) -> None:
    with pytest.raises(ValueError, match="reason"):
        services.credit_adjust(org=alice_org, cents=500, reason="  ", actor=staff)

    entry = services.credit_adjust(
        org=alice_org, cents=500, reason="Goodwill after an outage", actor=staff
    )

    assert entry.kind == Kind.ADJUSTMENT
    assert entry.note == "Goodwill after an outage"
    assert entry.actor_email == staff.email
    audit = AuditEvent.objects.get(action="billing.adjustment")
    assert audit.detail["cents"] == 500
    assert audit.actor_email == staff.email


def test_a_negative_adjustment_cannot_take_the_balance_below_zero(
    alice_org: Organisation, staff: User
) -> None:
    grant(alice_org, 300)
    with pytest.raises(InsufficientCredit):
        services.credit_adjust(org=alice_org, cents=-301, reason="Correction", actor=staff)
    services.credit_adjust(org=alice_org, cents=-300, reason="Correction", actor=staff)
    assert selectors.balance_cents(org=alice_org) == 0


def test_audit_ledger_passes_on_a_consistent_ledger(
    alice_org: Organisation, charlie_org: Organisation, capsys: pytest.CaptureFixture[str]
) -> None:
    grant(alice_org, 1000)
    reservation = services.credit_reserve(
        org=alice_org, cents=300, reference="match", idempotency_key="m1"
    )
    services.reservation_charge(reservation=reservation, cents=5, idempotency_key="c1")
    services.reservation_release(reservation=reservation, idempotency_key="rel1")
    grant(charlie_org, 50, key="c")

    call_command("audit_ledger")

    assert "Ledger consistent: 2 organisation(s) checked." in capsys.readouterr().out


def test_audit_ledger_fails_with_a_readable_report_when_a_balance_was_tampered_with(
    alice_org: Organisation, capsys: pytest.CaptureFixture[str]
) -> None:
    grant(alice_org, 1000)
    grant(alice_org, 500, key="grant-2")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_creditaccount SET balance_cents = 99999 WHERE organisation_id = %s",
            [alice_org.pk],
        )
        cursor.execute(
            "UPDATE billing_ledgerentry SET balance_after_cents = 7 WHERE idempotency_key = %s",
            ["grant-1"],
        )

    with pytest.raises(CommandError, match="Ledger mismatch"):
        call_command("audit_ledger")

    report = capsys.readouterr().err
    assert "Alice Recruiting" in report
    assert "balance is 99999 cents but its entries sum to 1500 cents" in report
    assert "says the balance after was 7 cents" in report
