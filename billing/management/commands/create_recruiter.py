from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import User
from accounts.services import organisation_create
from billing import selectors, services
from billing.models import LedgerEntry
from billing.money import format_cents


class Command(BaseCommand):
    help = (
        "Creates a verified recruiter who owns a new organisation, with the free trial and, "
        "optionally, extra credit. For operators and demos."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--password", required=True)
        parser.add_argument("--org", required=True, help="Name of the new organisation.")
        parser.add_argument(
            "--credits-cents",
            type=int,
            default=0,
            help="Extra credit in cents on top of the free trial, posted as an adjustment.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip()
        password = str(options["password"])
        org_name = str(options["org"]).strip()
        extra = int(options["credits_cents"])
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid email address.") from exc
        if not org_name:
            raise CommandError("--org needs a name for the organisation.")
        if extra < 0:
            raise CommandError("--credits-cents cannot be negative.")
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A user with the email {email} already exists; nothing was done.")
        try:
            validate_password(password, user=User(email=email))
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc

        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            org = organisation_create(owner=user, name=org_name)
            trial = services.trial_grant(user=user, org=org)
            if extra:
                services.credit_grant(
                    org=org,
                    cents=extra,
                    kind=LedgerEntry.Kind.ADJUSTMENT,
                    idempotency_key=f"create-recruiter:{user.pk}",
                    reference="Credit added by create_recruiter",
                    note="Granted by an operator with manage.py create_recruiter",
                )

        self.stdout.write(f"Created verified recruiter {email} (user id {user.pk}).")
        self.stdout.write(f"Created organisation {org.name!r} (slug {org.slug}), owned by them.")
        if trial:
            self.stdout.write(
                f"Granted the free trial: {format_cents(selectors.trial_credits_cents())}."
            )
        else:
            self.stdout.write("No free trial: this email address already had one.")
        if extra:
            self.stdout.write(f"Added {format_cents(extra)} of extra credit as an adjustment.")
        balance = selectors.balance_cents(org=org)
        self.stdout.write(self.style.SUCCESS(f"Balance: {format_cents(balance)}."))
