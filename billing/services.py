"""Every write to credits goes through here.

The rules, which `manage.py audit_ledger` checks afterwards:
- a balance changes only together with a new `LedgerEntry`, in one transaction, while the
  organisation's `CreditAccount` row is locked (`select_for_update`), so two writers queue up
  instead of both reading the old balance;
- every entry has a unique idempotency key: a retried call finds its entry and writes nothing;
- spending never takes a balance below zero; only a refund or dispute claw-back may.

Rows are always locked in the same order (Stripe payment, purchase, account, reservation) so
two transactions never wait on each other in a circle.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.emails import normalize_email
from accounts.models import Organisation, User
from accounts.services import audit_record
from billing import selectors, stripe_client
from billing.exceptions import (
    IdempotencyConflict,
    InsufficientCredit,
    PaymentsNotConfigured,
    ReservationError,
)
from billing.models import (
    UNSETTLED,
    CreditAccount,
    CreditPack,
    LedgerEntry,
    Purchase,
    Reservation,
    ReservationCharge,
    StripeDispute,
    StripePayment,
    TrialClaim,
)
from billing.money import format_cents, proportional_cents

logger = logging.getLogger(__name__)

Kind = LedgerEntry.Kind
GRANT_KINDS = {Kind.TRIAL_GRANT, Kind.PURCHASE, Kind.ADJUSTMENT, Kind.DISPUTE_WON}
CLAWBACK_KINDS = {Kind.REFUND, Kind.DISPUTE}


# --- Ledger core -------------------------------------------------------------------------------


def _account_locked(*, org: Organisation) -> CreditAccount:
    """The organisation's account row, created on first use, locked until the transaction ends."""
    CreditAccount.objects.get_or_create(organisation=org)
    return CreditAccount.objects.select_for_update().get(organisation=org)


def _entry_existing(*, key: str, org: Organisation, kind: str) -> LedgerEntry | None:
    entry = LedgerEntry.objects.filter(idempotency_key=key).first()
    if entry is not None and (entry.organisation_id != org.pk or entry.kind != kind):
        raise IdempotencyConflict(
            f"The idempotency key {key!r} was already used for another entry."
        )
    return entry


def _entry_post(
    *,
    account: CreditAccount,
    kind: str,
    amount_cents: int,
    idempotency_key: str,
    reference: str = "",
    note: str = "",
    actor: User | None = None,
) -> LedgerEntry:
    """Appends one entry and moves the balance with it. The caller holds the account lock."""
    if amount_cents == 0:
        raise ValueError("a ledger entry moves a non-zero amount")
    account.balance_cents += amount_cents
    account.save(update_fields=["balance_cents", "updated_at"])
    return LedgerEntry.objects.create(
        organisation_id=account.organisation_id,
        kind=kind,
        amount_cents=amount_cents,
        balance_after_cents=account.balance_cents,
        idempotency_key=idempotency_key,
        reference=reference[:255],
        note=note,
        actor=actor,
        actor_email=actor.email if actor is not None else "",
    )


@transaction.atomic
def credit_grant(
    *,
    org: Organisation,
    cents: int,
    kind: str,
    idempotency_key: str,
    reference: str,
    actor: User | None = None,
    note: str = "",
) -> LedgerEntry:
    """Adds credit (trial, purchase, adjustment). A repeated key returns the first entry."""
    if kind not in GRANT_KINDS:
        raise ValueError(f"credit_grant cannot post a {kind!r} entry")
    if cents <= 0:
        raise ValueError("a grant adds a positive number of cents")
    account = _account_locked(org=org)
    existing = _entry_existing(key=idempotency_key, org=org, kind=kind)
    if existing is not None:
        return existing
    return _entry_post(
        account=account,
        kind=kind,
        amount_cents=cents,
        idempotency_key=idempotency_key,
        reference=reference,
        actor=actor,
        note=note,
    )


@transaction.atomic
def credit_clawback(
    *,
    org: Organisation,
    cents: int,
    kind: str,
    idempotency_key: str,
    reference: str,
    note: str = "",
) -> LedgerEntry:
    """Takes back refunded or disputed credit. The only write allowed to go below zero: the money
    has left, so the credit must too, and the organisation is blocked until it tops up."""
    if kind not in CLAWBACK_KINDS:
        raise ValueError(f"credit_clawback cannot post a {kind!r} entry")
    if cents <= 0:
        raise ValueError("a claw-back takes a positive number of cents")
    account = _account_locked(org=org)
    existing = _entry_existing(key=idempotency_key, org=org, kind=kind)
    if existing is not None:
        return existing
    return _entry_post(
        account=account,
        kind=kind,
        amount_cents=-cents,
        idempotency_key=idempotency_key,
        reference=reference,
        note=note,
    )


def _audit(*, actor: User | None, org: Organisation, action: str, detail: dict[str, Any]) -> None:
    audit_record(action=action, org=org, actor=actor, detail=detail)


@transaction.atomic
def credit_adjust(
    *,
    org: Organisation,
    cents: int,
    reason: str,
    actor: User | None,
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """A manual correction by staff, with a required reason. It cannot take a balance below zero."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a manual adjustment needs a reason")
    if cents == 0:
        raise ValueError("an adjustment moves a non-zero amount")
    key = idempotency_key or f"adjustment:{uuid.uuid4()}"
    account = _account_locked(org=org)
    existing = _entry_existing(key=key, org=org, kind=Kind.ADJUSTMENT)
    if existing is not None:
        return existing
    if cents < 0 and account.balance_cents + cents < 0:
        raise InsufficientCredit(needed_cents=-cents, available_cents=account.balance_cents)
    entry = _entry_post(
        account=account,
        kind=Kind.ADJUSTMENT,
        amount_cents=cents,
        idempotency_key=key,
        reference="Manual adjustment",
        note=reason,
        actor=actor,
    )
    _audit(
        actor=actor,
        org=org,
        action="billing.adjustment",
        detail={"cents": cents, "reason": reason, "entry_id": entry.pk},
    )
    return entry


# --- Reservations for matches ------------------------------------------------------------------


@transaction.atomic
def credit_reserve(
    *,
    org: Organisation,
    cents: int,
    reference: str,
    idempotency_key: str,
    actor: User | None = None,
) -> Reservation:
    """Sets aside the whole cost of a match up front, or raises `InsufficientCredit`.

    The account row is locked before the balance is read, so fifty matches started at once
    against a balance that covers ten queue on the lock and exactly ten get through.
    """
    if cents <= 0:
        raise ValueError("a reservation holds a positive number of cents")
    account = _account_locked(org=org)
    existing = Reservation.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.organisation_id != org.pk:
            raise IdempotencyConflict(
                f"The idempotency key {idempotency_key!r} belongs to another organisation."
            )
        return existing
    if account.balance_cents < cents:
        raise InsufficientCredit(needed_cents=cents, available_cents=account.balance_cents)
    entry = _entry_post(
        account=account,
        kind=Kind.MATCH_CHARGE,
        amount_cents=-cents,
        idempotency_key=idempotency_key,
        reference=reference,
        actor=actor,
    )
    return Reservation.objects.create(
        organisation=org,
        reserved_cents=cents,
        reference=reference[:255],
        idempotency_key=idempotency_key,
        entry=entry,
    )


@transaction.atomic
def reservation_charge(
    *, reservation: Reservation, cents: int, idempotency_key: str
) -> ReservationCharge:
    """Records that `cents` of the reservation were spent (a candidate scored).

    The money already left the balance when it was reserved, so this is bookkeeping on the
    reservation only: it decides how much `reservation_release` gives back.
    """
    if cents <= 0:
        raise ValueError("a charge spends a positive number of cents")
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    existing = ReservationCharge.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.reservation_id != locked.pk:
            raise IdempotencyConflict(
                f"The idempotency key {idempotency_key!r} belongs to another reservation."
            )
        return existing
    if locked.status == Reservation.Status.RELEASED:
        raise ReservationError("This reservation was already settled; start the match again.")
    if locked.charged_cents + cents > locked.reserved_cents:
        raise ReservationError(
            f"Charging {format_cents(cents)} would pass the {format_cents(locked.reserved_cents)} "
            "reserved for this match."
        )
    charge = ReservationCharge.objects.create(
        reservation=locked, cents=cents, idempotency_key=idempotency_key
    )
    locked.charged_cents += cents
    locked.save(update_fields=["charged_cents"])
    reservation.charged_cents = locked.charged_cents
    return charge


@transaction.atomic
def reservation_release(*, reservation: Reservation, idempotency_key: str) -> LedgerEntry | None:
    """Gives back what was reserved and not charged, once. Returns the release entry, or None
    when everything was spent."""
    _account_locked(org=reservation.organisation)
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if locked.status == Reservation.Status.RELEASED:
        return locked.release_entry
    account = CreditAccount.objects.get(organisation_id=locked.organisation_id)
    rest = locked.reserved_cents - locked.charged_cents
    entry = None
    if rest > 0:
        if _entry_existing(key=idempotency_key, org=reservation.organisation, kind=Kind.RELEASE):
            raise IdempotencyConflict(f"The idempotency key {idempotency_key!r} is already used.")
        entry = _entry_post(
            account=account,
            kind=Kind.RELEASE,
            amount_cents=rest,
            idempotency_key=idempotency_key,
            reference=locked.reference,
        )
    locked.status = Reservation.Status.RELEASED
    locked.released_cents = rest
    locked.released_at = timezone.now()
    locked.release_entry = entry
    locked.save(update_fields=["status", "released_cents", "released_at", "release_entry"])
    reservation.status, reservation.released_cents = locked.status, locked.released_cents
    reservation.release_entry = entry
    return entry


# --- Free trial --------------------------------------------------------------------------------


@transaction.atomic
def trial_grant(*, user: User, org: Organisation, email: str | None = None) -> bool:
    """Grants the free trial once per person and once per organisation. True when granted.

    "Person" is the normalised email address (case, `+tag`, Gmail dots), claimed through a unique
    row: two verifications racing for one address both insert, the database keeps one.
    """
    normalised = normalize_email(email or user.email)
    cents = selectors.trial_credits_cents()
    if cents <= 0:
        return False
    account = _account_locked(org=org)
    if TrialClaim.objects.filter(organisation=org).exists():
        return False
    try:
        with transaction.atomic():
            TrialClaim.objects.create(
                email_normalised=normalised, user=user, organisation=org, cents=cents
            )
    except IntegrityError:
        return False
    _entry_post(
        account=account,
        kind=Kind.TRIAL_GRANT,
        amount_cents=cents,
        idempotency_key=f"trial:{normalised}",
        reference="Free trial",
        actor=user,
    )
    return True


# --- Stripe purchases --------------------------------------------------------------------------


def _customer_ensure(*, org: Organisation, user: User) -> str:
    account, _ = CreditAccount.objects.get_or_create(organisation=org)
    if account.stripe_customer_id:
        return account.stripe_customer_id
    # Stripe's idempotency key makes two first purchases started at once share one customer.
    customer_id = stripe_client.customer_create(
        email=user.email,
        name=org.name,
        organisation_id=org.pk,
        idempotency_key=f"rolematch-customer-{org.pk}",
    )
    updated = CreditAccount.objects.filter(pk=account.pk, stripe_customer_id="").update(
        stripe_customer_id=customer_id
    )
    if not updated:
        # Another request stored a customer first; use that one.
        account.refresh_from_db(fields=["stripe_customer_id"])
        return account.stripe_customer_id
    return customer_id


def purchase_start(
    *,
    org: Organisation,
    pack: CreditPack,
    user: User,
    success_url: str,
    cancel_url: str,
) -> Purchase:
    """Opens a Stripe Checkout session for a pack. Credits come later, from the webhook only."""
    if not selectors.payments_enabled():
        raise PaymentsNotConfigured()
    if not pack.active:
        raise ValueError("this credit pack is no longer sold")
    customer_id = _customer_ensure(org=org, user=user)
    session = stripe_client.checkout_session_create(
        customer_id=customer_id,
        amount_cents=pack.price_cents,
        product_name=f"RoleMatch credits: {pack.name}",
        product_description=f"{format_cents(pack.credits_cents)} of matching credit",
        success_url=success_url,
        cancel_url=cancel_url,
        client_reference_id=str(org.pk),
        metadata={
            "organisation_id": str(org.pk),
            "pack_id": str(pack.pk),
            "credits_cents": str(pack.credits_cents),
        },
    )
    return Purchase.objects.create(
        organisation=org,
        pack=pack,
        pack_name=pack.name,
        price_cents=pack.price_cents,
        credits_cents=pack.credits_cents,
        checkout_session_id=session.id,
        payment_intent_id=session.payment_intent or "",
        customer_id=customer_id,
        created_by=user,
        checkout_url=session.url,
    )


def _purchase_for_session(*, session: dict[str, Any]) -> Purchase | None:
    """The recorded purchase of a Checkout session, locked, if the session is one this app
    opened and its payment matches what we asked for; otherwise None, logged.

    Nothing in the event is trusted beyond its session id and what was paid: a signature proves
    only that Stripe sent it, and anyone with access to the Stripe account (a payment link, the
    dashboard, a leaked key) can make a session whose metadata names any credit.
    """
    session_id = str(session["id"])
    purchase = Purchase.objects.select_for_update().filter(checkout_session_id=session_id).first()
    if purchase is None:
        logger.warning("Checkout session %s was not opened by RoleMatch; ignored", session_id)
        return None
    paid = session.get("amount_total")
    currency = str(session.get("currency") or "").lower()
    if paid != purchase.price_cents or currency != purchase.currency:
        logger.error(
            "Checkout session %s paid %r %s for purchase %s priced %s %s; not credited",
            session_id,
            paid,
            currency or "?",
            purchase.pk,
            purchase.price_cents,
            purchase.currency,
        )
        return None
    return purchase


def _payment_locked(*, payment_intent_id: str) -> StripePayment | None:
    """The payment's refund record, created on first use, locked until the transaction ends.

    Created even when no refund ever comes: a fulfilment and a refund or dispute racing for one
    payment must both insert or find the same unique row, or each could miss the other's
    uncommitted write and the claw-back would be lost.
    """
    if not payment_intent_id:
        return None
    StripePayment.objects.get_or_create(payment_intent_id=payment_intent_id)
    return StripePayment.objects.select_for_update().get(payment_intent_id=payment_intent_id)


@transaction.atomic
def purchase_fulfil(*, session: dict[str, Any]) -> LedgerEntry | None:
    """Credits a paid Checkout session, once: the purchase row is locked and its status checked,
    and the entry's key is the session id. The credit is the recorded pack's, never the event's.
    Refunds and disputes Stripe reported before this completion are clawed back in the same
    transaction, refunds first. Returns the purchase entry, or None if nothing was due."""
    payment = _payment_locked(payment_intent_id=str(session.get("payment_intent") or ""))
    purchase = _purchase_for_session(session=session)
    if purchase is None or purchase.status != Purchase.Status.PENDING:
        return None
    entry = credit_grant(
        org=purchase.organisation,
        cents=purchase.credits_cents,
        kind=Kind.PURCHASE,
        idempotency_key=f"purchase:{purchase.checkout_session_id}",
        reference=f"{purchase.pack_name} (Stripe Checkout {purchase.checkout_session_id})",
        actor=purchase.created_by,
    )
    purchase.status = Purchase.Status.PAID
    purchase.paid_at = timezone.now()
    if payment is not None:
        purchase.payment_intent_id = payment.payment_intent_id
    purchase.amount_paid_cents = purchase.price_cents
    purchase.customer_id = str(session.get("customer") or purchase.customer_id)
    purchase.save()
    if payment is not None and payment.amount_refunded_cents > 0:
        _refund_apply(purchase=purchase, payment=payment)
    if payment is not None:
        for dispute in StripeDispute.objects.filter(payment_intent_id=payment.payment_intent_id):
            _dispute_apply(purchase=purchase, dispute=dispute)
    return entry


def purchase_expire(*, session_id: str) -> bool:
    """Marks the purchase of a Checkout session that Stripe expired unpaid. Only a pending
    purchase moves, in one conditional update: a paid one is never touched."""
    expired = Purchase.objects.filter(
        checkout_session_id=session_id, status=Purchase.Status.PENDING
    ).update(status=Purchase.Status.EXPIRED)
    return expired == 1


def _paid_purchase_for_intent(*, payment_intent_id: str) -> Purchase | None:
    if not payment_intent_id:
        return None
    return (
        Purchase.objects.select_for_update()
        .filter(payment_intent_id=payment_intent_id)
        .exclude(status__in=UNSETTLED)
        .first()
    )


def _refund_apply(*, purchase: Purchase, payment: StripePayment) -> LedgerEntry | None:
    """Claws back the purchase's credit up to the share of its money refunded so far. The
    caller holds the payment and purchase locks."""
    paid = payment.amount_cents or purchase.amount_paid_cents or purchase.price_cents
    refunded = payment.amount_refunded_cents
    ceiling = purchase.credits_cents - purchase.disputed_credits_cents
    target = min(proportional_cents(purchase.credits_cents, refunded, paid), ceiling)
    due = target - purchase.refunded_credits_cents
    if due <= 0:
        return None
    entry = credit_clawback(
        org=purchase.organisation,
        cents=due,
        kind=Kind.REFUND,
        idempotency_key=f"refund:{payment.charge_id}:{refunded}",
        reference=f"Refund of {purchase.pack_name} ({payment.charge_id})",
        note=f"{format_cents(refunded)} of {format_cents(paid)} refunded",
    )
    purchase.refunded_credits_cents = target
    if purchase.clawed_back_cents >= purchase.credits_cents:
        purchase.status = Purchase.Status.REFUNDED
    purchase.save(update_fields=["refunded_credits_cents", "status"])
    return entry


@transaction.atomic
def purchase_refund(
    *, payment_intent_id: str, charge_id: str, amount_cents: int, amount_refunded_cents: int
) -> LedgerEntry | None:
    """Records a refund against its payment and claws back the credits of a paid purchase, in
    proportion to the money refunded so far.

    Stripe reports the cumulative amount refunded, so each event claws back only the difference
    from what was already taken; the entry key carries that cumulative amount, so a redelivered
    event posts nothing. A refund whose purchase is not paid yet waits on the payment record
    for `purchase_fulfil`.
    """
    payment = _payment_locked(payment_intent_id=payment_intent_id)
    if payment is None:
        logger.info("Refund %s names no payment; ignored", charge_id)
        return None
    if amount_refunded_cents > payment.amount_refunded_cents:
        payment.charge_id = charge_id
        payment.amount_cents = amount_cents
        payment.amount_refunded_cents = amount_refunded_cents
        payment.save()
    purchase = _paid_purchase_for_intent(payment_intent_id=payment_intent_id)
    if purchase is None:
        logger.info(
            "Refund for payment %s matches no paid purchase; kept for its completion",
            payment_intent_id,
        )
        return None
    return _refund_apply(purchase=purchase, payment=payment)


# What Stripe calls an inquiry: the card issuer asks questions and no money has moved yet. An
# inquiry that escalates becomes a chargeback under the same id (`funds_withdrawn`).
INQUIRY_STATUSES = frozenset({"warning_needs_response", "warning_under_review", "warning_closed"})
WITHDRAWN, REINSTATED = "withdrawn", "reinstated"


def _dispute_apply(*, purchase: Purchase, dispute: StripeDispute) -> LedgerEntry | None:
    """Brings the purchase's credit in line with what Stripe did with the disputed money: takes
    back the disputed share once the money is withdrawn (capped at what refunds and other
    disputes left), gives back exactly that once it is reinstated, each once per dispute. The
    caller holds the payment and purchase locks."""
    taken = LedgerEntry.objects.filter(idempotency_key=f"dispute:{dispute.dispute_id}").first()
    if dispute.funds_reinstated:
        return _dispute_reverse(purchase=purchase, dispute=dispute, taken=taken)
    if not dispute.funds_withdrawn or taken is not None:
        return None
    paid = purchase.amount_paid_cents or purchase.price_cents
    still_credited = purchase.credits_cents - purchase.clawed_back_cents
    due = min(
        proportional_cents(purchase.credits_cents, dispute.amount_cents, paid), still_credited
    )
    purchase.status = Purchase.Status.DISPUTED
    if due <= 0:
        purchase.save(update_fields=["status"])
        return None
    entry = credit_clawback(
        org=purchase.organisation,
        cents=due,
        kind=Kind.DISPUTE,
        idempotency_key=f"dispute:{dispute.dispute_id}",
        reference=f"Dispute on {purchase.pack_name} ({dispute.dispute_id})",
        note=f"{format_cents(dispute.amount_cents)} disputed",
    )
    purchase.disputed_credits_cents += due
    purchase.save(update_fields=["disputed_credits_cents", "status"])
    return entry


def _dispute_reverse(
    *, purchase: Purchase, dispute: StripeDispute, taken: LedgerEntry | None
) -> LedgerEntry | None:
    """A dispute won: the credit its claw-back took comes back, once. One whose money came
    back before its claw-back was posted (events out of order) never takes any."""
    entry = None
    key = f"dispute-won:{dispute.dispute_id}"
    if taken is not None and not LedgerEntry.objects.filter(idempotency_key=key).exists():
        cents = -taken.amount_cents
        entry = credit_grant(
            org=purchase.organisation,
            cents=cents,
            kind=Kind.DISPUTE_WON,
            idempotency_key=key,
            reference=f"Dispute won on {purchase.pack_name} ({dispute.dispute_id})",
            note=f"{format_cents(cents)} of credit restored",
        )
        purchase.disputed_credits_cents -= cents
    open_disputes = (
        StripeDispute.objects.filter(
            payment_intent_id=dispute.payment_intent_id,
            funds_withdrawn=True,
            funds_reinstated=False,
        )
        .exclude(pk=dispute.pk)
        .exists()
    )
    if open_disputes:
        purchase.status = Purchase.Status.DISPUTED
    elif purchase.clawed_back_cents >= purchase.credits_cents:
        purchase.status = Purchase.Status.REFUNDED
    else:
        purchase.status = Purchase.Status.PAID
    purchase.save(update_fields=["disputed_credits_cents", "status"])
    return entry


@transaction.atomic
def purchase_dispute(
    *,
    payment_intent_id: str,
    dispute_id: str,
    charge_id: str,
    disputed_amount_cents: int,
    status: str = "",
    funds: str = "",
) -> LedgerEntry | None:
    """Records what Stripe said of a dispute and moves the credit of a paid purchase to match,
    once per dispute id: `status` is the dispute's (an inquiry's "warning_..." has taken no
    money), `funds` is WITHDRAWN or REINSTATED when the event says the money moved. A dispute
    whose purchase is not paid yet waits on its record for `purchase_fulfil`, which applies it
    with the same entry keys."""
    payment = _payment_locked(payment_intent_id=payment_intent_id)
    if payment is None:
        logger.info("Dispute %s names no payment; ignored", dispute_id)
        return None
    # Any status but an inquiry's means the money has left (a chargeback, under review, lost,
    # won: a win gives it back through `funds`).
    withdrawn = funds in (WITHDRAWN, REINSTATED) or (
        bool(status) and status not in INQUIRY_STATUSES
    )
    dispute, created = StripeDispute.objects.get_or_create(
        dispute_id=dispute_id,
        defaults={
            "payment_intent_id": payment_intent_id,
            "charge_id": charge_id,
            "amount_cents": disputed_amount_cents,
            "status": status,
            # A dispute first heard of with no status is taken for a chargeback, as before
            # statuses were read; reinstated money was withdrawn first, in whatever order the
            # events came.
            "funds_withdrawn": withdrawn or not status,
            "funds_reinstated": funds == REINSTATED,
        },
    )
    if not created:
        # Only ever forward: a late redelivery of the inquiry cannot undo a withdrawal, nor a
        # withdrawal a reinstatement.
        dispute.status = status or dispute.status
        dispute.funds_withdrawn = dispute.funds_withdrawn or withdrawn
        dispute.funds_reinstated = dispute.funds_reinstated or funds == REINSTATED
        dispute.save(update_fields=["status", "funds_withdrawn", "funds_reinstated"])
    purchase = _paid_purchase_for_intent(payment_intent_id=payment_intent_id)
    if purchase is None:
        logger.info(
            "Dispute %s on payment %s matches no paid purchase; kept for its completion",
            dispute_id,
            payment_intent_id,
        )
        return None
    return _dispute_apply(purchase=purchase, dispute=dispute)
