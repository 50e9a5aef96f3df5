# The ledger was append-only in the model layer only (save, delete and the queryset refuse);
# raw SQL, a data migration or a dbshell session could still change history. These triggers
# make the database refuse too. Two writes stay possible, both from Django's own deletion
# collector: deleting an organisation takes its ledger with it (admitted by a LedgerErasure
# mark written in the same transaction), and deleting a user sets `actor_id` to NULL (the
# entry keeps `actor_email`).
#
# SQLite (the embedded default for a laptop) gets the update guard only: its test-database
# flush empties tables with DELETE in no fixed order, which a delete guard would refuse, while
# PostgreSQL flushes with TRUNCATE, which row triggers do not see. Deletes on SQLite are refused
# by the model layer alone. Django also alters an SQLite table by rebuilding it, which drops its
# triggers: a later migration that alters billing_ledgerentry must create them again (the tests
# in tests/billing/test_ledger.py fail if it does not).

from django.db import migrations

MESSAGE = "ledger entries are append-only: post a new entry instead"

# Every column but actor_id, which may only ever become NULL.
FROZEN = (
    "id",
    "organisation_id",
    "kind",
    "amount_cents",
    "balance_after_cents",
    "idempotency_key",
    "reference",
    "note",
    "actor_email",
    "created_at",
)

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION billing_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (
            SELECT 1 FROM billing_ledgererasure WHERE organisation_id = OLD.organisation_id
        ) THEN
            RETURN OLD;
        END IF;
    ELSIF ({", ".join("NEW." + c for c in FROZEN)})
            IS NOT DISTINCT FROM ({", ".join("OLD." + c for c in FROZEN)})
            AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER billing_ledger_append_only
    BEFORE UPDATE OR DELETE ON billing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only()
""",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS billing_ledger_append_only ON billing_ledgerentry",
    "DROP FUNCTION IF EXISTS billing_ledger_append_only()",
]

SQLITE = [
    f"""
CREATE TRIGGER billing_ledger_no_update BEFORE UPDATE ON billing_ledgerentry
WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)}
    OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS NOT OLD.actor_id)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
""",
]

SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS billing_ledger_no_update;"]


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE})


def uninstall(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
