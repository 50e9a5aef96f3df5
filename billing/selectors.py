"""Reads for billing. Everything tenant-owned is filtered by organisation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from accounts.emails import normalize_email
from accounts.models import Organisation
from billing.models import (
    UNSETTLED,
    CreditAccount,
    CreditPack,
    LedgerEntry,
    Pricing,
    Purchase,
    TrialClaim,
)
from billing.money import candidates_covered


def pricing_get() -> Pricing:
    """The staff-edited prices, or the defaults (unsaved) before bootstrap has created the row."""
    return Pricing.objects.first() or Pricing()


def price_per_candidate_cents() -> int:
    return pricing_get().price_per_candidate_cents


def trial_credits_cents() -> int:
    return pricing_get().trial_credits_cents


def trial_refusal(*, email: str, org: Organisation | None = None) -> str:
    """Why `email` gets no free trial (for `org`), in words for the recruiter; "" when it may.

    The trial is once per person and once per organisation; a person is the normalised address,
    so the words say what makes two addresses one."""
    if org is not None and TrialClaim.objects.filter(organisation=org).exists():
        return ""
    claims = TrialClaim.objects.filter(email_normalised=normalize_email(email))
    if org is not None:
        claims = claims.exclude(organisation=org)
    if not claims.exists():
        return ""
    return (
        f"The free trial is once per person, and {email} counts as the same person as an "
        "address that has already had it: letter case, a “+tag” and, for Gmail, dots in the "
        "name all reach the same inbox. So this account starts without free credit; buy "
        "credits to score candidates."
    )


def pack_list_active() -> QuerySet[CreditPack]:
    return CreditPack.objects.filter(active=True)


def payments_enabled() -> bool:
    return bool(settings.USE_STRIPE)


def balance_cents(*, org: Organisation) -> int:
    value = (
        CreditAccount.objects.filter(organisation=org)
        .values_list("balance_cents", flat=True)
        .first()
    )
    return int(value or 0)


@dataclass(frozen=True)
class BalanceSummary:
    balance_cents: int
    price_per_candidate_cents: int
    candidates: int

    @property
    def blocked(self) -> bool:
        return self.balance_cents < 0


def balance_summary(*, org: Organisation) -> BalanceSummary:
    balance = balance_cents(org=org)
    price = price_per_candidate_cents()
    return BalanceSummary(
        balance_cents=balance,
        price_per_candidate_cents=price,
        candidates=candidates_covered(balance, price),
    )


def ledger_list(
    *,
    org: Organisation,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(organisation=org)
    if kind:
        entries = entries.filter(kind=kind)
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(created_at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        # Inclusive of the whole last day.
        end = datetime.combine(date_to + timedelta(days=1), time.min, tz)
        entries = entries.filter(created_at__lt=end)
    return entries.select_related("actor").order_by("-created_at", "-id")


def purchase_list(*, org: Organisation) -> QuerySet[Purchase]:
    return Purchase.objects.filter(organisation=org).order_by("-created_at")


def receipt_list(*, org: Organisation) -> QuerySet[Purchase]:
    return purchase_list(org=org).exclude(status__in=UNSETTLED)


def purchase_for_session(*, org: Organisation, session_id: str) -> Purchase | None:
    return purchase_list(org=org).filter(checkout_session_id=session_id).first()


# Only money that has already left (refunds, disputes) may take a balance below zero.
NEGATIVE_ALLOWED = {LedgerEntry.Kind.REFUND, LedgerEntry.Kind.DISPUTE}


@dataclass(frozen=True)
class LedgerProblem:
    organisation_id: int
    organisation_name: str
    message: str


# (organisation id, message) for each open reservation whose holder will not spend or release it.
ReservationCheck = Callable[[], Iterable[tuple[int, str]]]
_reservation_checks: list[ReservationCheck] = []


def register_reservation_check(check: ReservationCheck) -> None:
    """Lets the app that reserves credit (billing knows nothing of what for) tell the audit which
    open reservations are held by work that is not running."""
    if check not in _reservation_checks:
        _reservation_checks.append(check)


def ledger_audit() -> tuple[int, list[LedgerProblem]]:
    """Checks every organisation: balance == sum of entries, and each entry's `balance_after`
    continues the previous one; and that no credit is held by work that is not running.
    Returns (organisations checked, problems)."""
    problems: list[LedgerProblem] = []
    org_ids = set(CreditAccount.objects.values_list("organisation_id", flat=True))
    org_ids |= set(LedgerEntry.objects.values_list("organisation_id", flat=True).distinct())
    names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    balances = dict(CreditAccount.objects.values_list("organisation_id", "balance_cents"))
    sums = {
        row["organisation_id"]: (row["total"] or 0, row["n"])
        for row in LedgerEntry.objects.values("organisation_id").annotate(
            total=Sum("amount_cents"), n=Count("id")
        )
    }
    for org_id in sorted(org_ids):
        name = names.get(org_id, "?")

        def report(message: str, org_id: int = org_id, name: str = name) -> None:
            problems.append(LedgerProblem(org_id, name, message))

        total, _count = sums.get(org_id, (0, 0))
        balance = balances.get(org_id)
        if balance is None:
            report(f"has {_count} ledger entries but no credit account")
        elif balance != total:
            report(f"balance is {balance} cents but its entries sum to {total} cents")
        running = 0
        chain = (
            LedgerEntry.objects.filter(organisation_id=org_id)
            .order_by("id")
            .values_list("id", "amount_cents", "balance_after_cents", "kind")
        )
        for entry_id, amount, after, kind in chain.iterator():
            running += amount
            if after != running:
                report(
                    f"entry {entry_id} ({kind}) says the balance after was {after} cents; "
                    f"the entries before it and its amount give {running} cents"
                )
                running = after  # report each break once, not every entry after it
            if amount < 0 and after < 0 and kind not in NEGATIVE_ALLOWED:
                report(f"entry {entry_id} ({kind}) took the balance below zero")
    for check in _reservation_checks:
        for org_id, message in check():
            org_ids.add(org_id)
            problems.append(LedgerProblem(org_id, names.get(org_id, "?"), message))
    return len(org_ids), problems
