import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from accounts.models import AuditEvent, Organisation, User
from billing import selectors, services
from billing.exceptions import IdempotencyConflict, InsufficientCredit
from billing.models import CreditAccount, LedgerEntry, LedgerErasure

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
    # The mark that let the database delete those rows goes with them.
    assert not LedgerErasure.objects.exists()


def assert_refused(statement: str, pk: int) -> None:
    """The database itself rejects `statement` on entry `pk`, whatever the model layer says."""
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [pk])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE billing_ledgerentry SET amount_cents = 5 WHERE id = %s",
        "UPDATE billing_ledgerentry SET note = 'edited' WHERE id = %s",
    ],
)
def test_the_database_itself_refuses_to_change_an_entry(
    alice_org: Organisation, statement: str
) -> None:
    entry = grant(alice_org, 1000)

    assert_refused(statement, entry.pk)

    assert LedgerEntry.objects.get(pk=entry.pk).amount_cents == 1000
    assert LedgerEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.postgres
def test_postgres_itself_refuses_to_delete_an_entry(
    postgres: None, alice_org: Organisation
) -> None:
    # SQLite has no delete guard: its test flush empties tables with DELETE (migration 0002).
    entry = grant(alice_org, 1000)

    assert_refused("DELETE FROM billing_ledgerentry WHERE id = %s", entry.pk)

    assert LedgerEntry.objects.get(pk=entry.pk).amount_cents == 1000


@pytest.mark.postgres
def test_another_organisations_erasure_admits_none_of_this_ledger(
    postgres: None, alice_org: Organisation, charlie_org: Organisation
) -> None:
    entry = grant(alice_org, 1000)
    LedgerErasure.objects.create(organisation_id=charlie_org.pk)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM billing_ledgerentry WHERE id = %s", [entry.pk])

    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_the_user_who_acted_keeps_the_entry_and_their_address(
    alice_org: Organisation,
) -> None:
    actor = User.objects.create_user(email="ops@example.com", password="pw-12345678")
    entry = services.credit_grant(
        org=alice_org,
        cents=500,
        kind=Kind.ADJUSTMENT,
        idempotency_key="manual-1",
        reference="goodwill",
        actor=actor,
    )

    actor.delete()

    kept = LedgerEntry.objects.get(pk=entry.pk)
    assert kept.actor_id is None
    assert kept.actor_email == "ops@example.com"
    assert kept.amount_cents == 500


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
    # Only someone who first switches off the database's guard can alter an entry; the audit
    # is what notices. (The test's transaction rolls the switch back.)
    bypass, restore = {
        "postgresql": (
            "SET LOCAL session_replication_role = replica",
            "SET LOCAL session_replication_role = origin",
        ),
        "sqlite": ("DROP TRIGGER billing_ledger_no_update", "SELECT 1"),
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_creditaccount SET balance_cents = 99999 WHERE organisation_id = %s",
            [alice_org.pk],
        )
        cursor.execute(bypass)
        cursor.execute(
            "UPDATE billing_ledgerentry SET balance_after_cents = 7 WHERE idempotency_key = %s",
            ["grant-1"],
        )
        cursor.execute(restore)

    with pytest.raises(CommandError, match="Ledger mismatch"):
        call_command("audit_ledger")

    report = capsys.readouterr().err
    assert "Alice Recruiting" in report
    assert "balance is 99999 cents but its entries sum to 1500 cents" in report
    assert "says the balance after was 7 cents" in report
