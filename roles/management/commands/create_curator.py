from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from accounts.models import User
from roles.services import curator_grant


class Command(BaseCommand):
    help = (
        "Lets EMAIL curate role pages in the admin (/admin/). Creates the account when it does "
        "not exist; an existing recruiter keeps their organisation and password. --superuser "
        "makes the first operator, who may do everything in the admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--password",
            help="Password for a new account (asked for when omitted and the account is new).",
        )
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Full admin rights: for the first operator of an installation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip()
        password = options.get("password")
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid email address.") from exc
        exists = User.objects.filter(email__iexact=email).exists()
        if not exists and not password:
            if not sys.stdin.isatty():
                raise CommandError(f"{email} has no account yet: pass --password.")
            password = getpass.getpass(f"Password for {email}: ")
        if password:
            try:
                validate_password(password, User(email=email))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        try:
            user, created = curator_grant(
                email=email, password=password, superuser=bool(options["superuser"])
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        what = "an administrator" if user.is_superuser else "a curator"
        verb = "Created" if created else "Made"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {user.email} {what}. Sign in at /admin/ to edit role pages."
            )
        )
