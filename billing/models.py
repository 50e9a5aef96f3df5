"""Credits in integer US cents: an append-only ledger, the balance it sums to, Stripe records."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from billing.money import candidates_covered, format_cents

DEFAULT_PRICE_PER_CANDIDATE_CENTS = 5
DEFAULT_TRIAL_CREDITS_CENTS = 300


class Pricing(models.Model):
    """The one row of prices staff edit in admin. Read through `billing.selectors`."""

    # Always 1: a unique constant turns "one row" into a database rule.
    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    price_per_candidate_cents = models.PositiveIntegerField(
        default=DEFAULT_PRICE_PER_CANDIDATE_CENTS,
        help_text="Charged for each candidate scored against a role. Re-ranking is free.",
    )
    trial_credits_cents = models.PositiveIntegerField(
        default=DEFAULT_TRIAL_CREDITS_CENTS,
        help_text="Granted once per person when they verify their email address.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "pricing"
        verbose_name_plural = "pricing"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=1), name="billing_pricing_single_row"
            ),
            models.CheckConstraint(
                condition=models.Q(price_per_candidate_cents__gt=0),
                name="billing_pricing_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_cents(self.price_per_candidate_cents)} per candidate"


class CreditPack(models.Model):
    name = models.CharField(max_length=80)
    price_cents = models.PositiveIntegerField(help_text="What the customer pays, in cents.")
    credits_cents = models.PositiveIntegerField(help_text="Credit added to the balance, in cents.")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "price_cents"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_cents__gt=0) & models.Q(credits_cents__gt=0),
                name="billing_pack_amounts_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({format_cents(self.price_cents)})"

    def candidates_for(self, price_per_candidate_cents: int) -> int:
        return candidates_covered(self.credits_cents, price_per_candidate_cents)


class CreditAccount(models.Model):
    """The running balance: always the sum of the organisation's ledger entries."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="credit_account"
    )
    balance_cents = models.BigIntegerField(default=0)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation}: {format_cents(self.balance_cents)}"

    @property
    def blocked(self) -> bool:
        """A refund or dispute took the balance below zero: no new matches until topped up."""
        return self.balance_cents < 0


class AppendOnlyQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Ledger entries are append-only: post a new entry instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        # Deleting an organisation still removes its ledger: the collector bypasses this manager.
        raise TypeError("Ledger entries are append-only: post a new entry instead.")


class LedgerEntry(models.Model):
    """One movement of credit. Never changed or deleted: corrections are new entries."""

    class Kind(models.TextChoices):
        TRIAL_GRANT = "trial_grant", "Free trial"
        PURCHASE = "purchase", "Purchase"
        MATCH_CHARGE = "match_charge", "Match reservation"
        RELEASE = "release", "Unused reservation returned"
        REFUND = "refund", "Refund"
        DISPUTE = "dispute", "Payment dispute"
        DISPUTE_WON = "dispute_won", "Dispute won: credit restored"
        ADJUSTMENT = "adjustment", "Adjustment"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount_cents = models.BigIntegerField(help_text="Positive adds credit, negative takes it.")
    balance_after_cents = models.BigIntegerField()
    idempotency_key = models.CharField(max_length=255, unique=True)
    reference = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True, help_text="Why: required for manual adjustments.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A copy, so the ledger still says who after the user is deleted.
    actor_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects: ClassVar[models.Manager[LedgerEntry]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["organisation", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_cents=0), name="billing_entry_amount_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_cents(self.amount_cents)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Ledger entries are append-only: post a new entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Ledger entries are append-only: post a new entry instead.")


class LedgerErasure(models.Model):
    """Marks an organisation whose ledger is being deleted with it: the one deletion the
    database's append-only triggers let through (see migration 0002).

    Written by a pre_delete receiver on the organisation and removed by a post_delete one, in
    the same transaction; deliberately without a foreign key, so the cascade cannot remove the
    mark before the ledger rows it admits."""

    organisation_id = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Erasing the ledger of organisation {self.organisation_id}"


class Reservation(models.Model):
    """Credit set aside for one match: charged per candidate scored, the rest released."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RELEASED = "released", "Released"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="credit_reservations"
    )
    reserved_cents = models.PositiveBigIntegerField()
    charged_cents = models.PositiveBigIntegerField(default=0)
    released_cents = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reference = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    entry = models.OneToOneField(LedgerEntry, on_delete=models.CASCADE, related_name="reservation")
    release_entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="released_reservation",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(charged_cents__lte=models.F("reserved_cents")),
                name="billing_reservation_charge_within_reserve",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_cents(self.reserved_cents)} for {self.reference or self.pk}"

    @property
    def remaining_cents(self) -> int:
        if self.status == self.Status.RELEASED:
            return 0
        return self.reserved_cents - self.charged_cents


class ReservationCharge(models.Model):
    """One charge against a reservation (a candidate scored); its key makes retries harmless."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="charges")
    cents = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{format_cents(self.cents)} on reservation {self.reservation_id}"


class Purchase(models.Model):
    """A credit pack bought through one Stripe Checkout session."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        REFUNDED = "refunded", "Refunded"
        DISPUTED = "disputed", "Disputed"
        # Stripe expired the session unpaid: the buyer cancelled or left, and nothing was charged.
        EXPIRED = "expired", "Not completed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="purchases"
    )
    pack = models.ForeignKey(CreditPack, on_delete=models.SET_NULL, null=True, blank=True)
    # Copies of the pack at the time of purchase: staff may change the pack afterwards.
    pack_name = models.CharField(max_length=80)
    price_cents = models.PositiveIntegerField()
    credits_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    checkout_session_id = models.CharField(max_length=255, unique=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    customer_id = models.CharField(max_length=255, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    amount_paid_cents = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Credits taken back so far by refunds and disputes; never more than credits_cents.
    refunded_credits_cents = models.PositiveIntegerField(default=0)
    disputed_credits_cents = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pack_name} for {self.organisation} ({self.get_status_display()})"

    @property
    def clawed_back_cents(self) -> int:
        return self.refunded_credits_cents + self.disputed_credits_cents

    @property
    def is_settled(self) -> bool:
        """Whether money was taken, so a receipt exists."""
        return self.status not in UNSETTLED


# A purchase in these took no money: it has no receipt and nothing to refund or dispute.
UNSETTLED = (Purchase.Status.PENDING, Purchase.Status.EXPIRED)


class StripePayment(models.Model):
    """What Stripe has reported refunded on one payment intent, whichever event came first.

    A `charge.refunded` can arrive before its session's completion (Stripe does not promise an
    order), when there is no paid purchase to claw back from yet; the refund is kept here and
    applied when the purchase is fulfilled. Fulfilment, refunds and disputes all lock this row
    before the purchase, so they meet here whichever commits first.
    """

    payment_intent_id = models.CharField(max_length=255, unique=True)
    charge_id = models.CharField(max_length=255, blank=True)
    amount_cents = models.PositiveIntegerField(default=0)
    # Stripe's cumulative figure: only ever raised, so a late redelivery cannot lower it.
    amount_refunded_cents = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.payment_intent_id}: {format_cents(self.amount_refunded_cents)} refunded"


class StripeDispute(models.Model):
    """One dispute Stripe reported on a payment intent, whichever event came first.

    A `charge.dispute.created` can arrive before its session's completion, like a refund; it is
    kept here and clawed back when the purchase is fulfilled. An inquiry is kept without a
    claw-back until Stripe withdraws its money; a dispute won gives back what was taken. One
    row per dispute id, so a redelivery finds it, and two disputes on one payment are two rows.
    Written and read with the payment's `StripePayment` row locked, which is what orders it
    against the fulfilment.
    """

    dispute_id = models.CharField(max_length=255, unique=True)
    payment_intent_id = models.CharField(max_length=255, db_index=True)
    charge_id = models.CharField(max_length=255, blank=True)
    # As first reported: the claw-back is keyed by the dispute id alone, so a later figure
    # could never be posted anyway.
    amount_cents = models.PositiveIntegerField()
    # Stripe's latest word on it: an inquiry ("warning_needs_response") has taken no money, a
    # chargeback has; a chargeback the organisation wins gives the money back.
    status = models.CharField(max_length=32, blank=True)
    funds_withdrawn = models.BooleanField(default=True)
    funds_reinstated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} on {self.payment_intent_id}: {format_cents(self.amount_cents)}"


class StripeEvent(models.Model):
    """Every Stripe event handled, by id: a redelivered event finds its row and does nothing."""

    id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class TrialClaim(models.Model):
    """One free trial per person, whatever the case, `+tag` or Gmail dots of their address."""

    email_normalised = models.CharField(max_length=254, unique=True)
    # SET_NULL: deleting the organisation must not make the address eligible again.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cents = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email_normalised
