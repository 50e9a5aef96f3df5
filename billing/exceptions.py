from __future__ import annotations

from billing.money import format_cents


class BillingError(Exception):
    """Base of billing's errors; `message` is meant for a recruiter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InsufficientCredit(BillingError):
    """The organisation's balance does not cover the cost. Nothing was written."""

    def __init__(self, *, needed_cents: int, available_cents: int) -> None:
        self.needed_cents = needed_cents
        self.available_cents = available_cents
        if available_cents < 0:
            message = (
                f"Your balance is {format_cents(available_cents)} after a refund or dispute. "
                f"Top it up to start new matches (this one needs {format_cents(needed_cents)})."
            )
        else:
            message = (
                f"This needs {format_cents(needed_cents)} of credit and your balance is "
                f"{format_cents(available_cents)}. Buy credits to continue."
            )
        super().__init__(message)

    @property
    def shortfall_cents(self) -> int:
        return max(self.needed_cents - self.available_cents, 0)


class ReservationError(BillingError):
    """A charge past what was reserved, or on a reservation already released."""


class IdempotencyConflict(BillingError):
    """An idempotency key was reused for a different operation: a bug in the caller."""


class PaymentsNotConfigured(BillingError):
    def __init__(self) -> None:
        super().__init__(
            "Online payments are not configured on this RoleMatch installation yet. "
            "Please contact the operator to add credits."
        )


class PaymentProviderError(BillingError):
    """Stripe could not be reached or refused the request."""


class WebhookSignatureError(BillingError):
    """A webhook whose Stripe-Signature is missing, does not match or is too old."""
