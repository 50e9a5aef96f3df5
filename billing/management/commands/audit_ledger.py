from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.selectors import ledger_audit


class Command(BaseCommand):
    help = (
        "Checks every organisation's credit: the balance equals the sum of its ledger entries and "
        "each entry's balance-after continues the one before. Exits non-zero on any mismatch."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = ledger_audit()
        if not problems:
            self.stdout.write(
                self.style.SUCCESS(f"Ledger consistent: {checked} organisation(s) checked.")
            )
            return
        for problem in problems:
            self.stderr.write(
                f"- {problem.organisation_name} (id {problem.organisation_id}): {problem.message}"
            )
        orgs = len({p.organisation_id for p in problems})
        raise CommandError(
            f"Ledger mismatch: {len(problems)} problem(s) in {orgs} of {checked} organisation(s)."
        )
