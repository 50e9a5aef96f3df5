"""Billing's reactions to other apps' events, connected in `BillingConfig.ready()`."""

from __future__ import annotations

import logging
from typing import Any

from accounts.selectors import organisation_for_user
from billing import selectors, services
from billing.models import LedgerErasure
from billing.money import format_cents

logger = logging.getLogger(__name__)


def grant_trial_on_email_confirmed(
    sender: Any, request: Any, email_address: Any, **kwargs: Any
) -> None:
    user = email_address.user
    org = organisation_for_user(user=user)
    if org is None:
        logger.warning("Verified %s has no organisation yet; no trial granted", user.pk)
        return
    if services.trial_grant(user=user, org=org, email=email_address.email):
        logger.info("Free trial granted to organisation %s", org.pk)


def trial_words_for_email(
    sender: Any, template_prefix: str, email: str, context: dict[str, Any], **kwargs: Any
) -> dict[str, str]:
    """The sign-up email promises the trial only to those who will get it, and says why not."""
    if not template_prefix.startswith("account/email/email_confirmation"):
        return {}
    cents = selectors.trial_credits_cents()
    if cents <= 0:
        return {}
    return {
        "trial_credits": format_cents(cents),
        "trial_refusal": selectors.trial_refusal(email=email),
    }


def mark_ledger_erasure(sender: Any, instance: Any, **kwargs: Any) -> None:
    """The organisation is being deleted: let the database delete its ledger with it."""
    LedgerErasure.objects.get_or_create(organisation_id=instance.pk)


def clear_ledger_erasure(sender: Any, instance: Any, **kwargs: Any) -> None:
    LedgerErasure.objects.filter(organisation_id=instance.pk).delete()
