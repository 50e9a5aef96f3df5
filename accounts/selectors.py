"""Reads for accounts. Every tenant-owned read elsewhere starts from `organisation_for_user`."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken, AuditEvent, Invitation, Membership, Organisation, User


def organisation_for_user(*, user: User | AnonymousUser) -> Organisation | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    return membership.organisation if membership else None


def membership_for_user(*, user: User | AnonymousUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("organisation").filter(user=user).first()


def member_list(*, org: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=org).select_related("user").order_by("created_at")


def invitation_list(*, org: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=org).select_related("invited_by")


def invitation_list_pending(*, org: Organisation) -> QuerySet[Invitation]:
    return invitation_list(org=org).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def api_token_list(*, org: Organisation, user: User) -> QuerySet[ApiToken]:
    """A person's own tokens in their organisation: tokens are personal."""
    return ApiToken.objects.filter(organisation=org, user=user)


def audit_event_list(*, org: Organisation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation=org)
