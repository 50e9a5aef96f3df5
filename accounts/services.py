"""Writes for accounts: organisations and their members."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Membership, Organisation, User


@transaction.atomic
def organisation_create(*, owner: User, name: str) -> Organisation:
    org = Organisation.objects.create(name=name)
    Membership.objects.create(user=owner, organisation=org, role=Membership.Role.OWNER)
    return org
