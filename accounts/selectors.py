"""Reads for accounts. Every tenant-owned read elsewhere starts from `organisation_for_user`."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import Membership, Organisation, User


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
