from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Prepares a database for RoleMatch: applies migrations, then runs every step in "
        "settings.BOOTSTRAP_STEPS (default catalog, pricing...). Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("migrations applied")
        for dotted in settings.BOOTSTRAP_STEPS:
            step = import_string(dotted)
            result = step()
            self.stdout.write(f"{dotted}: {result or 'done'}")
        self.stdout.write(self.style.SUCCESS("bootstrap complete"))
