"""Credit held by matches that are not running, for `audit_ledger`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from billing.models import Reservation
from matcher.models import Match


def reservations_held_idle() -> Iterator[tuple[int, str]]:
    """(organisation id, why) for each open reservation no running match will spend or release:
    its match finished, failed or waits for credit, or has not moved for PIPELINE_STUCK_MINUTES
    (the pipeline sweep should have settled it), or the reservation has had no match for as
    long."""
    still = timezone.now() - timedelta(minutes=settings.PIPELINE_STUCK_MINUTES)
    held = Reservation.objects.filter(status=Reservation.Status.OPEN)
    for match in Match.objects.filter(reservation__in=held).select_related("reservation"):
        reservation = match.reservation
        assert reservation is not None
        if match.status in Match.ACTIVE_STATUSES and match.updated_at >= still:
            continue
        why = (
            f"has not progressed since {match.updated_at:%Y-%m-%d %H:%M} UTC"
            if match.status in Match.ACTIVE_STATUSES
            else f"is {match.get_status_display().lower()}"
        )
        yield (
            match.organisation_id,
            f"match #{match.pk} {why} but its reservation {reservation.pk} still holds "
            f"{reservation.remaining_cents} cents",
        )
    for reservation in held.filter(matches__isnull=True, created_at__lt=still):
        yield (
            reservation.organisation_id,
            f"reservation {reservation.pk} ({reservation.reference}) holds "
            f"{reservation.remaining_cents} cents for no match",
        )
